import { useState, type FormEvent } from 'react';
import {
  Anchor, Button, Code, CopyButton, Group, Loader, Modal, Paper, Progress, Select, Stack,
  Table, Text, TextInput, Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { fieldError } from '../api/errors';
import { canManageOrg, keys, useMembers, useOrgInvitations } from '../api/queries';
import { useSession } from '../api/session';
import type { Invitation, Member, Organization, OrgRole } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { OnlyAdmins, OrgPage } from '../components/OrgPage';
import { TableHead } from '../components/TableHead';

function InviteForm({ org }: { org: Organization }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const invite = useMutation({
    mutationFn: () =>
      api<Invitation>(`/orgs/${org.id}/invitations`, { method: 'POST', json: { email, role } }),
    onSuccess: () => {
      setEmail('');
      void queryClient.invalidateQueries({ queryKey: keys.orgInvitations(org.id) });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    invite.mutate();
  }
  return (
    <Paper p="md" withBorder>
      <form onSubmit={submit} aria-label="Invite a member">
        <Stack gap="sm">
          <Title order={2} size="h4">
            Invite a member
          </Title>
          <Group align="flex-start">
            <TextInput label="Email" type="email" required value={email} w={300}
              error={fieldError(invite.error, 'email')} onChange={(event) => setEmail(event.currentTarget.value)} />
            <Select label="Role" data={['member', 'admin']} value={role} allowDeselect={false} w={140}
              onChange={(value) => setRole(value === 'admin' ? 'admin' : 'member')} />
            <Button type="submit" mt={25} loading={invite.isPending}>
              Send invitation
            </Button>
          </Group>
          <ErrorAlert error={invite.error} />
          {invite.data?.invite_url && (
            <Group gap="xs">
              <Text size="sm">Invitation link (shown once, share it if no email is sent):</Text>
              <Code>{invite.data.invite_url}</Code>
              <CopyButton value={invite.data.invite_url}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? 'Copied' : 'Copy link'}
                  </Button>
                )}
              </CopyButton>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

function roleChoices(org: Organization, member: Member): { choices: OrgRole[]; reason?: string } {
  if (!canManageOrg(org)) return { choices: [], reason: 'Only owners and admins change roles' };
  if (org.role === 'owner') return { choices: ['owner', 'admin', 'member'] };
  if (member.role === 'owner') return { choices: [], reason: "Only an owner changes an owner's role" };
  return { choices: ['admin', 'member'] };
}

interface MemberRowProps {
  org: Organization;
  member: Member;
  onlyOwner: boolean;
  onRemove: (member: Member) => void;
}

function MemberRow({ org, member, onlyOwner, onRemove }: MemberRowProps) {
  const queryClient = useQueryClient();
  const { user } = useSession();
  const changeRole = useMutation({
    mutationFn: (role: OrgRole) =>
      api<Member>(`/orgs/${org.id}/members/${member.user_id}`, { method: 'PATCH', json: { role } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.members(org.id) }),
  });
  const { choices, reason } = roleChoices(org, member);
  const self = user?.id === member.user_id;
  // The last owner can neither leave nor be removed (409): transfer ownership first.
  const lastOwner = member.role === 'owner' && onlyOwner;
  const mayRemove = !lastOwner && (self || (canManageOrg(org) && (member.role !== 'owner' || org.role === 'owner')));
  return (
    <Table.Tr>
      <Table.Td>{member.display_name}</Table.Td>
      <Table.Td>{member.email}</Table.Td>
      <Table.Td>
        {choices.length > 0 ? (
          <Select aria-label={`Role of ${member.display_name}`} data={choices} value={member.role} size="xs"
            w={120} allowDeselect={false} onChange={(value) => value && changeRole.mutate(value as OrgRole)} />
        ) : (
          <Text size="sm" title={reason}>
            {member.role}
          </Text>
        )}
        {changeRole.error != null && <ErrorAlert error={changeRole.error} />}
      </Table.Td>
      <Table.Td>{new Date(member.joined_at).toLocaleDateString()}</Table.Td>
      <Table.Td>
        {mayRemove && (
          <Button size="xs" color="red" variant="subtle" onClick={() => onRemove(member)}
            aria-label={self ? 'Leave the organization' : `Remove ${member.display_name}`}>
            {self ? 'Leave' : 'Remove'}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function PendingInvitations({ org }: { org: Organization }) {
  const queryClient = useQueryClient();
  const invitations = useOrgInvitations(org.id, true);
  const revoke = useMutation({
    mutationFn: (id: number) => api(`/orgs/${org.id}/invitations/${id}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.orgInvitations(org.id) }),
  });
  if (invitations.isPending) return <Loader size="sm" aria-label="Loading invitations" />;
  if (invitations.error) return <ErrorAlert error={invitations.error} />;
  const pending = invitations.data.filter((invitation) => invitation.status === 'pending');
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        Pending invitations ({pending.length})
      </Title>
      <ErrorAlert error={revoke.error} />
      {pending.length > 0 && (
        <Table striped>
          <TableHead columns={['Email', 'Role', 'Expires']} actions />
          <Table.Tbody>
            {pending.map((invitation) => (
              <Table.Tr key={invitation.id}>
                <Table.Td>{invitation.email}</Table.Td>
                <Table.Td>{invitation.role}</Table.Td>
                <Table.Td>{new Date(invitation.expires_at).toLocaleDateString()}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(invitation.id)}
                    aria-label={`Revoke the invitation of ${invitation.email}`}>
                    Revoke
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function MembersBody({ org }: { org: Organization }) {
  const queryClient = useQueryClient();
  const members = useMembers(org.id);
  const [removing, setRemoving] = useState<Member | null>(null);
  const remove = useMutation({
    mutationFn: (member: Member) => api(`/orgs/${org.id}/members/${member.user_id}`, { method: 'DELETE' }),
    onSuccess: () => {
      setRemoving(null);
      void queryClient.invalidateQueries({ queryKey: ['orgs'] });
    },
  });
  const list = members.data?.pages.flatMap((page) => page.members) ?? [];
  const onlyOwner = !members.hasNextPage && list.filter((member) => member.role === 'owner').length === 1;
  const manage = canManageOrg(org);
  return (
    <>
      <Group gap="xs">
        <Text size="sm">
          Seats: {org.usage.seats_used} / {org.plan.seat_limit}
        </Text>
        <Progress value={(100 * org.usage.seats_used) / Math.max(org.plan.seat_limit, 1)} w={160}
          aria-label="Seats used" />
      </Group>
      {manage ? (
        <>
          <InviteForm org={org} />
          <Text size="sm">
            Many people at once? <Anchor component={Link} to={`/orgs/${org.id}/import`}>Import a CSV</Anchor>.
          </Text>
        </>
      ) : (
        <OnlyAdmins action="invite, change roles or remove members" />
      )}
      <ErrorAlert error={members.error} />
      {members.isPending ? (
        <Loader aria-label="Loading members" />
      ) : (
        <Table striped highlightOnHover aria-label="Members">
          <TableHead columns={['Name', 'Email', 'Role', 'Joined']} actions />
          <Table.Tbody>
            {list.map((member) => (
              <MemberRow key={member.user_id} org={org} member={member} onlyOwner={onlyOwner} onRemove={setRemoving} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {members.hasNextPage && (
        <Button variant="default" onClick={() => members.fetchNextPage()} loading={members.isFetchingNextPage}
          w="fit-content">
          Load more members
        </Button>
      )}
      {manage && <PendingInvitations org={org} />}
      <Modal opened={removing !== null} onClose={() => setRemoving(null)} title="Remove from the organization?">
        <Stack>
          <Text>
            {removing?.display_name} ({removing?.email}) loses access to {org.name} at once. What they scheduled
            stays.
          </Text>
          <ErrorAlert error={remove.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              Cancel
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => removing && remove.mutate(removing)}>
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

export function MembersPage() {
  return <OrgPage title="Members">{(org) => <MembersBody org={org} />}</OrgPage>;
}
