import { useState } from 'react';
import { Anchor, Button, Group, Loader, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { canManageOrg, keys, useAllMembers, useProfiles, useTeam, useTeamProfiles } from '../api/queries';
import { useSession } from '../api/session';
import type { Organization, ProfileLevel, TeamRole } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { OrgPage } from '../components/OrgPage';
import { TableHead } from '../components/TableHead';
import { TemplatesSection } from '../components/TemplatesSection';

const levels: ProfileLevel[] = ['viewer', 'limited', 'publisher', 'manager'];
const teamRoles: TeamRole[] = ['member', 'team_admin'];

function TeamBody({ org, teamId }: { org: Organization; teamId: number }) {
  const queryClient = useQueryClient();
  const { user } = useSession();
  const team = useTeam(org.id, teamId);
  const teamProfiles = useTeamProfiles(org.id, teamId);
  const orgMembers = useAllMembers(org.id);
  const orgProfiles = useProfiles(org.id);
  const [newMember, setNewMember] = useState<string | null>(null);
  const [newProfile, setNewProfile] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.team(org.id, teamId) });
  const refreshProfiles = () => queryClient.invalidateQueries({ queryKey: keys.teamProfiles(org.id, teamId) });
  const setMember = useMutation({
    mutationFn: ({ userId, role }: { userId: number; role: TeamRole }) =>
      api(`/orgs/${org.id}/teams/${teamId}/members/${userId}`, { method: 'PUT', json: { team_role: role } }),
    onSuccess: () => {
      setNewMember(null);
      void refresh();
    },
  });
  const removeMember = useMutation({
    mutationFn: (userId: number) => api(`/orgs/${org.id}/teams/${teamId}/members/${userId}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });
  const setProfile = useMutation({
    mutationFn: ({ profileId, level }: { profileId: number; level: ProfileLevel }) =>
      api(`/orgs/${org.id}/teams/${teamId}/profiles/${profileId}`, { method: 'PUT', json: { level } }),
    onSuccess: () => {
      setNewProfile(null);
      void refreshProfiles();
    },
  });
  const removeProfile = useMutation({
    mutationFn: (profileId: number) =>
      api(`/orgs/${org.id}/teams/${teamId}/profiles/${profileId}`, { method: 'DELETE' }),
    onSuccess: refreshProfiles,
  });

  if (team.isPending) return <Loader aria-label="Loading the team" />;
  if (team.error) return <ErrorAlert error={team.error} />;
  const myTeamRole = team.data.members.find((member) => member.user_id === user?.id)?.team_role;
  const manage = canManageOrg(org) || myTeamRole === 'team_admin';
  const inTeam = new Set(team.data.members.map((member) => member.user_id));
  const candidates = (orgMembers.data ?? [])
    .filter((member) => !inTeam.has(member.user_id))
    .map((member) => ({ value: String(member.user_id), label: `${member.display_name} (${member.email})` }));
  const granted = new Set((teamProfiles.data ?? []).map((profile) => profile.id));
  const profileCandidates = (orgProfiles.data ?? [])
    .filter((profile) => !granted.has(profile.id))
    .map((profile) => ({ value: String(profile.id), label: `@${profile.handle}` }));

  return (
    <Stack>
      <Title order={2} size="h3">
        {team.data.name}
      </Title>
      <Anchor component={Link} to={`/orgs/${org.id}/teams`} size="sm">
        ← All teams
      </Anchor>
      {!manage && (
        <Text size="sm" c="dimmed" role="note">
          Only owners, admins and this team's admins change its members and profiles.
        </Text>
      )}
      <Title order={3} size="h4">
        Members
      </Title>
      <ErrorAlert error={setMember.error ?? removeMember.error} />
      {manage && <ErrorAlert error={orgMembers.error} />}
      {manage && (
        <Group align="flex-end">
          <Select label="Add a member of the organization" placeholder="Choose a member" data={candidates}
            value={newMember} onChange={setNewMember} searchable w={340} nothingFoundMessage="No one else to add" />
          <Button disabled={!newMember} onClick={() => newMember && setMember.mutate({ userId: Number(newMember), role: 'member' })}>
            Add to team
          </Button>
        </Group>
      )}
      <Table striped aria-label="Team members">
        <TableHead columns={['Name', 'Email', 'Team role']} actions />
        <Table.Tbody>
          {team.data.members.map((member) => (
            <Table.Tr key={member.user_id}>
              <Table.Td>{member.display_name}</Table.Td>
              <Table.Td>{member.email}</Table.Td>
              <Table.Td>
                {manage ? (
                  <Select aria-label={`Team role of ${member.display_name}`} data={teamRoles} value={member.team_role}
                    size="xs" w={140} allowDeselect={false}
                    onChange={(role) => role && setMember.mutate({ userId: member.user_id, role: role as TeamRole })} />
                ) : (
                  member.team_role
                )}
              </Table.Td>
              <Table.Td>
                {(manage || member.user_id === user?.id) && (
                  <Button size="xs" variant="subtle" color="red" onClick={() => removeMember.mutate(member.user_id)}
                    aria-label={`Remove ${member.display_name} from the team`}>
                    Remove
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {team.data.members.length === 0 && <Text c="dimmed">No members yet.</Text>}
      <Title order={3} size="h4">
        Social profiles and levels
      </Title>
      <Text size="sm" c="dimmed">
        viewer sees; limited composes for approval; publisher publishes and approves; manager also reconnects the
        profile and chooses its teams.
      </Text>
      <ErrorAlert error={setProfile.error ?? removeProfile.error} />
      {canManageOrg(org) && <ErrorAlert error={orgProfiles.error} />}
      {canManageOrg(org) && (
        <Group align="flex-end">
          <Select label="Give a profile to this team" placeholder={profileCandidates.length ? 'Choose a profile' : 'No profile to add'}
            data={profileCandidates} value={newProfile} onChange={setNewProfile} w={340} />
          <Button disabled={!newProfile}
            onClick={() => newProfile && setProfile.mutate({ profileId: Number(newProfile), level: 'viewer' })}>
            Give as viewer
          </Button>
        </Group>
      )}
      <ErrorAlert error={teamProfiles.error} />
      <Table striped aria-label="Team profiles">
        <TableHead columns={['Profile', 'Level']} actions />
        <Table.Tbody>
          {(teamProfiles.data ?? []).map((profile) => (
            <Table.Tr key={profile.id}>
              <Table.Td>@{profile.handle}</Table.Td>
              <Table.Td>
                {manage ? (
                  <Select aria-label={`Level of @${profile.handle}`} data={levels} value={profile.level ?? null} size="xs"
                    w={140} allowDeselect={false}
                    onChange={(level) => level && setProfile.mutate({ profileId: profile.id, level: level as ProfileLevel })} />
                ) : (
                  profile.level
                )}
              </Table.Td>
              <Table.Td>
                {manage && (
                  <Button size="xs" variant="subtle" color="red" onClick={() => removeProfile.mutate(profile.id)}
                    aria-label={`Take @${profile.handle} from the team`}>
                    Remove
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {teamProfiles.data?.length === 0 && <Text c="dimmed">This team has no profiles yet.</Text>}
      <TemplatesSection orgId={org.id} teamId={teamId} manage={manage} />
    </Stack>
  );
}

export function TeamPage() {
  const teamId = Number(useParams().teamId);
  return <OrgPage title="Team">{(org) => <TeamBody org={org} teamId={teamId} />}</OrgPage>;
}
