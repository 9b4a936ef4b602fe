import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { ApprovalsPage, PostsPage } from './PostsPage';
import { calendarDays } from '../components/CalendarView';
import { apiError, renderScreen } from '../test/render';
import { apiMock } from '../test/apiMock';

afterEach(() => vi.unstubAllGlobals());

const session = { status: 200, body: { user: { id: 5, email: 'li@example.com', display_name: 'Li', created_at: '' }, csrf_token: 't' } };
const org = {
  status: 200,
  body: { id: 7, name: 'Acme', role: 'member', plan: { profile_limit: 10, seat_limit: 25 }, usage: { seats_used: 2 }, logo_url: null, created_at: '' },
};

function profile(id: number, handle: string, level: string) {
  return { id, network: 'bluesky', handle, display_name: handle, avatar_url: '', status: 'active', owner_user_id: null, requires_confirmation: false, my_level: level };
}

function target(profileId: number, handle: string, extra: Record<string, unknown> = {}) {
  return { profile_id: profileId, handle, network: 'bluesky', text: null, state: 'pending', approval: null, published_uri: null, published_at: null, last_error: null, ...extra };
}

function calendarPost(id: number, state: string, authorId: number, targets: unknown[], text = `post ${id}`) {
  const at = new Date().toISOString();
  return {
    id, state, kind: 'post', text, langs: [], author: { id: authorId, display_name: authorId === 5 ? 'Li' : 'Mo', email: null },
    schedule: { at, time_zone: 'Europe/Paris', local_time: '2026-12-04T18:00:00+01:00' }, calendar_at: at,
    targets, image_count: 0, created_at: at, updated_at: at,
  };
}

function renderAt(path: string, posts: unknown[], profiles: unknown[], routes: Parameters<typeof apiMock>[0] = {}) {
  const mock = apiMock({
    '/api/v1/sessions/current': session,
    '/api/v1/orgs/7': org,
    '/api/v1/orgs/7/profiles': { status: 200, body: { profiles } },
    '/api/v1/orgs/7/posts': { status: 200, body: { posts, next_cursor: null } },
    '/api/v1/orgs/7/teams': { status: 200, body: { teams: [{ id: 3, name: 'Writers', created_at: '' }] } },
    ...routes,
  });
  vi.stubGlobal('fetch', mock.fetchMock);
  renderScreen(
    <Routes>
      <Route path="/orgs/:orgId/posts" element={<PostsPage />} />
      <Route path="/orgs/:orgId/approvals" element={<ApprovalsPage />} />
    </Routes>,
    path,
  );
  return mock;
}

