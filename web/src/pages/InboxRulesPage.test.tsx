import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { InboxRulesPage } from './InboxRulesPage';
import { apiError, renderScreen } from '../test/render';
import { apiMock } from '../test/apiMock';

afterEach(() => vi.unstubAllGlobals());

const session = { status: 200, body: { user: { id: 5, email: 'li@example.com', display_name: 'Li', created_at: '' }, csrf_token: 't' } };
function org(role: string) {
  return { status: 200, body: { id: 7, name: 'Acme', role, plan: { profile_limit: 10, seat_limit: 25 }, usage: { seats_used: 2 }, logo_url: null, created_at: '' } };
}
function rule(id: number, position: number, name: string, extra: Record<string, unknown> = {}) {
  return { id, position, name, keywords: [], regex: '', author: '', profile_id: null, assign_team_id: null, tags: [], priority: null, created_at: '', updated_at: '', ...extra };
}

function renderRules(role: string, routes: Parameters<typeof apiMock>[0] = {}) {
  const mock = apiMock({
    '/api/v1/sessions/current': session,
    '/api/v1/orgs/7': org(role),
    '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [] } },
    '/api/v1/orgs/7/teams': { status: 200, body: { teams: [{ id: 3, name: 'Care', created_at: '' }] } },
    '/api/v1/orgs/7/inbox-rules': { status: 200, body: { rules: [rule(1, 1, 'Urgent', { keywords: ['outage'], priority: 'urgent' }), rule(2, 2, 'Care team', { assign_team_id: 3, tags: ['support'] })] } },
    ...routes,
  });
  vi.stubGlobal('fetch', mock.fetchMock);
  renderScreen(<Routes><Route path="/orgs/:orgId/inbox-rules" element={<InboxRulesPage />} /></Routes>, '/orgs/7/inbox-rules');
  return mock;
}

describe('InboxRulesPage', () => {
  it('lists the rules in order, says what each does, and moves one down', async () => {
    const user = userEvent.setup();
    const mock = renderRules('admin', { 'PUT /api/v1/orgs/7/inbox-rules/1': { status: 200, body: rule(1, 2, 'Urgent') } });
    const items = within(await screen.findByRole('list', { name: 'Routing rules' })).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('When mentions “outage”: priority urgent.');
    await waitFor(() => expect(items[1]).toHaveTextContent('When every item: assign to Care; tag support.'));
    await user.click(screen.getByRole('button', { name: 'Move Urgent down' }));
    await waitFor(() => expect(mock.sent('PUT', '/api/v1/orgs/7/inbox-rules/1')).toHaveLength(1));
    expect(mock.sent('PUT', '/api/v1/orgs/7/inbox-rules/1')[0].body).toEqual({
      name: 'Urgent', keywords: ['outage'], regex: '', author: '', profile_id: null, assign_team_id: null, tags: [], priority: 'urgent', position: 2,
    });
  });

  it('adds a rule, showing a bad regex on its field', async () => {
    const user = userEvent.setup();
    const mock = renderRules('owner', {
      'POST /api/v1/orgs/7/inbox-rules': [
        apiError(422, 'invalid_request', 'invalid rule', [{ field: 'regex', message: 'does not compile: missing )' }]),
        { status: 201, body: rule(3, 3, 'Refunds') },
      ],
    });
    await user.click(await screen.findByRole('button', { name: 'New rule' }));
    const dialog = await screen.findByRole('dialog', { name: 'New routing rule' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Refunds');
    await user.type(within(dialog).getByRole('textbox', { name: /Regular expression/ }), 'refund(');
    await user.click(within(dialog).getByRole('button', { name: 'Save rule' }));
    expect(await within(dialog).findByText('does not compile: missing )', { selector: '.mantine-InputWrapper-error' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(mock.sent('POST', '/api/v1/orgs/7/inbox-rules')[1].body).toEqual({
      name: 'Refunds', keywords: [], regex: 'refund(', author: '', profile_id: null, assign_team_id: null, tags: [], priority: null,
    });
  });

  it('deletes after a confirmation, and shows a refusal', async () => {
    const user = userEvent.setup();
    renderRules('admin', { 'DELETE /api/v1/orgs/7/inbox-rules/2': apiError(404, 'not_found', 'no such routing rule') });
    await user.click(await screen.findByRole('button', { name: 'Delete rule Care team' }));
    await user.click(screen.getByRole('button', { name: 'Confirm delete' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('no such routing rule');
  });

  it('shows a member no rules and no controls, and says who can', async () => {
    renderRules('member');
    expect(await screen.findByRole('note')).toHaveTextContent('Only owners and admins can set the inbox routing rules.');
    expect(screen.queryByRole('button', { name: 'New rule' })).toBeNull();
  });
});
