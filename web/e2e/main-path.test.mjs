// The main path of the web UI in a real browser against the real roost binary: sign-up,
// an organization, a CSV import of three members (a broken file first, then dry run and
// apply), a team, the profiles and the audit log; an invitee who accepts and sees a
// member's screens, and whose acceptance reaches the admin's bell; and a member of another organization who sees nothing of this one.
// Publishing, against the real local PDS: the admin connects a Bluesky profile; a limited
// member composes a post, it goes to approval, a publisher approves it, and the record is
// read back from the PDS; a viewer is offered no publish action.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRoost } from './roost.mjs';
import { launchBrowser, newUserPage, screenshot } from './browser.mjs';
import { totpCode } from './totp.mjs';
import { createAccountWithAppPassword, listPosts, roostEnvFor, testPds } from './pds.mjs';
import { apiSession as apiSessionAt, logIn, password } from './session.mjs';
let roost;
let browser;
let orgUrl;

// The PDS comes from the ctest fixture; without it only the publishing tests fail.
const pds = process.env.ROOST_TEST_BLUESKY_PDS_INFO_FILE ? testPds() : null;

before(async () => {
  roost = await startRoost(pds ? roostEnvFor(pds) : {});
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await roost?.stop();
});

async function signUp(page, email, name) {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Password').fill(password);
  return page;
}

function tableRows(page, name) {
  return page.getByRole('table', { name }).locator('tbody tr');
}

const brokenCsv = 'email,full_name,teams\nana@example.com,Ana,Social\nnot-an-email,Bo,\n';
const membersCsv =
  'email,full_name,job_title,organization_role,teams\r\n' +
  'ana@example.com,Ana Lima,Editor,member,Social\r\n' +
  'bo@example.com,Bo Chen,Writer,member,Social;Press\r\n' +
  'cy@example.com,Cy Okafor,Lead,admin,\r\n';

test('an admin signs up, creates an organization, imports members, creates a team and reads the audit log', async () => {
  const page = await newUserPage(browser, roost.url);
  await signUp(page, 'ada@example.com', 'Ada Admin');
  await screenshot(page, 'signup');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Welcome to Roost' }).waitFor();

  await page.getByLabel('Organization name').fill('Acme Social');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'Members' }).waitFor();
  orgUrl = new URL(page.url()).pathname.replace(/\/members$/, '');
  assert.match(orgUrl, /^\/orgs\/\d+$/);
  await tableRows(page, 'Members').filter({ hasText: 'ada@example.com' }).waitFor();
  assert.equal(await tableRows(page, 'Members').count(), 1);
  await page.getByText('Seats: 1 / 25').waitFor();

  // A broken file: every row reported, nothing can be applied.
  await page.getByRole('link', { name: 'Import members', exact: true }).click();
  await page.locator('input[type=file]').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(brokenCsv) });
  await page.getByText('Dry run: 1 of 2 rows ready, 1 with errors.').waitFor();
  const brokenRows = tableRows(page, 'Dry-run results');
  assert.equal(await brokenRows.count(), 2);
  assert.match(await brokenRows.nth(1).innerText(), /Line 3, column 1/);
  assert.equal(await page.getByRole('button', { name: /^Apply/ }).isDisabled(), true);
  await screenshot(page, 'import-dry-run-errors');

  // The good file: dry run, then apply.
  await page.locator('input[type=file]').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(membersCsv) });
  await page.getByText('Dry run: 3 of 3 rows ready, 0 with errors.').waitFor();
  assert.equal(await tableRows(page, 'Dry-run results').count(), 3);
  await page.getByText('Teams that will be created: Social, Press').waitFor();
  await screenshot(page, 'import-dry-run');
  await page.getByRole('button', { name: 'Apply: invite 3 people' }).click();
  await page.getByText('Imported: 3 invitations sent.').waitFor();
  assert.equal(await tableRows(page, 'Import results').getByText('Invited').count(), 3);

  await page.getByRole('link', { name: 'Members', exact: true }).click();
  await page.getByRole('heading', { name: 'Pending invitations (3)' }).waitFor();
  // The only owner is offered no way to leave (the server would refuse it: 409).
  assert.equal(await page.getByRole('button', { name: 'Leave the organization' }).count(), 0);
  await screenshot(page, 'members');

  await page.getByRole('link', { name: 'Teams', exact: true }).click();
  await page.getByLabel('New team name').fill('Community');
  await page.getByRole('button', { name: 'Create team' }).click();
  await page.getByRole('link', { name: 'Community', exact: true }).waitFor();
  for (const imported of ['Social', 'Press']) await page.getByRole('link', { name: imported, exact: true }).waitFor();
  await page.getByRole('link', { name: 'Community', exact: true }).click();
  await page.getByRole('textbox', { name: 'Add a member of the organization' }).click();
  await page.getByRole('option', { name: /Ada Admin/ }).click();
  await page.getByRole('button', { name: 'Add to team' }).click();
  await tableRows(page, 'Team members').filter({ hasText: 'ada@example.com' }).waitFor();
  await screenshot(page, 'team');

  await page.getByRole('link', { name: 'Social profiles', exact: true }).click();
  await page.getByText('0 / 10 profiles').waitFor();
  await screenshot(page, 'profiles');

  await page.getByRole('link', { name: 'Audit log', exact: true }).click();
  const auditRows = tableRows(page, 'Audit log');
  await auditRows.filter({ hasText: 'team.member_added' }).first().waitFor();
  const auditText = await page.getByRole('table', { name: 'Audit log' }).innerText();
  for (const action of ['org.created', 'invitation.created', 'team.created']) assert.match(auditText, new RegExp(action.replace('.', '\\.')));
  await screenshot(page, 'audit-log');
  await page.getByLabel('Filter by action').fill('invitation.*');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('table[aria-label="Audit log"] tbody tr')];
    return rows.length > 0 && rows.every((row) => row.textContent.includes('invitation.created'));
  });
  assert.equal(await auditRows.count(), 3);
  await page.context().close();
});

