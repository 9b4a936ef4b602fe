import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { InboxPage } from './InboxPage';
import { apiError, renderScreen } from '../test/render';
import { apiMock } from '../test/apiMock';
import { FakeWebSocket } from '../test/fakeSocket';
import { useLiveCacheSync } from '../api/liveSync';

afterEach(() => vi.unstubAllGlobals());

const session = { status: 200, body: { user: { id: 5, email: 'li@example.com', display_name: 'Li', created_at: '' }, csrf_token: 't' } };
const org = { status: 200, body: { id: 7, name: 'Acme', role: 'member', plan: { profile_limit: 10, seat_limit: 25 }, usage: { seats_used: 2 }, logo_url: null, created_at: '' } };

function profile(level: string, extra: Record<string, unknown> = {}) {
  return { id: 1, network: 'bluesky', handle: 'acme.test', display_name: 'Acme', avatar_url: '', status: 'active', owner_user_id: null, requires_confirmation: false, my_level: level, ...extra };
}

function inboxItem(id: number, extra: Record<string, unknown> = {}) {
  return {
    id, org_id: 7, profile_id: 1, post: { uri: `at://did:plc:bob/app.bsky.feed.post/p${id}`, cid: 'bafy' }, kind: 'mention', author_did: 'did:plc:bob', author_handle: 'bob.test',
    text: `hello @acme.test number ${id}`, post_created_at: '2026-12-04T20:00:00Z', received_at: '2026-12-04T20:00:01Z',
    reply_root: null, reply_parent: null, status: 'open', team_id: null, assignee_user_id: null, priority: 'normal', tags: [],
    routed_by_rule_id: null, reply_post_id: null, updated_at: '', ...extra,
  };
}

function renderInbox(level: string, routes: Parameters<typeof apiMock>[0] = {}, profileExtra: Record<string, unknown> = {}) {
  const mock = apiMock({
    '/api/v1/sessions/current': session,
    '/api/v1/orgs/7': org,
    '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [profile(level, profileExtra)] } },
    '/api/v1/orgs/7/teams': { status: 200, body: { teams: [{ id: 3, name: 'Care', created_at: '' }] } },
    '/api/v1/orgs/7/members': { status: 200, body: { members: [{ user_id: 5, email: 'li@example.com', display_name: 'Li', role: 'member', joined_at: '' }, { user_id: 6, email: 'mo@example.com', display_name: 'Mo', role: 'member', joined_at: '' }], next_cursor: null } },
    '/api/v1/orgs/7/inbox': { status: 200, body: { items: [inboxItem(21), inboxItem(22, { kind: 'reply', reply_parent: { uri: 'at://did:plc:acme/app.bsky.feed.post/orig', cid: 'c' } })], next_cursor: null } },
    '/api/v1/orgs/7/inbox/21': { status: 200, body: inboxItem(21) },
    '/api/v1/orgs/7/inbox/22': { status: 200, body: inboxItem(22, { kind: 'reply', reply_parent: { uri: 'at://did:plc:acme/app.bsky.feed.post/orig', cid: 'c' } }) },
    '/api/v1/orgs/7/inbox/21/notes': { status: 200, body: { notes: [] } },
    '/api/v1/orgs/7/inbox/22/notes': { status: 200, body: { notes: [{ id: 1, item_id: 22, author_user_id: 6, author_name: 'Mo', body: 'VIP customer', created_at: '' }] } },
    '/api/v1/orgs/7/teams/3/templates': { status: 200, body: { templates: [{ id: 4, team_id: 3, name: 'Thanks', body: 'Thanks {author_handle}! — {member_name} at {profile_handle}', created_by: null, created_at: '', updated_at: '' }] } },
    ...routes,
  });
  vi.stubGlobal('fetch', mock.fetchMock);
  function Live() {
    useLiveCacheSync(7);
    return <InboxPage />;
  }
  renderScreen(<Routes><Route path="/orgs/:orgId/inbox" element={<Live />} /></Routes>, '/orgs/7/inbox');
  return mock;
}

async function openItem(user: ReturnType<typeof userEvent.setup>, name: RegExp) {
  await user.click(await screen.findByRole('button', { name }));
  return screen.findByRole('region', { name: /Inbox item/ });
}

