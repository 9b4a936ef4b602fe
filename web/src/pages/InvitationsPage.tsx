import { Badge, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { keys, useMyInvitations } from '../api/queries';
import type { Invitation } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';

export function InvitationList() {
  const queryClient = useQueryClient();
  const invitations = useMyInvitations();
  const answer = useMutation({
    mutationFn: ({ id, verb }: { id: number; verb: 'accept' | 'decline' }) =>
      api<Invitation>(`/me/invitations/${id}/${verb}`, { method: 'POST' }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.myInvitations });
      void queryClient.invalidateQueries({ queryKey: keys.orgs });
    },
  });
  if (invitations.isPending) return <Loader aria-label="Loading invitations" />;
  if (invitations.error) return <ErrorAlert error={invitations.error} />;
  return (
    <Stack>
      <Title order={2} size="h3">
        Pending invitations
      </Title>
      <ErrorAlert error={answer.error} />
      {invitations.data.length === 0 && <Text c="dimmed">No pending invitations.</Text>}
      {invitations.data.map((invitation) => (
        <Card key={invitation.id} withBorder>
          <Group justify="space-between">
            <div>
              <Text fw={600}>{invitation.org_name}</Text>
              <Text size="sm">
                {invitation.invited_by.display_name} invited you as <Badge size="sm">{invitation.role}</Badge>
                {invitation.teams.length > 0 && ` to ${invitation.teams.map((team) => team.name).join(', ')}`}
              </Text>
              <Text size="xs" c="dimmed">
                Expires {new Date(invitation.expires_at).toLocaleString()}
              </Text>
            </div>
            <Group>
              <Button onClick={() => answer.mutate({ id: invitation.id, verb: 'accept' })}
                aria-label={`Accept the invitation to ${invitation.org_name}`}>
                Accept
              </Button>
              <Button variant="default" onClick={() => answer.mutate({ id: invitation.id, verb: 'decline' })}
                aria-label={`Decline the invitation to ${invitation.org_name}`}>
                Decline
              </Button>
            </Group>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}

export function InvitationsPage() {
  return (
    <Stack maw={760}>
      <Title order={1}>Invitations</Title>
      <InvitationList />
    </Stack>
  );
}
