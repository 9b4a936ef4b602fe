import { useState } from 'react';
import { Anchor, Button, Code, Group, Loader, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { canManageOrg, useAudit } from '../api/queries';
import type { AuditEvent, Organization } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { OnlyAdmins, OrgPage } from '../components/OrgPage';
import { TableHead } from '../components/TableHead';

function actorName(event: AuditEvent): string {
  if (!event.actor) return 'Operator';
  return event.actor.display_name ?? event.actor.email ?? `user ${event.actor.id}`;
}

function AuditBody({ org }: { org: Organization }) {
  const [action, setAction] = useState('');
  const [debounced] = useDebouncedValue(action.trim(), 300);
  const manage = canManageOrg(org);
  const events = useAudit(org.id, debounced, manage);
  if (!manage) return <OnlyAdmins action="read the audit log" />;
  const list = events.data?.pages.flatMap((page) => page.events) ?? [];
  const csvQuery = new URLSearchParams({ format: 'csv' });
  if (debounced) csvQuery.set('action', debounced);
  return (
    <>
      <Group align="flex-end">
        <TextInput label="Filter by action" description="An action (member.role_changed) or a prefix with * (member.*)"
          value={action} onChange={(event) => setAction(event.currentTarget.value)} w={360} />
        <Anchor href={`/api/v1/orgs/${org.id}/audit?${csvQuery}`} download>
          Export CSV
        </Anchor>
      </Group>
      <ErrorAlert error={events.error} />
      {events.isPending ? (
        <Loader aria-label="Loading the audit log" />
      ) : (
        <Table striped aria-label="Audit log">
          <TableHead columns={['Time', 'Actor', 'Action', 'Target', 'Details']} />
          <Table.Tbody>
            {list.map((event) => (
              <Table.Tr key={event.id}>
                <Table.Td>{new Date(event.time).toLocaleString()}</Table.Td>
                <Table.Td>{actorName(event)}</Table.Td>
                <Table.Td>
                  <Code>{event.action}</Code>
                </Table.Td>
                <Table.Td>{event.target}</Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {JSON.stringify(event.details)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {!events.isPending && list.length === 0 && <Text c="dimmed">No events match.</Text>}
      {events.hasNextPage && (
        <Button variant="default" w="fit-content" loading={events.isFetchingNextPage} onClick={() => events.fetchNextPage()}>
          Load older events
        </Button>
      )}
    </>
  );
}

export function AuditPage() {
  return <OrgPage title="Audit log">{(org) => <AuditBody org={org} />}</OrgPage>;
}
