import { describe, expect, it } from 'vitest';
import type { ReactElement } from 'react';
import { render, screen, within } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { ImportReportTable } from './ImportReportTable';
import type { MemberImportReport } from '../api/types';

const report: MemberImportReport = {
  dry_run: true,
  applied: false,
  rows_total: 3,
  rows_ok: 2,
  rows_with_errors: 1,
  teams_created: ['Social'],
  seats: { used: 1, limit: 25 },
  seat_limit_error: null,
  rows: [
    { line: 2, email: 'ana@example.com', status: 'ok', role: 'member', teams: ['Social', 'Press'] },
    { line: 3, email: 'not-an-email', status: 'error', errors: [{ field: 'email', message: 'is not an email address', line: 3, column: 1 }] },
    { line: 4, email: 'bo@example.com', status: 'ok', role: 'admin', teams: [] },
  ],
};

// The table needs no session, router or server: renderScreen would ask for the session.
function renderTable(ui: ReactElement) {
  return render(<MantineProvider>{ui}</MantineProvider>);
}

describe('ImportReportTable', () => {
  it('renders one row per CSV line with its outcome and located errors', () => {
    renderTable(<ImportReportTable report={report} />);
    const table = screen.getByRole('table', { name: 'Dry-run results' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(rows[1]).toHaveTextContent('ana@example.com');
    expect(rows[1]).toHaveTextContent('Social, Press');
    expect(rows[1]).toHaveTextContent('Ready');
    expect(rows[2]).toHaveTextContent('Error');
    expect(rows[2]).toHaveTextContent('Line 3, column 1: is not an email address');
    expect(rows[3]).toHaveTextContent('admin');
  });

  it('says invited once applied', () => {
    renderTable(<ImportReportTable report={{ ...report, dry_run: false, applied: true, rows: [report.rows[0]] }} />);
    const table = screen.getByRole('table', { name: 'Import results' });
    expect(within(table).getByText('Invited')).toBeInTheDocument();
  });
});