test('an invitee signs up, accepts the invitation and sees a member\'s screens', async () => {
  const page = await newUserPage(browser, roost.url, 'dark');
  await signUp(page, 'ana@example.com', 'Ana Lima');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Welcome to Roost' }).waitFor();
  await page.getByText('Ada Admin invited you as').waitFor();
  await screenshot(page, 'invitations-dark');
  await page.getByRole('button', { name: 'Accept the invitation to Acme Social' }).click();
  await page.getByRole('heading', { name: 'Members' }).waitFor();
  await page.getByText('Only owners and admins can invite, change roles or remove members.').waitFor();
  assert.equal(await page.getByRole('form', { name: 'Invite a member' }).count(), 0);
  assert.equal(await page.getByRole('textbox', { name: /^Role of/ }).count(), 0);
  await page.getByRole('link', { name: 'Audit log', exact: true }).click();
  await page.getByText('Only owners and admins can read the audit log.').waitFor();
  await page.getByRole('link', { name: 'Teams', exact: true }).click();
  await page.getByRole('link', { name: 'Social', exact: true }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Community', exact: true }).count(), 0);
  await page.context().close();
});

test('an invitation link brings a new user in: sign up from the link, come back, accept', async () => {
  const admin = await newUserPage(browser, roost.url);
  await logIn(admin, 'ada@example.com');
  await admin.getByRole('heading', { name: 'Members' }).waitFor();
  await admin.getByRole('form', { name: 'Invite a member' }).getByLabel('Email').fill('dee@example.com');
  await admin.getByRole('button', { name: 'Send invitation' }).click();
  const link = (await admin.locator('code').filter({ hasText: '/invitations/' }).innerText()).trim();
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/invitations\/\S+$/);
  await admin.context().close();

  const page = await newUserPage(browser, roost.url);
  await page.goto(link);
  await page.getByRole('heading', { name: 'Join Acme Social' }).waitFor();
  await page.getByText('Ada Admin invited dee@example.com as').waitFor();
  await screenshot(page, 'invitation-link');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill('dee@example.com');
  await page.getByLabel('Display name').fill('Dee');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Join Acme Social' }).waitFor();
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('heading', { name: 'Members' }).waitFor();
  await tableRows(page, 'Members').filter({ hasText: 'dee@example.com' }).waitFor();
  await page.context().close();
});

