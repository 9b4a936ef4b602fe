// Signing in, through the UI and through the API: the browser tests set up people and teams
// through the API when the UI for it is not what they test.
import assert from 'node:assert/strict';

export const password = 'a long passphrase for tests';

export async function logIn(page, email) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

// A signed-in API caller: `(method, path, body) => json`; it fails the test on any error.
// With a display name, the account is created first.
export async function apiSession(baseUrl, email, displayName) {
  const call = async (method, path, body, session) => {
    const headers = { 'Content-Type': 'application/json' };
    if (session) {
      headers.Cookie = session.cookie;
      headers['X-CSRF-Token'] = session.csrf;
    }
    const response = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  if (displayName) await call('POST', '/accounts', { email, display_name: displayName, password });
  const login = await fetch(`${baseUrl}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.ok(login.ok, await login.clone().text());
  const session = { cookie: login.headers.get('set-cookie').split(';')[0], csrf: (await login.json()).csrf_token };
  const caller = (method, path, body) => call(method, path, body, session);
  // The status alone, for the answers a test expects to be refused.
  caller.status = async (method, path) =>
    (await fetch(`${baseUrl}/api/v1${path}`, { method, headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf } })).status;
  return caller;
}

// Someone invited to the organization (and its teams) who signs up and accepts.
export async function joinOrg(baseUrl, admin, orgId, { email, name, role = 'member', teams = [] }) {
  await admin('POST', `/orgs/${orgId}/invitations`, { email, role, teams });
  const them = await apiSession(baseUrl, email, name);
  const { invitations } = await them('GET', '/me/invitations');
  await them('POST', `/me/invitations/${invitations.find((invitation) => invitation.org_id === orgId).id}/accept`);
  const { user } = await them('GET', '/sessions/current');
  return { call: them, id: user.id };
}
