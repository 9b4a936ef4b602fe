import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { ProfilesPage } from '../pages/ProfilesPage';
import { apiError, renderScreen } from '../test/render';
import { apiMock } from '../test/apiMock';

afterEach(() => vi.unstubAllGlobals());

const session = { status: 200, body: { user: { id: 1, email: 'a@example.com', display_name: 'Ada', created_at: '' }, csrf_token: 't' } };
const members = { status: 200, body: { members: [], next_cursor: null } };

function org(role: string, limit = 10) {
  return {
    status: 200,
    body: { id: 7, name: 'Acme', role, plan: { profile_limit: limit, seat_limit: 25 }, usage: { seats_used: 2 }, logo_url: null, created_at: '' },
  };
}

function profile(id: number, handle: string, status: string, level: string) {
  return { id, network: 'bluesky', handle, display_name: handle, avatar_url: '', status, owner_user_id: null, requires_confirmation: false, my_level: level };
}

function renderProfiles(routes: Parameters<typeof apiMock>[0]) {
  const mock = apiMock({ '/api/v1/sessions/current': session, '/api/v1/orgs/7/members': members, ...routes });
  vi.stubGlobal('fetch', mock.fetchMock);
  renderScreen(
    <Routes>
      <Route path="/orgs/:orgId/profiles" element={<ProfilesPage />} />
    </Routes>,
    '/orgs/7/profiles',
  );
  return mock;
}

async function fillConnect(user: ReturnType<typeof userEvent.setup>, pds = '') {
  const form = await screen.findByRole('form', { name: 'Connect a Bluesky profile' });
  await user.type(within(form).getByLabelText(/Bluesky handle or DID/), 'team.bsky.social');
  await user.type(within(form).getByLabelText(/App password/), 'abcd-efgh-ijkl-mnop');
  if (pds) await user.type(within(form).getByLabelText(/Service URL/), pds);
  await user.click(within(form).getByRole('button', { name: 'Connect' }));
  return form;
}

describe('Connecting a Bluesky profile', () => {
  it('sends the handle, app password and service URL, then lists the new profile', async () => {
    const user = userEvent.setup();
    const mock = renderProfiles({
      '/api/v1/orgs/7': org('admin'),
      '/api/v1/orgs/7/profiles': [
        { status: 200, body: { profiles: [] } },
        { status: 200, body: { profiles: [profile(3, 'team.bsky.social', 'active', 'manager')] } },
      ],
      'POST /api/v1/orgs/7/profiles': { status: 201, body: profile(3, 'team.bsky.social', 'active', 'manager') },
    });
    await fillConnect(user, 'http://pds.example.com');
    expect(await screen.findByRole('status')).toHaveTextContent('@team.bsky.social is connected');
    expect(mock.sent('POST', '/api/v1/orgs/7/profiles')[0].body).toEqual({
      network: 'bluesky',
      identifier: 'team.bsky.social',
      app_password: 'abcd-efgh-ijkl-mnop',
      pds_url: 'http://pds.example.com',
    });
    expect(await screen.findByText('1 / 10 profiles')).toBeInTheDocument();
    // The password is not kept in the form after success.
    expect(screen.getByLabelText(/App password/)).toHaveValue('');
  });

  it.each([
    [422, 'profile_credentials_rejected', 'Bluesky refused the app password', 'The network refused these credentials'],
    [503, 'unavailable', 'the PDS at https://pds.example.com does not answer', 'The server is unavailable'],
    [409, 'profile_limit_reached', 'the plan allows 1 profile', 'The plan has no profile left'],
  ])('shows a %i %s with the server message', async (status, code, message, title) => {
    const user = userEvent.setup();
    renderProfiles({
      '/api/v1/orgs/7': org('owner'),
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [] } },
      'POST /api/v1/orgs/7/profiles': apiError(status, code, message),
    });
    const form = await fillConnect(user);
    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent(title);
    expect(alert).toHaveTextContent(message);
    expect(within(form).queryByRole('status')).toBeNull();
  });

  it('puts a bad service URL next to its field', async () => {
    const user = userEvent.setup();
    renderProfiles({
      '/api/v1/orgs/7': org('owner'),
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [] } },
      'POST /api/v1/orgs/7/profiles': apiError(422, 'invalid_request', 'invalid', [{ field: 'pds_url', message: 'must be an http:// or https:// URL' }]),
    });
    await fillConnect(user, 'ftp://x');
    expect(await screen.findByText('must be an http:// or https:// URL', { selector: '.mantine-InputWrapper-error' })).toBeInTheDocument();
  });

  it('says the plan is full before anyone tries', async () => {
    renderProfiles({
      '/api/v1/orgs/7': org('admin', 1),
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [profile(1, 'one.bsky.social', 'active', 'manager')] } },
    });
    expect(await screen.findByRole('note')).toHaveTextContent('Every profile of the plan is in use (1 / 1)');
  });

  it('is not offered to a member, who sees no reconnect or remove either', async () => {
    renderProfiles({
      '/api/v1/orgs/7': org('member'),
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [profile(1, 'one.bsky.social', 'needs_reconnect', 'publisher')] } },
    });
    await screen.findByRole('table', { name: 'Social profiles' });
    expect(screen.queryByRole('form', { name: 'Connect a Bluesky profile' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Reconnect/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Remove/ })).toBeNull();
  });
});

describe('Reconnecting and removing a profile', () => {
  it('reconnects a profile that needs it with a new app password; a wrong one is explained', async () => {
    const user = userEvent.setup();
    const mock = renderProfiles({
      '/api/v1/orgs/7': org('member'),
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [profile(2, 'press.bsky.social', 'needs_reconnect', 'manager')] } },
      'POST /api/v1/orgs/7/profiles/2/reconnect': [
        apiError(422, 'profile_credentials_rejected', 'Bluesky refused the app password'),
        { status: 200, body: profile(2, 'press.bsky.social', 'active', 'manager') },
      ],
    });
    // A member who manages the profile may reconnect it, not remove it.
    await user.click(await screen.findByRole('button', { name: 'Reconnect @press.bsky.social' }));
    expect(screen.queryByRole('button', { name: 'Remove @press.bsky.social' })).toBeNull();
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/App password/), 'wrong');
    await user.click(within(dialog).getByRole('button', { name: 'Reconnect' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Bluesky refused the app password');
    await user.clear(within(dialog).getByLabelText(/App password/));
    await user.type(within(dialog).getByLabelText(/App password/), 'right-pass');
    await user.click(within(dialog).getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const sent = mock.sent('POST', '/api/v1/orgs/7/profiles/2/reconnect');
    expect(sent).toHaveLength(2);
    expect(sent[1].body).toEqual({ app_password: 'right-pass' });
  });

  it('removes a profile after confirming, and shows a refusal', async () => {
    const user = userEvent.setup();
    const mock = renderProfiles({
      '/api/v1/orgs/7': org('admin'),
      '/api/v1/orgs/7/profiles': { status: 200, body: { profiles: [profile(1, 'one.bsky.social', 'active', 'manager')] } },
      'DELETE /api/v1/orgs/7/profiles/1': [
        apiError(403, 'permission_denied', 'missing permission: remove_profile'),
        { status: 200, body: { id: 1, handle: 'one.bsky.social', posts: [] } },
      ],
    });
    await user.click(await screen.findByRole('button', { name: 'Remove @one.bsky.social' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove the profile?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('remove profile');
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(mock.sent('DELETE', '/api/v1/orgs/7/profiles/1')).toHaveLength(2);
  });
});
