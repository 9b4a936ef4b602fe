import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { ImportPage } from './ImportPage';
import { apiError, renderScreen, routedFetch } from '../test/render';

afterEach(() => vi.unstubAllGlobals());

const org = {
  id: 7,
  name: 'Acme',
  role: 'admin',
  plan: { profile_limit: 10, seat_limit: 25 },
  usage: { seats_used: 1 },
  logo_url: null,
  created_at: '2026-12-01T10:00:00Z',
};

const session = { status: 200, body: { user: { id: 1, email: 'a@example.com', display_name: 'Ada', created_at: '' }, csrf_token: 't' } };

const csv = 'email,full_name\nana@example.com,Ana\n';

function report(dryRun: boolean) {
  return {
    dry_run: dryRun,
    applied: !dryRun,
    rows_total: 1,
    rows_ok: 1,
    rows_with_errors: 0,
    teams_created: [],
    seats: { used: dryRun ? 1 : 2, limit: 25 },
    seat_limit_error: null,
    rows: [{ line: 2, email: 'ana@example.com', status: 'ok', role: 'member', teams: [] }],
  };
}

function renderImport(routes: Parameters<typeof routedFetch>[0]) {
  const fetchMock = vi.fn(
    routedFetch({ '/api/v1/sessions/current': session, '/api/v1/orgs/7': { status: 200, body: org }, ...routes }),
  );
  vi.stubGlobal('fetch', fetchMock);
  renderScreen(
    <Routes>
      <Route path="/orgs/:orgId/import" element={<ImportPage />} />
    </Routes>,
    '/orgs/7/import',
  );
  return fetchMock;
}

async function chooseFile(file: File) {
  await screen.findByText('CSV file');
  const input = document.querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error('no file input');
  await userEvent.upload(input, file);
}

describe('ImportPage', () => {
  it('checks the chosen file first, then applies the same text', async () => {
    const fetchMock = renderImport({
      'POST /api/v1/orgs/7/member-imports?dry_run=true': { status: 200, body: report(true) },
      'POST /api/v1/orgs/7/member-imports?dry_run=false': { status: 200, body: report(false) },
    });
    await chooseFile(new File([csv], 'people.csv', { type: 'text/csv' }));
    expect(await screen.findByText('Dry run: 1 of 1 rows ready, 0 with errors.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Apply: invite 1 person' }));
    expect(await screen.findByText('Imported: 1 invitations sent.')).toBeInTheDocument();
    const imports = fetchMock.mock.calls.filter(([url]) => url.includes('member-imports'));
    expect(imports.map(([url, init]) => [url, init?.body])).toEqual([
      ['/api/v1/orgs/7/member-imports?dry_run=true', csv],
      ['/api/v1/orgs/7/member-imports?dry_run=false', csv],
    ]);
  });

  it('refuses a file over the limit before sending it', async () => {
    const fetchMock = renderImport({});
    await chooseFile(new File(['x'.repeat(600 * 1024)], 'big.csv', { type: 'text/csv' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The file is 600 KiB; the limit is 512 KiB.');
    expect(fetchMock.mock.calls.filter(([url]) => url.includes('member-imports'))).toEqual([]);
  });

  it('shows why applying failed, and keeps the checked rows', async () => {
    renderImport({
      'POST /api/v1/orgs/7/member-imports?dry_run=true': { status: 200, body: report(true) },
      'POST /api/v1/orgs/7/member-imports?dry_run=false': apiError(422, 'seat_limit_reached', 'no seats left'),
    });
    await chooseFile(new File([csv], 'people.csv', { type: 'text/csv' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Apply: invite 1 person' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No seats left on the plan');
    expect(alert).toHaveTextContent('no seats left');
    expect(screen.getByText('Dry run: 1 of 1 rows ready, 0 with errors.')).toBeInTheDocument();
  });
});
