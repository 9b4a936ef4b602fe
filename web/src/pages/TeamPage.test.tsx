import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { TeamPage } from './TeamPage';
import { apiError, renderScreen, routedFetch } from '../test/render';

afterEach(() => vi.unstubAllGlobals());

const org = {
  id: 7,
  name: 'Acme',
  role: 'admin',
  plan: { profile_limit: 10, seat_limit: 500 },
  usage: { seats_used: 150 },
  logo_url: null,
  created_at: '2026-12-01T10:00:00Z',
};

const session = { status: 200, body: { user: { id: 1, email: 'u1@example.com', display_name: 'User 1', created_at: '' }, csrf_token: 't' } };

function member(id: number) {
  return { user_id: id, email: `u${id}@example.com`, display_name: `User ${id}`, role: 'member', joined_at: '' };
}

function range(from: number, to: number) {
  return Array.from({ length: to - from + 1 }, (_, i) => member(from + i));
}

// 150 members on two pages: the first page answers whatever page size is asked for, the
// second only the cursor the first one gave.
const memberPages = {
  '/api/v1/orgs/7/members': { status: 200, body: { members: range(1, 100), next_cursor: 'p2' } },
  '/api/v1/orgs/7/members?limit=200&cursor=p2': { status: 200, body: { members: range(101, 150), next_cursor: null } },
};

function renderTeam(routes: Parameters<typeof routedFetch>[0]) {
  vi.stubGlobal(
    'fetch',
    routedFetch({
      '/api/v1/sessions/current': session,
      '/api/v1/orgs/7': { status: 200, body: org },
      '/api/v1/orgs/7/teams/3': { status: 200, body: { id: 3, name: 'Social', created_at: '', members: [] } },
      '/api/v1/orgs/7/teams/3/profiles': { status: 200, body: { profiles: [] } },
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [] } },
      '/api/v1/orgs/7/teams/3/templates': { status: 200, body: { templates: [] } },
      ...routes,
    }),
  );
  renderScreen(
    <Routes>
      <Route path="/orgs/:orgId/teams/:teamId" element={<TeamPage />} />
    </Routes>,
    '/orgs/7/teams/3',
  );
}

describe('TeamPage', () => {
  it('offers every member of the organization, not only the first page', async () => {
    renderTeam(memberPages);
    const picker = await screen.findByRole('textbox', { name: 'Add a member of the organization' });
    await userEvent.type(picker, '150');
    expect(await screen.findByRole('option', { name: 'User 150 (u150@example.com)' })).toBeInTheDocument();
  });

  it('says so when the members of the organization cannot be loaded', async () => {
    renderTeam({ '/api/v1/orgs/7/members': apiError(500, 'internal', 'member list unavailable') });
    expect(await screen.findByRole('alert')).toHaveTextContent('member list unavailable');
    expect(screen.getByRole('textbox', { name: 'Add a member of the organization' })).toBeInTheDocument();
  });

  it('says so when the profiles of the organization cannot be loaded', async () => {
    renderTeam({ ...memberPages, '/api/v1/orgs/7/profiles': apiError(500, 'internal', 'profile list unavailable') });
    expect(await screen.findByRole('alert')).toHaveTextContent('profile list unavailable');
  });

  it('shows why adding a member failed', async () => {
    renderTeam({
      ...memberPages,
      'PUT /api/v1/orgs/7/teams/3/members/150': apiError(409, 'conflict', 'the team is full'),
    });
    const picker = await screen.findByRole('textbox', { name: 'Add a member of the organization' });
    await userEvent.type(picker, '150');
    await userEvent.click(await screen.findByRole('option', { name: 'User 150 (u150@example.com)' }));
    await userEvent.click(screen.getByRole('button', { name: 'Add to team' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This conflicts with what exists');
    expect(alert).toHaveTextContent('the team is full');
  });

  it('shows why taking a profile from the team failed', async () => {
    const press = {
      id: 5, network: 'bluesky', external_id: 'did:plc:5', handle: 'press.bsky.social', display_name: 'press',
      avatar_url: '', status: 'active', owner_user_id: null, requires_confirmation: false, created_at: '', level: 'viewer',
    };
    renderTeam({
      ...memberPages,
      '/api/v1/orgs/7/teams/3/profiles': { status: 200, body: { profiles: [press] } },
      'DELETE /api/v1/orgs/7/teams/3/profiles/5': apiError(403, 'permission_denied', 'missing permission: manage_teams'),
    });
    const table = await screen.findByRole('table', { name: 'Team profiles' });
    await userEvent.click(await within(table).findByRole('button', { name: 'Take @press.bsky.social from the team' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission');
  });
});

describe('TeamPage templates', () => {
  const template = { id: 4, team_id: 3, name: 'Thanks', body: 'Thanks {author_handle}!', created_by: 1, created_at: '', updated_at: '' };

  it('lets an admin write a template, previews its placeholders and shows a refused body on its field', async () => {
    const user = userEvent.setup();
    const { fetchMock, requests } = (await import('../test/apiMock')).apiMock({
      '/api/v1/sessions/current': session,
      '/api/v1/orgs/7': { status: 200, body: org },
      '/api/v1/orgs/7/teams/3': { status: 200, body: { id: 3, name: 'Social', created_at: '', members: [] } },
      '/api/v1/orgs/7/teams/3/profiles': { status: 200, body: { profiles: [] } },
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [] } },
      '/api/v1/orgs/7/members': { status: 200, body: { members: [], next_cursor: null } },
      '/api/v1/orgs/7/teams/3/templates': [{ status: 200, body: { templates: [] } }, { status: 200, body: { templates: [template] } }],
      'POST /api/v1/orgs/7/teams/3/templates': [
        apiError(422, 'invalid_request', 'invalid template', [{ field: 'body', message: 'unknown placeholder {who}' }]),
        { status: 201, body: template },
      ],
    });
    vi.stubGlobal('fetch', fetchMock);
    renderScreen(<Routes><Route path="/orgs/:orgId/teams/:teamId" element={<TeamPage />} /></Routes>, '/orgs/7/teams/3');
    await user.click(await screen.findByRole('button', { name: 'New template' }));
    const dialog = await screen.findByRole('dialog', { name: 'New template' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Thanks');
    await user.type(within(dialog).getByRole('textbox', { name: 'Text' }), 'Thanks {{author_handle}!');
    expect(within(dialog).getByLabelText('Preview')).toHaveTextContent('Thanks alice.bsky.social!');
    await user.click(within(dialog).getByRole('button', { name: 'Save template' }));
    expect(await within(dialog).findByText('unknown placeholder {who}', { selector: '.mantine-InputWrapper-error' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Save template' }));
    expect(await screen.findByRole('table', { name: 'Reply templates' })).toHaveTextContent('Thanks {author_handle}!');
    expect(requests.filter((r) => r.method === 'POST')[1].body).toEqual({ name: 'Thanks', body: 'Thanks {author_handle}!' });
  });

  it('shows a member the templates without the controls, and explains a 403', async () => {
    renderTeam({
      '/api/v1/orgs/7': { status: 200, body: { ...org, role: 'member' } },
      '/api/v1/orgs/7/teams/3/templates': apiError(403, 'permission_denied', 'missing permission: use_templates'),
      '/api/v1/orgs/7/members': { status: 200, body: { members: [], next_cursor: null } },
    });
    expect(await screen.findByText(/Templates are for the team's publishers/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New template' })).toBeNull();
  });
});
