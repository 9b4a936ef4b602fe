import { Alert, Avatar, Badge, Group, Loader, Progress, SimpleGrid, Table, Text } from '@mantine/core';
import { useAllMembers, useProfiles } from '../api/queries';
import type { Organization, Profile } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { OrgPage } from '../components/OrgPage';
import { OAuthConnectForm, OAuthOutcome } from '../components/OAuthConnect';
import { ConnectProfileForm, ProfileActions } from '../components/ProfileConnect';
import { TableHead } from '../components/TableHead';

function planUsage(used: number, limit: number): string {
  return `${used} / ${limit} profiles`;
}

function StatusBadge({ profile }: { profile: Profile }) {
  if (profile.status === 'needs_reconnect') {
    return (
      <Badge color="red" variant="filled" title="The network refused its credentials: a manager must reconnect it">
        Needs reconnect
      </Badge>
    );
  }
  return (
    <Badge color="green" variant="light">
      Active
    </Badge>
  );
}

function ProfilesBody({ org }: { org: Organization }) {
  const profiles = useProfiles(org.id);
  const members = useAllMembers(org.id);
  const names = new Map((members.data ?? []).map((member) => [member.user_id, member.display_name]));
  if (profiles.isPending) return <Loader aria-label="Loading profiles" />;
  if (profiles.error) return <ErrorAlert error={profiles.error} />;
  const list = profiles.data;
  const broken = list.filter((profile) => profile.status === 'needs_reconnect');
  const limit = org.plan.profile_limit;
  return (
    <>
      <OAuthOutcome />
      <Group gap="xs">
        <Text fw={600} aria-label="Plan usage">
          {planUsage(list.length, limit)}
        </Text>
        <Progress value={(100 * list.length) / Math.max(limit, 1)} w={200} aria-label="Profiles used" />
      </Group>
      {org.role === 'member' && (
        <Text size="sm" c="dimmed">
          You see the profiles your teams have; the plan counts every profile of the organization.
        </Text>
      )}
      {broken.length > 0 && (
        <Alert color="red" title={`${broken.length} profile${broken.length > 1 ? 's' : ''} need${broken.length > 1 ? '' : 's'} reconnecting`}>
          Posts to {broken.map((profile) => `@${profile.handle}`).join(', ')} cannot be published until a manager
          reconnects {broken.length > 1 ? 'them' : 'it'}.
        </Alert>
      )}
      {/* Without the members, owners show as "user N": say why. */}
      <ErrorAlert error={members.error} />
      <Table striped aria-label="Social profiles">
        <TableHead columns={['Profile', 'Network', 'Status', 'Owner', 'Confirmation', 'Your level']} actions />
        <Table.Tbody>
          {list.map((profile) => (
            <Table.Tr key={profile.id}>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Avatar src={profile.avatar_url || null} alt="" size="sm" />
                  <div>
                    <Text size="sm" fw={500}>
                      {profile.display_name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      @{profile.handle}
                    </Text>
                  </div>
                </Group>
              </Table.Td>
              <Table.Td>{profile.network}</Table.Td>
              <Table.Td>
                <StatusBadge profile={profile} />
              </Table.Td>
              <Table.Td>
                {profile.owner_user_id === null ? '—' : (names.get(profile.owner_user_id) ?? `user ${profile.owner_user_id}`)}
              </Table.Td>
              <Table.Td>{profile.requires_confirmation ? 'Required' : 'Not required'}</Table.Td>
              <Table.Td>{profile.my_level}</Table.Td>
              <Table.Td>
                <ProfileActions org={org} profile={profile} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.length === 0 && (
        <Text c="dimmed">
          No social profiles yet.
        </Text>
      )}
      {(org.role === 'owner' || org.role === 'admin') && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <OAuthConnectForm org={org} />
          <ConnectProfileForm org={org} used={list.length} />
        </SimpleGrid>
      )}
    </>
  );
}

export function ProfilesPage() {
  return <OrgPage title="Social profiles">{(org) => <ProfilesBody org={org} />}</OrgPage>;
}