describe('PostsPage', () => {
  it('lists each state: published with its link, failed with its reason, rejected with the comment', async () => {
    renderAt('/orgs/7/posts', [
      calendarPost(1, 'published', 5, [target(1, 'acme.bsky.social', { state: 'published', published_uri: 'at://did:plc:abc/app.bsky.feed.post/3kxyz' })]),
      calendarPost(2, 'failed', 5, [target(1, 'acme.bsky.social', { state: 'failed', last_error: 'the PDS refused the session' })]),
      calendarPost(3, 'rejected', 5, [target(1, 'acme.bsky.social', { approval: { decision: 'rejected', approver_id: 9, comment: 'Not on a Friday', decided_at: '' } })]),
      calendarPost(4, 'pending_approval', 5, [target(1, 'acme.bsky.social')]),
    ], [profile(1, 'acme.bsky.social', 'limited')]);
    const rows = within(await screen.findByRole('table', { name: 'Posts' })).getAllByRole('row');
    expect(rows).toHaveLength(5);
    expect(rows[1]).toHaveTextContent('Published');
    expect(within(rows[1]).getByRole('link', { name: 'published' })).toHaveAttribute('href', 'https://bsky.app/profile/did:plc:abc/post/3kxyz');
    expect(rows[2]).toHaveTextContent('Failed');
    expect(rows[2]).toHaveTextContent('the PDS refused the session');
    expect(rows[3]).toHaveTextContent('rejected: “Not on a Friday”');
    expect(rows[4]).toHaveTextContent('Pending approval');
    expect(rows[4]).toHaveTextContent('2026-12-04 18:00 Europe/Paris');
  });

  it('cancels a scheduled post after confirming, and shows a refusal', async () => {
    const user = userEvent.setup();
    const mock = renderAt('/orgs/7/posts', [calendarPost(8, 'scheduled', 5, [target(1, 'acme.bsky.social')])], [profile(1, 'acme.bsky.social', 'limited')], {
      'POST /api/v1/orgs/7/posts/8/cancel': [
        apiError(409, 'conflict', 'the post is being sent'),
        { status: 200, body: { id: 8, state: 'cancelled', text: '', schedule: null, targets: [], duplicates: [] } },
      ],
    });
    await user.click(await screen.findByRole('button', { name: 'Cancel post 8' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel the post?' });
    expect(dialog).toHaveTextContent('@acme.bsky.social');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel the post' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('the post is being sent');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel the post' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(mock.sent('POST', '/api/v1/orgs/7/posts/8/cancel')).toHaveLength(2);
  });

  it('lets a publisher schedule an expired post again, in a time zone, and shows a refused time by its field', async () => {
    const user = userEvent.setup();
    const mock = renderAt('/orgs/7/posts', [calendarPost(10, 'expired', 6, [target(1, 'acme.bsky.social')])], [profile(1, 'acme.bsky.social', 'publisher')], {
      'POST /api/v1/orgs/7/posts/10/schedule': [
        apiError(422, 'invalid_request', 'invalid', [{ field: 'when.local_time', message: 'is in the past' }]),
        { status: 200, body: {} },
      ],
    });
    expect(await screen.findByRole('button', { name: 'Schedule post 10' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Submit post 10/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Schedule post 10' }));
    const dialog = await screen.findByRole('dialog', { name: 'Schedule post 10' });
    expect(dialog).toHaveTextContent('published as @acme.bsky.social');
    const when = within(dialog).getByLabelText(/Date and time/);
    await user.type(when, '2020-01-01T10:00');
    await user.click(within(dialog).getByRole('button', { name: 'Schedule' }));
    expect(await within(dialog).findByText('is in the past', { selector: '.mantine-InputWrapper-error' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Schedule' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const sent = mock.sent('POST', '/api/v1/orgs/7/posts/10/schedule');
    expect(sent).toHaveLength(2);
    expect(sent[1].body).toEqual({ when: { mode: 'schedule', local_time: '2020-01-01T10:00', time_zone: 'Europe/Paris' }, confirm_profiles: [] });
  });

  it('offers its author, and no one else, to edit a draft or a rejected post, in the composer', async () => {
    renderAt('/orgs/7/posts', [
      calendarPost(12, 'rejected', 5, [target(1, 'acme.bsky.social')]),
      calendarPost(13, 'draft', 6, [target(1, 'acme.bsky.social')]),
      calendarPost(14, 'scheduled', 5, [target(1, 'acme.bsky.social')]),
    ], [profile(1, 'acme.bsky.social', 'publisher')]);
    const edit = await screen.findByRole('link', { name: 'Edit post 12' });
    expect(edit).toHaveAttribute('href', '/orgs/7/compose?edit=12');
    expect(screen.queryByRole('link', { name: 'Edit post 13' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Edit post 14' })).toBeNull();
  });

  it('lets a limited author submit a draft for approval, and shows a refusal', async () => {
    const user = userEvent.setup();
    const mock = renderAt('/orgs/7/posts', [calendarPost(11, 'draft', 5, [target(1, 'acme.bsky.social')])], [profile(1, 'acme.bsky.social', 'limited')], {
      'POST /api/v1/orgs/7/posts/11/submit': apiError(409, 'conflict', 'the post is not a draft any more'),
    });
    expect(screen.queryByRole('button', { name: /Schedule post/ })).toBeNull();
    await user.click(await screen.findByRole('button', { name: 'Submit post 11 for approval' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the post is not a draft any more');
    expect(screen.queryByRole('button', { name: 'Schedule post 11' })).toBeNull();
    expect(mock.sent('POST', '/api/v1/orgs/7/posts/11/submit')[0].body).toEqual({ confirm_profiles: [] });
  });

  it('offers no cancel of another author\'s post to a viewer', async () => {
    renderAt('/orgs/7/posts', [calendarPost(9, 'scheduled', 6, [target(1, 'acme.bsky.social')])], [profile(1, 'acme.bsky.social', 'viewer')]);
    await screen.findByRole('table', { name: 'Posts' });
    expect(screen.queryByRole('button', { name: /Cancel post/ })).toBeNull();
  });

  it('asks the API for the chosen state only', async () => {
    const user = userEvent.setup();
    const mock = renderAt('/orgs/7/posts', [], [profile(1, 'acme.bsky.social', 'viewer')]);
    await screen.findByText('No posts in this period.');
    await user.click(screen.getByRole('textbox', { name: 'Filter by state' }));
    await user.click(await screen.findByRole('option', { name: 'Failed' }));
    await waitFor(() => expect(mock.requests.some((r) => r.url.includes('state=failed'))).toBe(true));
    const first = new URL(mock.requests.find((r) => r.path === '/api/v1/orgs/7/posts')!.url, 'http://x');
    const span = Date.parse(first.searchParams.get('until')!) - Date.parse(first.searchParams.get('from')!);
    expect(span).toBeLessThanOrEqual(366 * 24 * 3600 * 1000);
  });

  it('filters by profile and team, and exports what it shows', async () => {
    const user = userEvent.setup();
    const mock = renderAt('/orgs/7/posts', [], [profile(1, 'acme.bsky.social', 'viewer')]);
    await screen.findByText('No posts in this period.');
    await user.click(screen.getByRole('textbox', { name: 'Filter by profile' }));
    await user.click(await screen.findByRole('option', { name: '@acme.bsky.social' }));
    await user.click(screen.getByRole('textbox', { name: 'Filter by team' }));
    await user.click(await screen.findByRole('option', { name: 'Writers' }));
    await waitFor(() => expect(mock.requests.some((r) => r.url.includes('profile=1') && r.url.includes('team=3'))).toBe(true));
    const csv = screen.getByRole('link', { name: 'Export CSV' }).getAttribute('href')!;
    expect(csv).toMatch(/^\/api\/v1\/orgs\/7\/posts\/export\.csv\?from=.*&profile=1&team=3$/);
    expect(screen.getByRole('link', { name: 'Export iCalendar' }).getAttribute('href')).toContain('/posts/export.ics?');
  });

  it('shows the week around today with today\'s post in its day', async () => {
    const user = userEvent.setup();
    renderAt('/orgs/7/posts', [calendarPost(1, 'scheduled', 5, [target(1, 'acme.bsky.social')], 'Launch day')], [profile(1, 'acme.bsky.social', 'viewer')]);
    await screen.findByRole('table', { name: 'Posts' });
    await user.click(screen.getByText('Week'));
    const today = screen.getByRole('gridcell', { name: new Date().toDateString() });
    expect(today).toHaveTextContent('Launch day');
    await user.click(screen.getByRole('button', { name: 'Next week' }));
    expect(screen.queryByText('Launch day')).toBeNull();
  });
});

describe('Rescheduling by dragging in the calendar', () => {
  it('opens the schedule dialog at the dropped day, same wall time, for a publisher only', async () => {
    const user = userEvent.setup();
    renderAt('/orgs/7/posts', [calendarPost(12, 'scheduled', 6, [target(1, 'acme.bsky.social')], 'Move me')], [profile(1, 'acme.bsky.social', 'publisher')]);
    await screen.findByRole('table', { name: 'Posts' });
    await user.click(screen.getByText('Week'));
    const today = new Date();
    const item = within(screen.getByRole('gridcell', { name: today.toDateString() })).getByTitle('Move me');
    expect(item).toHaveAttribute('draggable', 'true');
    // Sunday's post moves to Saturday, any other day's to the next day: both in this week.
    const dropDay = new Date(today.getFullYear(), today.getMonth(), today.getDate() + (today.getDay() === 0 ? -1 : 1));
    const data = { getData: () => '12', setData: () => {} };
    fireEvent.dragStart(item, { dataTransfer: data });
    fireEvent.drop(screen.getByRole('gridcell', { name: dropDay.toDateString() }), { dataTransfer: data });
    const dialog = await screen.findByRole('dialog', { name: 'Schedule post 12' });
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(within(dialog).getByLabelText(/Date and time/)).toHaveValue(
      `${dropDay.getFullYear()}-${pad(dropDay.getMonth() + 1)}-${pad(dropDay.getDate())}T18:00`,
    );
  });

  it('does not let a viewer drag', async () => {
    const user = userEvent.setup();
    renderAt('/orgs/7/posts', [calendarPost(12, 'scheduled', 6, [target(1, 'acme.bsky.social')], 'Move me')], [profile(1, 'acme.bsky.social', 'viewer')]);
    await screen.findByRole('table', { name: 'Posts' });
    await user.click(screen.getByText('Week'));
    expect(screen.getByTitle('Move me')).toHaveAttribute('draggable', 'false');
  });
});

describe('calendarDays', () => {
  it('covers a week from Monday and whole weeks of a month', () => {
    const week = calendarDays(new Date(2026, 11, 4), 'week');
    expect(week).toHaveLength(7);
    expect(week[0].getDay()).toBe(1);
    expect(week[0].getDate()).toBe(30);
    const month = calendarDays(new Date(2026, 11, 4), 'month');
    expect(month.length % 7).toBe(0);
    expect(month[0].getDate()).toBe(30);
    expect(month.at(-1)!.getDate()).toBe(3);
  });
});

describe('ApprovalsPage', () => {
  const pending = [
    calendarPost(21, 'pending_approval', 6, [target(1, 'acme.bsky.social'), target(2, 'press.bsky.social')], 'Please approve'),
  ];

  it('lets a publisher approve, and reject only with a comment', async () => {
    const user = userEvent.setup();
    const mock = renderAt('/orgs/7/approvals', pending, [profile(1, 'acme.bsky.social', 'publisher'), profile(2, 'press.bsky.social', 'limited')], {
      'POST /api/v1/orgs/7/posts/21/targets/1/approve': { status: 200, body: {} },
      'POST /api/v1/orgs/7/posts/21/targets/1/reject': { status: 200, body: {} },
    });
    const rows = within(await screen.findByRole('table', { name: 'Approval queue' })).getAllByRole('row');
    // Only the target this publisher may decide.
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveTextContent('@acme.bsky.social');
    expect(rows[1]).toHaveTextContent('Please approve');
    await user.click(screen.getByRole('button', { name: 'Approve post 21 for @acme.bsky.social' }));
    await waitFor(() => expect(mock.sent('POST', '/api/v1/orgs/7/posts/21/targets/1/approve')).toHaveLength(1));
    expect(mock.sent('POST', '/api/v1/orgs/7/posts/21/targets/1/approve')[0].body).toEqual({});

    await user.click(screen.getByRole('button', { name: 'Reject post 21 for @acme.bsky.social' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reject the post?' });
    expect(within(dialog).getByRole('button', { name: 'Reject' })).toBeDisabled();
    await user.type(within(dialog).getByLabelText(/Comment for the author/), 'Wrong date');
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
    await waitFor(() => expect(mock.sent('POST', '/api/v1/orgs/7/posts/21/targets/1/reject')).toHaveLength(1));
    expect(mock.sent('POST', '/api/v1/orgs/7/posts/21/targets/1/reject')[0].body).toEqual({ comment: 'Wrong date' });
  });

  it('shows a refused approval', async () => {
    const user = userEvent.setup();
    renderAt('/orgs/7/approvals', pending, [profile(1, 'acme.bsky.social', 'publisher')], {
      'POST /api/v1/orgs/7/posts/21/targets/1/approve': apiError(409, 'conflict', 'the target is already decided'),
    });
    await user.click(await screen.findByRole('button', { name: 'Approve post 21 for @acme.bsky.social' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the target is already decided');
  });

  it('explains to a limited member why there is nothing to decide', async () => {
    renderAt('/orgs/7/approvals', pending, [profile(1, 'acme.bsky.social', 'limited')]);
    expect(await screen.findByRole('note')).toHaveTextContent('Approving needs the publisher level');
    expect(screen.queryByRole('button', { name: /Approve/ })).toBeNull();
  });
});
