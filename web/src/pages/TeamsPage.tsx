import { useState, type FormEvent } from 'react';
import { Anchor, Button, Group, Loader, Paper, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { fieldError } from '../api/errors';
import { canManageOrg, keys, useTeams } from '../api/queries';
import type { Organization, Team } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { OnlyAdmins, OrgPage } from '../components/OrgPage';
import { TableHead } from '../components/TableHead';

function CreateTeamForm({ org }: { org: Organization }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => api<Team>(`/orgs/${org.id}/teams`, { method: 'POST', json: { name } }),
    onSuccess: () => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: keys.teams(org.id) });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <Paper p="md" withBorder>
      <form onSubmit={submit} aria-label="Create a team">
        <Group align="flex-start">
          <TextInput label="New team name" required maxLength={100} value={name} w={300}
            error={fieldError(create.error, 'name')} onChange={(event) => setName(event.currentTarget.value)} />
          <Button type="submit" mt={25} loading={create.isPending}>
            Create team
          </Button>
        </Group>
        <ErrorAlert error={create.error} />
      </form>
    </Paper>
  );
}

function TeamsBody({ org }: { org: Organization }) {
  const teams = useTeams(org.id);
  return (
    <>
      {canManageOrg(org) ? <CreateTeamForm org={org} /> : <OnlyAdmins action="create teams" />}
      {!canManageOrg(org) && <Text size="sm">You see the teams you are in.</Text>}
      <ErrorAlert error={teams.error} />
      {teams.isPending ? (
        <Loader aria-label="Loading teams" />
      ) : (
        <Table striped highlightOnHover aria-label="Teams">
          <TableHead columns={['Team', 'Created']} />
          <Table.Tbody>
            {teams.data?.map((team) => (
              <Table.Tr key={team.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/orgs/${org.id}/teams/${team.id}`}>
                    {team.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{new Date(team.created_at).toLocaleDateString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {teams.data?.length === 0 && <Text c="dimmed">No teams yet.</Text>}
    </>
  );
}

export function TeamsPage() {
  return <OrgPage title="Teams">{(org) => <TeamsBody org={org} />}</OrgPage>;
}