test('an admin changes a member\'s role and removes a member after confirming', async () => {
  const page = await newUserPage(browser, roost.url);
  await logIn(page, 'ada@example.com');
  await page.getByRole('heading', { name: 'Members' }).waitFor();
  await page.getByRole('textbox', { name: 'Role of Ana Lima' }).click();
  await page.getByRole('option', { name: 'admin' }).click();
  await page.waitForFunction(() => document.querySelector('input[aria-label="Role of Ana Lima"]')?.value === 'admin');
  await page.reload();
  assert.equal(await page.getByRole('textbox', { name: 'Role of Ana Lima' }).inputValue(), 'admin');
  await page.getByRole('button', { name: 'Remove Dee' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove from the organization?' });
  await dialog.getByText('Dee (dee@example.com) loses access to Acme Social at once.').waitFor();
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await tableRows(page, 'Members').filter({ hasText: 'dee@example.com' }).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'Audit log', exact: true }).click();
  await tableRows(page, 'Audit log').filter({ hasText: 'member.removed' }).waitFor();
  await tableRows(page, 'Audit log').filter({ hasText: 'member.role_changed' }).waitFor();
  await page.context().close();
});

test('a member of another organization sees nothing of this one', async () => {
  const page = await newUserPage(browser, roost.url);
  await signUp(page, 'mallory@example.com', 'Mallory');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Organization name').fill('Other Org');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'Members' }).waitFor();

  for (const section of ['members', 'teams', 'profiles', 'audit', 'import', 'compose', 'posts', 'approvals']) {
    await page.goto(`${orgUrl}/${section}`);
    await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, /Acme|ada@example\.com|Community/, section);
  }
  await page.getByRole('textbox', { name: 'Organization' }).click();
  const options = await page.getByRole('option').allInnerTexts();
  assert.deepEqual(options, ['Other Org', '+ New organization']);
  const status = await page.evaluate((path) => fetch(`/api/v1${path}/members`).then((r) => r.status), orgUrl);
  assert.equal(status, 404);
  await page.context().close();
});

test('login asks for the password again after logging out, and explains a wrong one', async () => {
  const page = await newUserPage(browser, roost.url);
  // Signed out, a deep link asks to log in, then comes back to it.
  await page.goto(`${orgUrl}/teams`);
  await page.getByRole('heading', { name: 'Log in to Roost' }).waitFor();
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').waitFor();
  await screenshot(page, 'login-error');
  // From the keyboard: Enter in the password field submits.
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('heading', { name: 'Teams' }).waitFor();
  // Ana's and Dee's acceptances reached Ada's bell.
  await page.getByRole('button', { name: 'Notifications, 2 unread' }).click();
  await page.getByText('ana@example.com accepted your invitation to Acme Social.').waitFor();
  await screenshot(page, 'notifications');
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Log in to Roost' }).waitFor();
  await page.context().close();
});

