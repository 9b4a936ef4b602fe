import { Badge, List, Table, Text } from '@mantine/core';
import { describeDetail } from '../api/errors';
import type { MemberImportReport } from '../api/types';
import { TableHead } from './TableHead';

// One row per CSV line of a dry run (or an apply): its outcome and every problem of it,
// named by line and column.
export function ImportReportTable({ report }: { report: MemberImportReport }) {
  return (
    <Table striped aria-label={report.dry_run ? 'Dry-run results' : 'Import results'}>
      <TableHead columns={['Line', 'Email', 'Role', 'Teams', 'Result']} />
      <Table.Tbody>
        {report.rows.map((row) => (
          <Table.Tr key={row.line}>
            <Table.Td>{row.line}</Table.Td>
            <Table.Td>{row.email}</Table.Td>
            <Table.Td>{row.role ?? ''}</Table.Td>
            <Table.Td>{(row.teams ?? []).join(', ')}</Table.Td>
            <Table.Td>
              {row.status === 'ok' ? (
                <Badge color="green" variant="light">
                  {report.applied ? 'Invited' : 'Ready'}
                </Badge>
              ) : (
                <>
                  <Badge color="red" variant="light">
                    Error
                  </Badge>
                  <List size="sm">
                    {(row.errors ?? []).map((error) => (
                      <List.Item key={describeDetail(error)}>
                        <Text size="sm" c="red">
                          {describeDetail(error)}
                        </Text>
                      </List.Item>
                    ))}
                  </List>
                </>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
