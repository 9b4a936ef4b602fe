import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { Layout } from '../components/Layout';
import { StreamItemRow, StreamsPage } from './StreamsPage';
import { apiError, renderScreen } from '../test/render';
import { apiMock } from '../test/apiMock';
import { FakeWebSocket } from '../test/fakeSocket';

afterEach(() => vi.unstubAllGlobals());

const session = { status: 200, body: { user: { id: 5, email: 'li@example.com', display_name: 'Li', created_at: '' }, csrf_token: 't' } };
function org(role: string) {
  return { status: 200, body: { id: 7, name: 'Acme', role, plan: { profile_limit: 10, seat_limit: 25 }, usage: { seats_used: 2 }, logo_url: null, created_at: '' } };
}
const teams = { status: 200, body: { teams: [{ id: 3, name: 'Care', created_at: '' }] } };

function stream(id: number, name: string, extra: Record<string, unknown> = {}) {
  return { id, team_id: 3, name, query: `${name.toLowerCase()} OR #roost`, active: true, created_at: '', updated_at: '', ...extra };
}

function item(id: number, streamId: number, text = `post ${id}`) {
  return { id, stream_id: streamId, uri: `at://did:plc:a${id}/app.bsky.feed.post/r${id}`, author_did: `did:plc:a${id}`,
    author_handle: `user${id}.test`, text, created_at: '2026-12-04T20:00:00Z', received_at: '2026-12-04T20:00:01Z' };
}

function renderStreams(role: string, routes: Parameters<typeof apiMock>[0] = {}) {
  const mock = apiMock({
    '/api/v1/sessions/current': session,
    '/api/v1/orgs/7': org(role),
    '/api/v1/orgs/7/teams': teams,
    '/api/v1/orgs/7/teams/3/streams': { status: 200, body: { streams: [stream(1, 'Brand'), stream(2, 'Rivals')] } },
    // As the server answers: each column with its stream.
    '/api/v1/orgs/7/columns': { status: 200, body: { columns: [{ position: 0, width: 2, stream: stream(1, 'Brand') }, { position: 1, width: 3, stream: stream(2, 'Rivals') }] } },
    '/api/v1/orgs/7/streams/1/items': { status: 200, body: { items: [item(11, 1), item(10, 1)], next_cursor: null } },
    '/api/v1/orgs/7/streams/2/items': { status: 200, body: { items: [], next_cursor: null } },
    '/api/v1/orgs/7/teams/3': { status: 200, body: { id: 3, name: 'Care', created_at: '', members: [{ user_id: 5, email: '', display_name: 'Li', team_role: 'member', added_at: '' }] } },
    ...routes,
  });
  vi.stubGlobal('fetch', mock.fetchMock);
  return mock;
}

function columnTitles() {
  return screen.getAllByRole('region', { name: /^Column / }).map((column) => column.getAttribute('aria-label'));
}

describe('StreamItemRow', () => {
  it('names the author @handle once known, and by the bare DID (linked) until then', () => {
    renderStreams('member');
    renderScreen(<StreamItemRow item={{ ...item(1, 1), author_handle: null }} />);
    const unknown = screen.getByRole('article', { name: 'Post by did:plc:a1' });
    expect(within(unknown).getByRole('link', { name: 'did:plc:a1' })).toHaveAttribute('href', 'https://bsky.app/profile/did:plc:a1');
    expect(unknown).not.toHaveTextContent('@did:plc:a1');
    renderScreen(<StreamItemRow item={item(2, 1)} />);
    const known = screen.getByRole('article', { name: 'Post by @user2.test' });
    expect(within(known).getByRole('link', { name: '@user2.test' })).toHaveAttribute('href', 'https://bsky.app/profile/user2.test');
  });
});