// Through the API, as an authenticator app's owner would: sign up, log in, enroll.
async function accountWithTwoFactor(email) {
  const call = async (path, body, cookie, csrf) => {
    const headers = { 'Content-Type': 'application/json' };
    if (cookie) headers.Cookie = cookie;
    if (csrf) headers['X-CSRF-Token'] = csrf;
    const response = await fetch(`${roost.url}/api/v1${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
    return response;
  };
  await call('/accounts', { email, display_name: 'Tess', password });
  const login = await call('/sessions', { email, password });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await login.json();
  const { secret } = await (await call('/me/totp', { password }, cookie, csrf)).json();
  await call('/me/totp/confirm', { code: totpCode(secret) }, cookie, csrf);
  return secret;
}

test('login with two-factor authentication asks for the code, refuses a wrong one, accepts the right one', async () => {
  const secret = await accountWithTwoFactor('tess@example.com');
  const page = await newUserPage(browser, roost.url);
  await page.goto('/login');
  await page.getByLabel('Email').fill('tess@example.com');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  const code = page.getByLabel('Authentication code');
  await code.waitFor();
  await screenshot(page, 'login-two-factor');
  const wrong = totpCode(secret) === '000000' ? '111111' : '000000';
  await code.fill(wrong);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('alert').waitFor();
  // The next time step's code: the current one was spent confirming the enrollment.
  await code.fill(totpCode(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('heading', { name: 'Welcome to Roost' }).waitFor();
  await page.context().close();
});

// Setting up people and teams through the API, as the earlier tests did through the UI.
const apiSession = (email, displayName) => apiSessionAt(roost.url, email, displayName);

let bluesky;
const postText = `Spring launch: see you at the stand! (${Date.now()})`;

test('an admin connects a Bluesky profile from the profiles screen', async () => {
  assert.ok(pds, 'no test PDS: run through ctest (fixture bluesky_pds)');
  bluesky = await createAccountWithAppPassword(pds);
  const page = await newUserPage(browser, roost.url);
  await logIn(page, 'ada@example.com');
  await page.getByRole('heading', { name: 'Members' }).waitFor();
  await page.getByRole('link', { name: 'Social profiles', exact: true }).click();
  const form = page.getByRole('form', { name: 'Connect a Bluesky profile' });
  // A wrong app password is refused with the network's answer, and nothing is stored.
  await form.getByLabel('Bluesky handle or DID').fill(bluesky.handle);
  await form.getByLabel('App password').fill('wrong-wrong-wrong-wrong');
  await form.getByRole('button', { name: 'Connect' }).click();
  await form.getByRole('alert').filter({ hasText: 'The network refused these credentials' }).waitFor();
  await page.getByText('0 / 10 profiles').waitFor();
  await form.getByLabel('App password').fill(bluesky.appPassword);
  await form.getByRole('button', { name: 'Connect' }).click();
  await form.getByRole('status').filter({ hasText: `@${bluesky.handle} is connected` }).waitFor();
  await page.getByText('1 / 10 profiles').waitFor();
  await tableRows(page, 'Social profiles').filter({ hasText: bluesky.handle }).filter({ hasText: 'Active' }).waitFor();
  await screenshot(page, 'profiles-connected');
  await page.context().close();
});

test('a limited member composes a post, a publisher approves it, and it appears on the PDS; a viewer has no publish action', async () => {
  assert.ok(bluesky, 'the profile was not connected');
  const orgId = Number(orgUrl.split('/').pop());
  const ada = await apiSession('ada@example.com');
  const { profiles } = await ada('GET', `/orgs/${orgId}/profiles`);
  const profileId = profiles.find((profile) => profile.handle === bluesky.handle).id;
  const people = [
    { email: 'lee@example.com', name: 'Lee Limited', team: 'Writers', level: 'limited' },
    { email: 'vic@example.com', name: 'Vic Viewer', team: 'Readers', level: 'viewer' },
    { email: 'pat@example.com', name: 'Pat Publisher', team: 'Editors', level: 'publisher' },
  ];
  for (const person of people) {
    const team = await ada('POST', `/orgs/${orgId}/teams`, { name: person.team });
    await ada('PUT', `/orgs/${orgId}/teams/${team.id}/profiles/${profileId}`, { level: person.level });
    await ada('POST', `/orgs/${orgId}/invitations`, { email: person.email, role: 'member', teams: [team.id] });
    const them = await apiSession(person.email, person.name);
    const { invitations } = await them('GET', '/me/invitations');
    await them('POST', `/me/invitations/${invitations.find((invitation) => invitation.org_id === orgId).id}/accept`);
  }

  // The limited member: the profile is offered, publishing directly is not.
  const lee = await newUserPage(browser, roost.url);
  await logIn(lee, 'lee@example.com');
  await lee.getByRole('button', { name: 'Log out' }).waitFor();
  await lee.goto(`${orgUrl}/compose`);
  await lee.getByRole('checkbox', { name: `@${bluesky.handle}` }).waitFor();
  assert.equal(await lee.getByRole('checkbox', { name: `@${bluesky.handle}` }).isChecked(), true);
  await lee.getByRole('textbox', { name: 'Text', exact: true }).fill(postText);
  await lee.getByText(`Bluesky: ${postText.length} / 300`).waitFor();
  assert.equal(await lee.getByRole('button', { name: 'Publish now' }).count(), 0);
  await screenshot(lee, 'composer');
  await lee.getByRole('button', { name: 'Submit for approval' }).click();
  const dialog = lee.getByRole('dialog');
  await dialog.getByText(`once approved it is published as @${bluesky.handle}`).waitFor();
  await dialog.getByRole('button', { name: 'Submit for approval' }).click();
  await lee.getByRole('status').filter({ hasText: 'is waiting for approval' }).waitFor();
  await lee.getByRole('link', { name: 'Approvals', exact: true }).click();
  await lee.getByText('Approving needs the publisher level on a profile').waitFor();
  await lee.context().close();

  // The viewer sees the profile's posts, and no way to compose, publish or cancel.
  const vic = await newUserPage(browser, roost.url);
  await logIn(vic, 'vic@example.com');
  await vic.getByRole('button', { name: 'Log out' }).waitFor();
  await vic.goto(`${orgUrl}/compose`);
  await vic.getByRole('note').filter({ hasText: 'composing needs the limited level' }).waitFor();
  assert.equal(await vic.getByRole('button', { name: /Publish now|Schedule|Submit for approval|Save draft/ }).count(), 0);
  await vic.goto(`${orgUrl}/posts`);
  await tableRows(vic, 'Posts').filter({ hasText: postText }).filter({ hasText: 'Pending approval' }).waitFor();
  assert.equal(await vic.getByRole('button', { name: /^Cancel post/ }).count(), 0);
  await vic.context().close();

  // The publisher approves; the scheduler publishes at once.
  const pat = await newUserPage(browser, roost.url);
  await logIn(pat, 'pat@example.com');
  await pat.getByRole('button', { name: 'Log out' }).waitFor();
  await pat.goto(`${orgUrl}/approvals`);
  const row = tableRows(pat, 'Approval queue').filter({ hasText: postText });
  await row.waitFor();
  await screenshot(pat, 'approvals');
  await row.getByRole('button', { name: /^Approve post \d+ for @/ }).click();
  await row.waitFor({ state: 'detached' });
  await pat.getByRole('link', { name: 'Posts', exact: true }).click();
  const published = tableRows(pat, 'Posts').filter({ hasText: postText });
  const deadline = Date.now() + 30_000;
  while (!(await published.filter({ hasText: 'Published' }).count())) {
    assert.ok(Date.now() < deadline, `not published: ${await published.innerText()}`);
    await pat.waitForTimeout(500);
    await pat.reload();
    await published.waitFor();
  }
  const uri = await published.getByRole('link', { name: 'published' }).getAttribute('title');
  assert.match(uri, new RegExp(`^at://${bluesky.did}/app\\.bsky\\.feed\\.post/`));
  await screenshot(pat, 'posts');
  // The same posts as a calendar: the published one on today's day.
  await pat.locator('label').filter({ hasText: /^Week$/ }).click();
  await pat.getByRole('grid', { name: /^Calendar, / }).getByRole('gridcell', { name: new Date().toDateString() }).getByText(postText.slice(0, 12)).first().waitFor();
  await screenshot(pat, 'calendar');
  await pat.context().close();

  const records = await listPosts(pds, bluesky.did);
  const record = records.find((candidate) => candidate.uri === uri);
  assert.ok(record, `no record ${uri} on the PDS: ${JSON.stringify(records)}`);
  assert.equal(record.value.text, postText);
});
