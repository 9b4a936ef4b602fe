import { Badge, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { keys } from '../api/queries';
import { useSession } from '../api/session';
import type { Invitation, InvitationStatus } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { Layout } from '../components/Layout';

interface InvitationPreview {
  org_name: string;
  invited_by: string;
  email: string;
  role: 'admin' | 'member';
  status: InvitationStatus;
  expires_at: string;
}

// Where an invitation link (the `invite_url` of an invitation, mailed or copied) lands:
// what the invitation is, whoever opens it; accept or decline once signed in as its
// address, else log in or sign up and come back here.
function InvitationLinkBody() {
  const token = useParams().token ?? '';
  const { user } = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const path = `/invitations/${encodeURIComponent(token)}`;
  const preview = useQuery({
    queryKey: ['invitation-link', token],
    queryFn: () => api<InvitationPreview>(path),
  });
  const answer = useMutation({
    mutationFn: (verb: 'accept' | 'decline') => api<Invitation>(`${path}/${verb}`, { method: 'POST' }),
    onSuccess: (invitation) => {
      void queryClient.invalidateQueries({ queryKey: keys.orgs });
      void queryClient.invalidateQueries({ queryKey: keys.myInvitations });
      navigate(invitation.status === 'accepted' ? `/orgs/${invitation.org_id}/members` : '/');
    },
  });
  if (preview.isPending) return <Loader aria-label="Loading the invitation" />;
  if (preview.error) return <ErrorAlert error={preview.error} />;
  const invitation = preview.data;
  const next = `?next=${encodeURIComponent(`/invitations/${token}`)}`;
  return (
    <Paper maw={560} p="xl" withBorder>
      <Stack>
        <Title order={1} size="h2">
          Join {invitation.org_name}
        </Title>
        <Text>
          {invitation.invited_by} invited {invitation.email} as <Badge>{invitation.role}</Badge>
        </Text>
        <Text size="sm" c="dimmed">
          {invitation.status === 'pending'
            ? `Expires ${new Date(invitation.expires_at).toLocaleString()}`
            : `This invitation is ${invitation.status}.`}
        </Text>
        <ErrorAlert error={answer.error} />
        {invitation.status === 'pending' &&
          (user ? (
            <Group>
              <Button onClick={() => answer.mutate('accept')} loading={answer.isPending}>
                Accept
              </Button>
              <Button variant="default" onClick={() => answer.mutate('decline')}>
                Decline
              </Button>
              {user.email.toLowerCase() !== invitation.email.toLowerCase() && (
                <Text size="sm" c="orange" role="note">
                  You are signed in as {user.email}; this invitation is for {invitation.email}.
                </Text>
              )}
            </Group>
          ) : (
            <Group>
              <Button component={Link} to={`/login${next}`}>
                Log in to answer
              </Button>
              <Button component={Link} to={`/signup${next}`} variant="default">
                Create an account
              </Button>
            </Group>
          ))}
      </Stack>
    </Paper>
  );
}

export function InvitationLinkPage() {
  const { user, loading } = useSession();
  if (loading) return <Loader aria-label="Loading" />;
  return user ? (
    <Layout>
      <InvitationLinkBody />
    </Layout>
  ) : (
    <Stack p="md" align="center">
      <InvitationLinkBody />
    </Stack>
  );
}