describe('StreamsPage', () => {
  it('shows the columns with their posts, newest first, linked to bsky.app; a live item lands on top', async () => {
    const mock = renderStreams('admin', {
      '/api/v1/orgs': { status: 200, body: { organizations: [org('admin').body] } },
      '/api/v1/me/invitations': { status: 200, body: { invitations: [] } },
      '/api/v1/me/notifications': [
        { status: 200, body: { notifications: [], unread_count: 0 } },
        { status: 200, body: { notifications: [{ id: 1, org_id: 7, kind: 'inbox.assigned', payload: {}, created_at: '', read_at: null }], unread_count: 1 } },
      ],
    });
    renderScreen(<Routes><Route path="/orgs/:orgId/streams" element={<Layout><StreamsPage /></Layout>} /></Routes>, '/orgs/7/streams');
    const brand = await screen.findByRole('feed', { name: 'Posts of Brand' });
    const posts = within(brand).getAllByRole('article');
    expect(posts.map((post) => post.textContent)).toEqual([expect.stringContaining('post 11'), expect.stringContaining('post 10')]);
    expect(within(posts[0]).getByRole('link', { name: '@user11.test' })).toHaveAttribute('href', 'https://bsky.app/profile/user11.test');
    expect(within(posts[0]).getAllByRole('link')[1]).toHaveAttribute('href', 'https://bsky.app/profile/did:plc:a11/post/r11');
    expect(screen.getByRole('feed', { name: 'Posts of Rivals' })).toHaveTextContent('No post matched yet');

    const socket = FakeWebSocket.latest();
    expect(socket.url).toContain('org=7');
    act(() => {
      socket.open(100);
      socket.receive({ id: 101, type: 'stream.item', data: item(12, 1, 'fresh from the firehose') });
    });
    await waitFor(() => expect(within(brand).getAllByRole('article')[0]).toHaveTextContent('fresh from the firehose'));
    expect(within(brand).getAllByRole('article')).toHaveLength(3);
    // The same item replayed after a reconnect is not shown twice.
    act(() => socket.receive({ id: 102, type: 'stream.item', data: item(12, 1, 'fresh from the firehose') }));
    expect(within(brand).getAllByRole('article')).toHaveLength(3);

    // The bell asks again on a notification event.
    expect(mock.sent('GET', '/api/v1/me/notifications')).toHaveLength(1);
    act(() => socket.receive({ id: 103, type: 'notification.created', data: {} }));
    expect(await screen.findByRole('button', { name: 'Notifications, 1 unread' })).toBeInTheDocument();
  });

  it('tells the user when the server ends the live connection (1008)', async () => {
    renderStreams('admin', {
      '/api/v1/orgs': { status: 200, body: { organizations: [org('admin').body] } },
      '/api/v1/me/invitations': { status: 200, body: { invitations: [] } },
      '/api/v1/me/notifications': { status: 200, body: { notifications: [], unread_count: 0 } },
    });
    renderScreen(<Routes><Route path="/orgs/:orgId/streams" element={<Layout><StreamsPage /></Layout>} /></Routes>, '/orgs/7/streams');
    await screen.findByRole('feed', { name: 'Posts of Brand' });
    const socket = FakeWebSocket.latest();
    act(() => {
      socket.open(1);
      socket.serverClose(1008, 'session ended');
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('Live updates stopped');
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('reorders, resizes and removes columns with the keyboard-reachable buttons, saving the arrangement', async () => {
    const user = userEvent.setup();
    const mock = renderStreams('admin', {
      'PUT /api/v1/orgs/7/columns': [{ status: 200, body: { columns: [] } }, apiError(403, 'permission_denied', 'nope'), { status: 200, body: { columns: [] } }],
    });
    renderScreen(<Routes><Route path="/orgs/:orgId/streams" element={<StreamsPage />} /></Routes>, '/orgs/7/streams');
    await screen.findByRole('feed', { name: 'Posts of Brand' });
    await user.click(screen.getByRole('button', { name: 'Move Brand right' }));
    expect(columnTitles()).toEqual(['Column Rivals', 'Column Brand']);
    await waitFor(() => expect(mock.sent('PUT', '/api/v1/orgs/7/columns')).toHaveLength(1));
    expect(mock.sent('PUT', '/api/v1/orgs/7/columns')[0].body).toEqual({
      columns: [{ stream_id: 2, width: 3 }, { stream_id: 1, width: 2 }],
    });
    // A refused save puts the columns back and says why.
    await user.click(screen.getByRole('button', { name: 'Remove column Rivals' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission');
    expect(columnTitles()).toEqual(['Column Rivals', 'Column Brand']);
    await user.click(within(screen.getByRole('radiogroup', { name: 'Width of Brand' })).getByText('Narrow'));
    await waitFor(() => expect(mock.sent('PUT', '/api/v1/orgs/7/columns')).toHaveLength(3));
    expect(mock.sent('PUT', '/api/v1/orgs/7/columns')[2].body).toEqual({
      columns: [{ stream_id: 2, width: 3 }, { stream_id: 1, width: 1 }],
    });
  });

  it('creates a stream: the server\'s refusal of the query is shown on the field, then the new stream becomes a column', async () => {
    const user = userEvent.setup();
    const mock = renderStreams('owner', {
      '/api/v1/orgs/7/columns': { status: 200, body: { columns: [] } },
      'POST /api/v1/orgs/7/teams/3/streams': [
        apiError(422, 'invalid_request', 'invalid stream', [{ field: 'query', message: 'unterminated quote at column 7' }]),
        { status: 201, body: stream(9, 'Launch') },
      ],
      'PUT /api/v1/orgs/7/columns': { status: 200, body: { columns: [] } },
      '/api/v1/orgs/7/streams/9/items': { status: 200, body: { items: [], next_cursor: null } },
    });
    renderScreen(<Routes><Route path="/orgs/:orgId/streams" element={<StreamsPage />} /></Routes>, '/orgs/7/streams');
    await user.click(await screen.findByRole('button', { name: 'New stream' }));
    const dialog = await screen.findByRole('dialog', { name: 'New stream' });
    expect(within(dialog).getByRole('table', { name: 'Query syntax' })).toHaveTextContent('from:bob.test');
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Launch');
    await user.type(within(dialog).getByRole('textbox', { name: 'Query' }), 'roost "launch');
    await user.click(within(dialog).getByRole('button', { name: 'Create stream' }));
    expect(await within(dialog).findByText('unterminated quote at column 7', { selector: '.mantine-InputWrapper-error' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Create stream' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(mock.sent('POST', '/api/v1/orgs/7/teams/3/streams')[1].body).toEqual({ name: 'Launch', query: 'roost "launch', active: true });
    await waitFor(() => expect(mock.sent('PUT', '/api/v1/orgs/7/columns')).toHaveLength(1));
    expect(mock.sent('PUT', '/api/v1/orgs/7/columns')[0].body).toEqual({ columns: [{ stream_id: 9, width: 2 }] });
  });

  it('offers a team member no stream creation or editing, and says who can', async () => {
    renderStreams('member');
    renderScreen(<Routes><Route path="/orgs/:orgId/streams" element={<StreamsPage />} /></Routes>, '/orgs/7/streams');
    await screen.findByRole('feed', { name: 'Posts of Brand' });
    await waitFor(() => expect(screen.getByRole('note')).toHaveTextContent('Team admins, owners and admins create and edit streams.'));
    expect(screen.queryByRole('button', { name: 'New stream' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Edit stream/ })).toBeNull();
  });

  it('lets a team admin edit their team\'s stream', async () => {
    const user = userEvent.setup();
    const mock = renderStreams('member', {
      '/api/v1/orgs/7/teams/3': { status: 200, body: { id: 3, name: 'Care', created_at: '', members: [{ user_id: 5, email: '', display_name: 'Li', team_role: 'team_admin', added_at: '' }] } },
      'PATCH /api/v1/orgs/7/streams/1': { status: 200, body: stream(1, 'Brand', { active: false }) },
    });
    renderScreen(<Routes><Route path="/orgs/:orgId/streams" element={<StreamsPage />} /></Routes>, '/orgs/7/streams');
    await user.click(await screen.findByRole('button', { name: 'Edit stream Brand' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit stream Brand' });
    await user.click(within(dialog).getByRole('switch', { name: /Paused/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(mock.sent('PATCH', '/api/v1/orgs/7/streams/1')[0].body).toEqual({ name: 'Brand', query: 'brand OR #roost', active: false });
  });

  it('shows a refused column list, and a stream that is gone', async () => {
    renderStreams('member', { '/api/v1/orgs/7/columns': apiError(404, 'not_found', 'no such organization') });
    renderScreen(<Routes><Route path="/orgs/:orgId/streams" element={<StreamsPage />} /></Routes>, '/orgs/7/streams');
    expect(await screen.findByRole('alert')).toHaveTextContent('no such organization');
  });

  it('explains a column whose stream is no longer visible', async () => {
    renderStreams('member', { '/api/v1/orgs/7/columns': { status: 200, body: { columns: [{ stream_id: 44, width: 2 }] } } });
    renderScreen(<Routes><Route path="/orgs/:orgId/streams" element={<StreamsPage />} /></Routes>, '/orgs/7/streams');
    expect(await screen.findByText(/no longer shared with your teams/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Remove column Stream 44' })).toBeInTheDocument();
  });
});

describe('StreamsPage, long columns', () => {
  // jsdom has no IntersectionObserver: a fake one records what each column observes.
  class FakeObserver {
    static all: FakeObserver[] = [];
    targets: Element[] = [];
    constructor(public callback: IntersectionObserverCallback, public options: IntersectionObserverInit = {}) {
      FakeObserver.all.push(this);
    }
    observe(target: Element) {
      this.targets.push(target);
    }
    disconnect() {
      this.targets = [];
    }
  }

  it('draws 50 rows first and the rest once the end of the column, within its own scrolling box, comes near', async () => {
    FakeObserver.all = [];
    vi.stubGlobal('IntersectionObserver', FakeObserver);
    const many = Array.from({ length: 120 }, (_, i) => item(1000 - i, 1));
    renderStreams('member', { '/api/v1/orgs/7/streams/1/items': { status: 200, body: { items: many, next_cursor: null } } });
    renderScreen(<Routes><Route path="/orgs/:orgId/streams" element={<StreamsPage />} /></Routes>, '/orgs/7/streams');
    const feed = await screen.findByRole('feed', { name: 'Posts of Brand' });
    await waitFor(() => expect(within(feed).getAllByRole('article')).toHaveLength(50));
    const watching = FakeObserver.all.filter((observer) => observer.targets.some((target) => feed.contains(target)));
    expect(watching.length).toBeGreaterThan(0);
    const observer = watching.at(-1)!;
    // The root is the column's scrolling box, not the page: the page's margin does not reach
    // into a scroller, so the end of a column was never seen (only 50 rows ever drawn).
    expect(observer.options.root).toBe(feed.closest('.roost-stream-column-body'));
    expect(observer.options.root).not.toBeNull();
    act(() => observer.callback([{ isIntersecting: true } as IntersectionObserverEntry], observer as unknown as IntersectionObserver));
    await waitFor(() => expect(within(feed).getAllByRole('article')).toHaveLength(120));
  });
});