describe('InboxPage', () => {
  it("shows an author as @handle once known and as the bare DID until then", async () => {
    const user = userEvent.setup();
    const unknown = inboxItem(22, { author_did: 'did:plc:carol', author_handle: null });
    renderInbox('publisher', {
      '/api/v1/orgs/7/inbox': { status: 200, body: { items: [inboxItem(21), unknown], next_cursor: null } },
      '/api/v1/orgs/7/inbox/22': { status: 200, body: unknown },
    });
    expect(await screen.findByRole('button', { name: /^mention from @bob\.test to/ })).toBeInTheDocument();
    const row = screen.getByRole('button', { name: /^mention from did:plc:carol to/ });
    expect(row).not.toHaveTextContent('@did:plc:carol');
    const pane = await openItem(user, /^mention from did:plc:carol/);
    expect(within(pane).getByText('did:plc:carol')).toBeInTheDocument();
    expect(within(pane).queryByText('@did:plc:carol')).toBeNull();
  });

  it('lists open items, moves with j/k, shows the thread and notes, and asks again with a filter', async () => {
    const user = userEvent.setup();
    const mock = renderInbox('publisher');
    await screen.findByRole('button', { name: /number 21|mention from @bob.test/ });
    expect(mock.requests.find((r) => r.path === '/api/v1/orgs/7/inbox')?.url).toContain('status=open');
    await user.keyboard('j');
    expect(await screen.findByRole('region', { name: 'Inbox item 21' })).toBeInTheDocument();
    await user.keyboard('j');
    const pane = await screen.findByRole('region', { name: 'Inbox item 22' });
    expect(within(pane).getByRole('link', { name: 'In reply to' })).toHaveAttribute('href', 'https://bsky.app/profile/did:plc:acme/post/orig');
    expect(await within(pane).findByText('VIP customer')).toBeInTheDocument();
    await user.keyboard('k');
    expect(await screen.findByRole('region', { name: 'Inbox item 21' })).toBeInTheDocument();
    await user.click(screen.getByRole('textbox', { name: 'Kind' }));
    await user.click(await screen.findByRole('option', { name: 'Reply' }));
    await waitFor(() => expect(mock.requests.some((r) => r.url.includes('kind=reply') && r.url.includes('status=open'))).toBe(true));
  });

  it('assigns, sets the status and tags, and shows a refusal', async () => {
    const user = userEvent.setup();
    const mock = renderInbox('publisher', {
      'PATCH /api/v1/orgs/7/inbox/21': [
        { status: 200, body: inboxItem(21, { assignee_user_id: 5 }) },
        apiError(403, 'permission_denied', 'missing permission: work_inbox'),
      ],
    });
    const pane = await openItem(user, /number 21|mention from/);
    await user.click(within(pane).getByRole('button', { name: 'Assign to me' }));
    await waitFor(() => expect(mock.sent('PATCH', '/api/v1/orgs/7/inbox/21')).toHaveLength(1));
    expect(mock.sent('PATCH', '/api/v1/orgs/7/inbox/21')[0].body).toEqual({ assignee_user_id: 5 });
    await waitFor(() => expect(within(pane).queryByRole('button', { name: 'Assign to me' })).toBeNull());
    await user.click(within(pane).getByText('Resolved'));
    expect(await within(pane).findByRole('alert')).toHaveTextContent('Your role does not allow this (work inbox)');
    expect(mock.sent('PATCH', '/api/v1/orgs/7/inbox/21')[1].body).toEqual({ status: 'resolved' });
  });

  it('lets a limited member reply without templates; the reply goes to approval', async () => {
    const user = userEvent.setup();
    const mock = renderInbox('limited', {
      'POST /api/v1/orgs/7/inbox/21/reply': { status: 201, body: { item: inboxItem(21, { reply_post_id: 80 }), post: { id: 80, state: 'pending_approval', kind: 'reply', text: '' } } },
    });
    const pane = await openItem(user, /mention from/);
    expect(within(pane).getByRole('note')).toHaveTextContent('your reply goes to approval first');
    expect(within(pane).queryByRole('textbox', { name: 'Template' })).toBeNull();
    await user.type(within(pane).getByRole('textbox', { name: 'Reply text' }), 'Thanks 👍🏽!');
    expect(within(pane).getByLabelText('Characters used')).toHaveTextContent('9 / 300');
    await user.click(within(pane).getByRole('button', { name: 'Submit reply for approval' }));
    expect(await within(pane).findByRole('status')).toHaveTextContent('Reply sent for approval');
    expect(mock.sent('POST', '/api/v1/orgs/7/inbox/21/reply')[0].body).toEqual({ text: 'Thanks 👍🏽!' });
    expect(mock.sent('GET', '/api/v1/orgs/7/teams/3/templates')).toHaveLength(0);
  });

  // A publisher opens the item and chooses the template "Thanks".
  async function replyFromTemplate() {
    const user = userEvent.setup();
    const mock = renderInbox('publisher', {
      'POST /api/v1/orgs/7/inbox/21/reply': { status: 201, body: { item: inboxItem(21, { reply_post_id: 80 }), post: { id: 80, state: 'approved', kind: 'reply', text: '' } } },
    });
    const pane = await openItem(user, /mention from/);
    await user.click(await within(pane).findByRole('textbox', { name: 'Template' }));
    await user.click(await screen.findByRole('option', { name: 'Thanks' }));
    return { user, mock, pane };
  }

  it('replies from a template with its placeholders filled in', async () => {
    const { user, mock, pane } = await replyFromTemplate();
    const text = within(pane).getByRole('textbox', { name: 'Reply text' });
    expect(text).toHaveValue('Thanks bob.test! — Li at acme.test');
    expect(within(pane).getByLabelText('Characters used')).toHaveTextContent('34 / 300');
    await user.click(within(pane).getByRole('button', { name: 'Send reply' }));
    expect(await within(pane).findByRole('status')).toHaveTextContent('Reply sent as @acme.test.');
    // The server renders the template itself and refuses text and template_id together.
    expect(mock.sent('POST', '/api/v1/orgs/7/inbox/21/reply')[0].body).toEqual({ template_id: 4 });
  });

  it('sends the edited text, not the template, once a template\'s text is changed', async () => {
    const { user, mock, pane } = await replyFromTemplate();
    const text = within(pane).getByRole('textbox', { name: 'Reply text' });
    await user.type(text, ' See you soon.');
    await user.click(within(pane).getByRole('button', { name: 'Send reply' }));
    expect(await within(pane).findByRole('status')).toHaveTextContent('Reply sent as @acme.test.');
    expect(mock.sent('POST', '/api/v1/orgs/7/inbox/21/reply')[0].body).toEqual({ text: 'Thanks bob.test! — Li at acme.test See you soon.' });
  });

  it('asks for confirmation on a profile that requires it, and honours the server\'s confirmation_required', async () => {
    const user = userEvent.setup();
    const mock = renderInbox('publisher', {
      'POST /api/v1/orgs/7/inbox/21/reply': [
        apiError(409, 'confirmation_required', 'confirm these accounts:', [{ field: 'confirm_profiles', message: '@acme.test' }]),
        { status: 201, body: { item: inboxItem(21), post: { id: 81, state: 'approved', kind: 'reply', text: '' } } },
      ],
    }, { requires_confirmation: true });
    const pane = await openItem(user, /mention from/);
    await user.type(within(pane).getByRole('textbox', { name: 'Reply text' }), 'On it!');
    await user.click(within(pane).getByRole('button', { name: 'Send reply' }));
    const dialog = await screen.findByRole('dialog', { name: 'Send this reply?' });
    await user.click(within(dialog).getByRole('button', { name: 'Send as @acme.test' }));
    expect(await within(pane).findByRole('alert')).toHaveTextContent('@acme.test');
    await user.click(within(pane).getByRole('button', { name: 'Confirm and send as @acme.test' }));
    expect(await within(pane).findByRole('status')).toHaveTextContent('Reply sent as @acme.test.');
    expect(mock.sent('POST', '/api/v1/orgs/7/inbox/21/reply').map((r) => r.body)).toEqual([
      { text: 'On it!', confirm_profiles: [1] },
      { text: 'On it!', confirm_profiles: [1] },
    ]);
  });

  it('shows a viewer the item and its notes, but no reply box, triage or note form, and says why', async () => {
    const user = userEvent.setup();
    renderInbox('viewer');
    const pane = await openItem(user, /reply from/);
    expect(within(pane).getByRole('note')).toHaveTextContent('Assigning, tagging, notes and replies need the limited level');
    expect(await within(pane).findByText('VIP customer')).toBeInTheDocument();
    expect(within(pane).queryByRole('textbox', { name: 'Reply text' })).toBeNull();
    expect(within(pane).queryByRole('textbox', { name: 'New note' })).toBeNull();
    expect(within(pane).queryByRole('button', { name: 'Assign to me' })).toBeNull();
  });

  it('adds a note', async () => {
    const user = userEvent.setup();
    const mock = renderInbox('limited', {
      'POST /api/v1/orgs/7/inbox/21/notes': { status: 201, body: { id: 2, item_id: 21, author_user_id: 5, author_name: 'Li', body: 'call back', created_at: '' } },
    });
    const pane = await openItem(user, /mention from/);
    await user.type(within(pane).getByRole('textbox', { name: 'New note' }), 'call back');
    await user.click(within(pane).getByRole('button', { name: 'Add note' }));
    await waitFor(() => expect(mock.sent('POST', '/api/v1/orgs/7/inbox/21/notes')).toHaveLength(1));
    expect(mock.sent('POST', '/api/v1/orgs/7/inbox/21/notes')[0].body).toEqual({ body: 'call back' });
  });

  it('shows who else is on the item and sends our own presence', async () => {
    const user = userEvent.setup();
    renderInbox('publisher');
    const socket = FakeWebSocket.latest();
    act(() => socket.open(5));
    const pane = await openItem(user, /mention from/);
    await waitFor(() => expect(socket.sent).toContainEqual({ type: 'presence', item_id: 21, state: 'viewing' }));
    act(() => socket.receive({ id: 6, type: 'presence', data: { item_id: 21, user_id: 6, display_name: 'Mo', state: 'replying' } }));
    expect(await within(pane).findByText('Mo is replying')).toBeInTheDocument();
    await user.type(within(pane).getByRole('textbox', { name: 'Reply text' }), 'x');
    await waitFor(() => expect(socket.sent).toContainEqual({ type: 'presence', item_id: 21, state: 'replying' }));
    act(() => socket.receive({ id: 7, type: 'presence', data: { item_id: 21, user_id: 6, display_name: 'Mo', state: 'left' } }));
    await waitFor(() => expect(within(pane).queryByText(/Mo is/)).toBeNull());
    await user.click(screen.getByRole('button', { name: /reply from @bob.test/ }));
    await waitFor(() => expect(socket.sent).toContainEqual({ type: 'presence', item_id: 21, state: 'left' }));
  });

  it("drops another's presence that is not refreshed within the TTL, and keeps a refreshed one", async () => {
    const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      renderInbox('publisher');
      const socket = FakeWebSocket.latest();
      act(() => socket.open(5));
      const pane = await openItem(user, /mention from/);
      const say = (id: number, userId: number, name: string) =>
        act(() => socket.receive({ id, type: 'presence', data: { item_id: 21, user_id: userId, display_name: name, state: 'viewing' } }));
      say(6, 6, 'Mo');
      say(7, 8, 'Ng');
      expect(await within(pane).findByText(/Mo is viewing/)).toBeInTheDocument();
      act(() => vi.advanceTimersByTime(40_000));
      say(8, 8, 'Ng'); // Ng's process refreshes; Mo's died
      act(() => vi.advanceTimersByTime(25_000));
      expect(within(pane).queryByText(/Mo is/)).toBeNull();
      expect(within(pane).getByText(/Ng is viewing/)).toBeInTheDocument();
      act(() => vi.advanceTimersByTime(40_000));
      expect(within(pane).queryByText(/Ng is/)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('puts a live item in the list without fetching it again', async () => {
    const mock = renderInbox('publisher', {
      '/api/v1/orgs/7/inbox': [{ status: 200, body: { items: [inboxItem(30)], next_cursor: null } }],
    });
    expect(await screen.findByText(/number 30/)).toBeInTheDocument();
    const socket = FakeWebSocket.latest();
    act(() => {
      socket.open(1);
      socket.receive({ id: 2, type: 'inbox.item', data: { ...inboxItem(31) } });
    });
    expect(await screen.findByText(/number 31/)).toBeInTheDocument();
    act(() => socket.receive({ id: 3, type: 'inbox.item', data: { ...inboxItem(30), status: 'resolved' } }));
    await waitFor(() => expect(screen.queryByText(/number 30/)).toBeNull());
    expect(mock.sent('GET', '/api/v1/orgs/7/inbox')).toHaveLength(1);
  });

  it('fetches the list again on a live inbox event it cannot place, and shows a 404', async () => {
    const mock = renderInbox('publisher', {
      '/api/v1/orgs/7/inbox': [
        { status: 200, body: { items: [], next_cursor: null } },
        { status: 200, body: { items: [inboxItem(30)], next_cursor: null } },
        apiError(404, 'not_found', 'no such organization'),
      ],
    });
    expect(await screen.findByText('Nothing here with these filters.')).toBeInTheDocument();
    const socket = FakeWebSocket.latest();
    act(() => {
      socket.open(1);
      socket.receive({ id: 2, type: 'inbox.item', data: { id: 30 } });
    });
    expect(await screen.findByText(/number 30/)).toBeInTheDocument();
    act(() => socket.receive({ id: 3, type: 'inbox.item', data: { id: 31 } }));
    expect(await screen.findByRole('alert')).toHaveTextContent('no such organization');
    expect(mock.sent('GET', '/api/v1/orgs/7/inbox')).toHaveLength(3);
  });
});
