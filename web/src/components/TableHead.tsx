import { Table, VisuallyHidden } from '@mantine/core';

// The header row of a list table; `actions` adds a last column for row buttons, named for
// screen readers only.
export function TableHead({ columns, actions = false }: { columns: string[]; actions?: boolean }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((column) => (
          <Table.Th key={column}>{column}</Table.Th>
        ))}
        {actions && (
          <Table.Th>
            <VisuallyHidden>Actions</VisuallyHidden>
          </Table.Th>
        )}
      </Table.Tr>
    </Table.Thead>
  );
}
