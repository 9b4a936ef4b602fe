import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { browser } from '../api/browser';
import { ProfilesPage } from '../pages/ProfilesPage';
import { apiError, renderScreen } from '../test/render';
import { apiMock } from '../test/apiMock';
import { oauthErrorMessages } from './OAuthConnect';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const session = { status: 200, body: { user: { id: 1, email: 'a@example.com', display_name: 'Ada', created_at: '' }, csrf_token: 't' } };
const members = { status: 200, body: { members: [], next_cursor: null } };
const org = (role: string) => ({
  status: 200,
  body: { id: 7, name: 'Acme', role, plan: { profile_limit: 10, seat_limit: 25 }, usage: { seats_used: 2 }, logo_url: null, created_at: '' },
});
const broken = { id: 2, network: 'bluesky', handle: 'press.bsky.social', display_name: 'Press', avatar_url: '', status: 'needs_reconnect', owner_user_id: null, requires_confirmation: false, my_level: 'manager' };

function renderProfiles(routes: Parameters<typeof apiMock>[0], path = '/orgs/7/profiles') {
  const mock = apiMock({ '/api/v1/sessions/current': session, '/api/v1/orgs/7/members': members, ...routes });
  vi.stubGlobal('fetch', mock.fetchMock);
  renderScreen(
    <Routes>
      <Route path="/orgs/:orgId/profiles" element={<ProfilesPage />} />
    </Routes>,
    path,
  );
  return mock;
}

describe('Connecting with Bluesky OAuth', () => {
  it('sends the handle and sends the browser to the authorization server', async () => {
    const go = vi.spyOn(browser, 'go').mockImplementation(() => {});
    const user = userEvent.setup();
    const mock = renderProfiles({
      '/api/v1/orgs/7': org('admin'),
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [] } },
      'POST /api/v1/orgs/7/profiles/oauth': { status: 200, body: { authorize_url: 'https://bsky.social/oauth/authorize?request_uri=x' } },
    });
    const form = await screen.findByRole('form', { name: 'Connect with Bluesky (OAuth)' });
    // Beside the app-password form, not instead of it.
    expect(screen.getByRole('form', { name: 'Connect a Bluesky profile' })).toBeInTheDocument();
    await user.type(within(form).getByLabelText(/Bluesky handle/), '@team.bsky.social');
    await user.click(within(form).getByRole('button', { name: 'Continue to Bluesky' }));
    await waitFor(() => expect(go).toHaveBeenCalledWith('https://bsky.social/oauth/authorize?request_uri=x'));
    expect(mock.sent('POST', '/api/v1/orgs/7/profiles/oauth')[0].body).toEqual({ handle: 'team.bsky.social' });
  });

  it('explains a refused start and stays on the page', async () => {
    const go = vi.spyOn(browser, 'go').mockImplementation(() => {});
    const user = userEvent.setup();
    renderProfiles({
      '/api/v1/orgs/7': org('owner'),
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [] } },
      'POST /api/v1/orgs/7/profiles/oauth': apiError(409, 'profile_limit_reached', 'the plan allows 10 profiles'),
    });
    const form = await screen.findByRole('form', { name: 'Connect with Bluesky (OAuth)' });
    await user.type(within(form).getByLabelText(/Bluesky handle/), 'team.bsky.social');
    await user.click(within(form).getByRole('button', { name: 'Continue to Bluesky' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('the plan allows 10 profiles');
    expect(go).not.toHaveBeenCalled();
  });

  it('reconnects a profile with OAuth, naming it', async () => {
    const go = vi.spyOn(browser, 'go').mockImplementation(() => {});
    const user = userEvent.setup();
    const mock = renderProfiles({
      '/api/v1/orgs/7': org('member'),
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [broken] } },
      'POST /api/v1/orgs/7/profiles/oauth': { status: 200, body: { authorize_url: 'http://localhost:2583/oauth/authorize?r=1' } },
    });
    await user.click(await screen.findByRole('button', { name: 'Reconnect @press.bsky.social' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Reconnect with Bluesky (OAuth)' }));
    await waitFor(() => expect(go).toHaveBeenCalledWith('http://localhost:2583/oauth/authorize?r=1'));
    expect(mock.sent('POST', '/api/v1/orgs/7/profiles/oauth')[0].body).toEqual({ handle: 'press.bsky.social', profile_id: 2 });
  });

  it.each(Object.keys(oauthErrorMessages))('shows what ?oauth_error=%s means', async (code) => {
    renderProfiles(
      { '/api/v1/orgs/7': org('owner'), '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [] } } },
      `/orgs/7/profiles?oauth_error=${code}`,
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The profile was not connected');
    expect(alert).toHaveTextContent(oauthErrorMessages[code]);
  });

  it('says so when the callback connected the profile', async () => {
    renderProfiles(
      { '/api/v1/orgs/7': org('owner'), '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [] } } },
      '/orgs/7/profiles?oauth=connected&profile_id=3',
    );
    expect(await screen.findByRole('status')).toHaveTextContent('Profile connected');
  });
});
