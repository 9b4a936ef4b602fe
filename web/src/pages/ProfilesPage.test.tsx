import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { ProfilesPage } from './ProfilesPage';
import { apiError, renderScreen, routedFetch } from '../test/render';

afterEach(() => vi.unstubAllGlobals());

const org = {
  id: 7,
  name: 'Acme',
  role: 'admin',
  plan: { profile_limit: 10, seat_limit: 25 },
  usage: { seats_used: 2 },
  logo_url: null,
  created_at: '2026-12-01T10:00:00Z',
};

function profile(id: number, handle: string, status: string, owner: number | null) {
  return {
    id,
    network: 'bluesky',
    external_id: `did:plc:${id}`,
    handle,
    display_name: handle.split('.')[0],
    avatar_url: '',
    status,
    owner_user_id: owner,
    requires_confirmation: id === 2,
    created_at: '2026-12-01T10:00:00Z',
    my_level: 'manager',
  };
}

const session = { status: 200, body: { user: { id: 1, email: 'a@example.com', display_name: 'Ada', created_at: '' }, csrf_token: 't' } };

function renderProfiles(routes: Parameters<typeof routedFetch>[0]) {
  vi.stubGlobal('fetch', routedFetch({ '/api/v1/sessions/current': session, ...routes }));
  renderScreen(
    <Routes>
      <Route path="/orgs/:orgId/profiles" element={<ProfilesPage />} />
    </Routes>,
    '/orgs/7/profiles',
  );
}

describe('ProfilesPage', () => {
  it('shows plan usage, each status, and a profile that needs reconnecting clearly', async () => {
    renderProfiles({
      '/api/v1/orgs/7': { status: 200, body: org },
      '/api/v1/orgs/7/profiles': {
        status: 200,
        body: {
          profiles: [
            profile(1, 'acme.bsky.social', 'active', 1),
            profile(2, 'press.bsky.social', 'needs_reconnect', null),
            profile(3, 'jobs.bsky.social', 'active', 42),
          ],
        },
      },
      '/api/v1/orgs/7/members': {
        status: 200,
        body: { members: [{ user_id: 1, email: 'a@example.com', display_name: 'Ada', role: 'owner', joined_at: '' }], next_cursor: null },
      },
    });
    expect(await screen.findByText('3 / 10 profiles')).toBeInTheDocument();
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('1 profile needs reconnecting');
    expect(alert).toHaveTextContent('@press.bsky.social');
    const rows = within(screen.getByRole('table', { name: 'Social profiles' })).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toHaveTextContent('Needs reconnect');
    expect(rows[2]).toHaveTextContent('Required');
    expect(rows[1]).toHaveTextContent('Active');
    expect(await within(rows[1]).findByText('Ada')).toBeInTheDocument();
    expect(rows[3]).toHaveTextContent('user 42');
  });

  it('names an owner beyond the first page of members', async () => {
    const members = Array.from({ length: 150 }, (_, i) => ({
      user_id: i + 1,
      email: `u${i + 1}@example.com`,
      display_name: `User ${i + 1}`,
      role: 'member',
      joined_at: '',
    }));
    renderProfiles({
      '/api/v1/orgs/7': { status: 200, body: org },
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [profile(1, 'acme.bsky.social', 'active', 150)] } },
      // The first page answers whatever page size is asked for; the second only the cursor the first gave.
      '/api/v1/orgs/7/members': { status: 200, body: { members: members.slice(0, 100), next_cursor: 'p2' } },
      '/api/v1/orgs/7/members?limit=200&cursor=p2': { status: 200, body: { members: members.slice(100), next_cursor: null } },
    });
    const table = await screen.findByRole('table', { name: 'Social profiles' });
    expect(await within(table).findByText('User 150')).toBeInTheDocument();
  });

  it('says why owners show as user ids when the members cannot be loaded', async () => {
    renderProfiles({
      '/api/v1/orgs/7': { status: 200, body: org },
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [profile(1, 'acme.bsky.social', 'active', 1)] } },
      '/api/v1/orgs/7/members': apiError(500, 'internal', 'member list unavailable'),
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Something went wrong on the server');
    expect(alert).toHaveTextContent('member list unavailable');
    expect(screen.getByRole('table', { name: 'Social profiles' })).toHaveTextContent('user 1');
  });

  it('shows why the profiles cannot be loaded', async () => {
    renderProfiles({
      '/api/v1/orgs/7': { status: 200, body: org },
      '/api/v1/orgs/7/profiles': apiError(503, 'unavailable', 'try again shortly'),
      '/api/v1/orgs/7/members': { status: 200, body: { members: [], next_cursor: null } },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('try again shortly');
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows a 404 of the organization as not found, and nothing else', async () => {
    renderProfiles({ '/api/v1/orgs/7': apiError(404, 'not_found', 'no such organization') });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Not found');
    expect(alert).toHaveTextContent('no such organization');
    expect(screen.queryByRole('table')).toBeNull();
  });
});
