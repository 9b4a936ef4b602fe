import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { LoginPage } from './LoginPage';
import { SignUpPage } from './SignUpPage';
import { apiError, cannedFetch, renderScreen } from '../test/render';

const signedOut = apiError(401, 'unauthenticated', 'no session');
const account = { status: 201, body: { id: 9, email: 'ada@example.com', display_name: 'Ada', created_at: '' } };

afterEach(() => vi.unstubAllGlobals());

function renderSignUp(path: string) {
  renderScreen(
    <Routes>
      <Route path="/signup" element={<SignUpPage />} />
      <Route path="/login" element={<LoginPage />} />
      <Route path="/orgs/7" element={<p>Acme</p>} />
    </Routes>,
    path,
  );
}

async function fillAndSubmit() {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText(/email/i), 'ada@example.com');
  await user.type(screen.getByLabelText(/display name/i), 'Ada');
  await user.type(screen.getByLabelText(/password/i), 'correct horse battery');
  await user.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('SignUpPage', () => {
  it('creates the account, logs in and goes to the next page', async () => {
    const { fetchMock, requests } = cannedFetch([
      signedOut,
      account,
      { status: 201, body: { user: account.body, csrf_token: 't' } },
    ]);
    vi.stubGlobal('fetch', fetchMock);
    renderSignUp('/signup?next=%2Forgs%2F7');
    await fillAndSubmit();
    expect(await screen.findByText('Acme')).toBeInTheDocument();
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /api/v1/sessions/current',
      'POST /api/v1/accounts',
      'POST /api/v1/sessions',
    ]);
  });

  it('sends to the login page, saying the account exists, when only the login after fails', async () => {
    const { fetchMock } = cannedFetch([
      signedOut,
      account,
      { status: 429, body: { error: { code: 'rate_limited', message: 'Too many logins.', details: [] } }, headers: { 'Retry-After': '30' } },
    ]);
    vi.stubGlobal('fetch', fetchMock);
    renderSignUp('/signup?next=%2Forgs%2F7');
    await fillAndSubmit();
    const notice = await screen.findByRole('alert');
    expect(notice).toHaveTextContent('Your account was created');
    expect(notice).toHaveTextContent('ada@example.com');
    expect(notice).toHaveTextContent('Too many logins. Try again in 30 s.');
    expect(screen.getByRole('form', { name: 'Log in' })).toBeInTheDocument();
    expect(screen.getByLabelText(/email/i)).toHaveValue('ada@example.com');
    // The page to return to survives the detour.
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/signup?next=%2Forgs%2F7');
  });
});
