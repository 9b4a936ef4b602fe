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
  return { id, position, name, keywords: [], regex: '', author: '', author_did: null, profile_id: null, assign_team_id: null, tags: [], priority: null, created_at: '', updated_at: '', ...extra };
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

  it('shows an author by handle, the DID it resolved to, and a handle the server could not look up', async () => {
    const user = userEvent.setup();
    const mock = renderRules('admin', {
      '/api/v1/orgs/7/inbox-rules': { status: 200, body: { rules: [
        rule(1, 1, 'Fans', { author: 'Fan.test', author_did: 'did:plc:fan', assign_team_id: 3 }),
        rule(2, 2, 'Old', { author: 'old.test', author_did: null }),
        rule(3, 3, 'By DID', { author: 'did:plc:bob', author_did: 'did:plc:bob' }),
      ] } },
      'PUT /api/v1/orgs/7/inbox-rules/1': [
        apiError(422, 'invalid_request', 'author ghost.test names no account', [{ field: 'author', message: 'ghost.test names no account: the handle does not resolve' }]),
        apiError(503, 'unavailable', 'could not resolve ghost.test now (transient): nothing was saved, try again shortly'),
      ],
    });
    const items = within(await screen.findByRole('list', { name: 'Routing rules' })).getAllByRole('listitem');
    await waitFor(() => expect(items[0]).toHaveTextContent('When by @Fan.test: assign to Care.'));
    expect(items[1]).toHaveTextContent('When by @old.test (handle not resolved yet): nothing.');
    expect(items[2]).toHaveTextContent('When by did:plc:bob: nothing.');

    await user.click(screen.getByRole('button', { name: 'Edit rule Fans' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit rule Fans' });
    const author = within(dialog).getByRole('textbox', { name: 'Author' });
    expect(author).toHaveValue('Fan.test'); // as the user typed it
    expect(within(dialog).getByText('Resolves to did:plc:fan')).toBeInTheDocument();
    await user.clear(author);
    await user.type(author, 'ghost.test');
    expect(within(dialog).getByText('A handle (looked up when you save) or a DID')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Save rule' }));
    expect(await within(dialog).findByText('ghost.test names no account: the handle does not resolve', { selector: '.mantine-InputWrapper-error' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Save rule' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('could not resolve ghost.test now');
    expect(mock.sent('PUT', '/api/v1/orgs/7/inbox-rules/1')[0].body).toEqual({
      name: 'Fans', keywords: [], regex: '', author: 'ghost.test', profile_id: null, assign_team_id: 3, tags: [], priority: null,
    });

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.click(screen.getByRole('button', { name: 'Edit rule Old' }));
    const old = await screen.findByRole('dialog', { name: 'Edit rule Old' });
    expect(within(old).getByText('Not resolved yet: save the rule to look the handle up again')).toBeInTheDocument();
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
