import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LoginPage } from './LoginPage';
import { apiError, cannedFetch, renderScreen } from '../test/render';

const signedOut = apiError(401, 'unauthenticated', 'no session');

afterEach(() => vi.unstubAllGlobals());

async function fillAndSubmit() {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText(/email/i), 'ada@example.com');
  await user.type(screen.getByLabelText(/password/i), 'correct horse battery');
  await user.click(screen.getByRole('button', { name: 'Log in' }));
  return user;
}

describe('LoginPage', () => {
  it('shows the server message of a wrong password', async () => {
    const { fetchMock, requests } = cannedFetch([signedOut, apiError(401, 'unauthenticated', 'wrong email or password')]);
    vi.stubGlobal('fetch', fetchMock);
    renderScreen(<LoginPage />, '/login');
    await fillAndSubmit();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('You are not signed in');
    expect(alert).toHaveTextContent('wrong email or password');
    expect(requests[1].body).toEqual({ email: 'ada@example.com', password: 'correct horse battery' });
  });

  it('asks for the code when two-factor authentication is on, then sends it', async () => {
    const { fetchMock, requests } = cannedFetch([
      signedOut,
      apiError(401, 'totp_required', 'a two-factor code is required'),
      apiError(401, 'unauthenticated', 'wrong code'),
    ]);
    vi.stubGlobal('fetch', fetchMock);
    renderScreen(<LoginPage />, '/login');
    const user = await fillAndSubmit();
    const code = await screen.findByLabelText(/authentication code/i);
    expect(screen.queryByRole('alert')).toBeNull();
    await user.type(code, '123456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('wrong code');
    expect(requests[2].body).toEqual({ email: 'ada@example.com', password: 'correct horse battery', totp_code: '123456' });
  });

  it('offers a recovery code instead', async () => {
    const { fetchMock, requests } = cannedFetch([
      signedOut,
      apiError(401, 'totp_required', 'a two-factor code is required'),
      apiError(429, 'rate_limited', 'too many failed logins.'),
    ]);
    vi.stubGlobal('fetch', fetchMock);
    renderScreen(<LoginPage />, '/login');
    const user = await fillAndSubmit();
    await user.click(await screen.findByRole('button', { name: /recovery code instead/i }));
    await user.type(screen.getByLabelText(/recovery code/i), 'abcd-efgh');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts');
    expect(requests[2].body).toMatchObject({ recovery_code: 'abcd-efgh' });
  });

  it('returns to the OAuth callback that sent it here, with a full page load', async () => {
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    const account = { id: 1, email: 'ada@example.com', display_name: 'Ada' };
    const { fetchMock } = cannedFetch([signedOut, { status: 200, body: { user: account, csrf_token: 't' } }]);
    vi.stubGlobal('fetch', fetchMock);
    const callback = '/oauth/bluesky/callback?code=c&state=s';
    renderScreen(<LoginPage />, `/login?next=${encodeURIComponent(callback)}`);
    await fillAndSubmit();
    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith(callback));
  });
});
