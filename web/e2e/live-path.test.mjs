// The live path of the web UI in a real browser: the real roost binary consumes the real
// local PDS's firehose (--ingest-source, fixture bluesky_pds), as tests/http/live_ingest_test
// does without a browser.
// - a team admin creates a stream on the columns dashboard, it becomes a column, and posts
//   written to the PDS that match appear in it live, without a reload;
// - an owner writes a routing rule; a mention of the organization's connected profile
//   appears live in a team member's inbox, routed by the rule; the member assigns it,
//   adds a note, replies with the team's template (the reply is read back from the PDS),
//   and resolves it;
// - a member of another team sees neither the stream nor the inbox item.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startRoost } from './roost.mjs';
import { launchBrowser, newUserPage, screenshot } from './browser.mjs';
import { createAccountWithAppPassword, createPost, firehoseUrl, getRecord, listPosts, roostEnvFor, testPds } from './pds.mjs';
import { apiSession, joinOrg, logIn } from './session.mjs';

const pds = testPds();
let roost;
let browser;
// Each run tags its posts with a word of its own: the PDS is shared by the whole suite.
const tag = `roost${randomBytes(4).toString('hex')}`;
const liveWait = 15_000; // generous: the sanitized binary on a busy 2-core machine
let world;

before(async () => {
  roost = await startRoost(roostEnvFor(pds), ['--ingest-source', firehoseUrl(pds), '--events-recheck-ms', '500']);
  browser = await launchBrowser();
  world = await setUpOrganization();
});

after(async () => {
  await browser?.close();
  await roost?.stop();
});

// Olive owns the organization; Tara is Care's team admin, Max a Care member, Sam in Sales.
// The brand profile is Care's (publisher), not Sales'.
async function setUpOrganization() {
  const olive = await apiSession(roost.url, 'olive@example.com', 'Olive Owner');
  const org = await olive('POST', '/orgs', { name: 'Acme Live' });
  const care = await olive('POST', `/orgs/${org.id}/teams`, { name: 'Care' });
  const sales = await olive('POST', `/orgs/${org.id}/teams`, { name: 'Sales' });
  const tara = await joinOrg(roost.url, olive, org.id, { email: 'tara@example.com', name: 'Tara Teamadmin', teams: [care.id] });
  await olive('PUT', `/orgs/${org.id}/teams/${care.id}/members/${tara.id}`, { team_role: 'team_admin' });
  const max = await joinOrg(roost.url, olive, org.id, { email: 'max@example.com', name: 'Max Member', teams: [care.id] });
  const sam = await joinOrg(roost.url, olive, org.id, { email: 'sam@example.com', name: 'Sam Sales', teams: [sales.id] });

  const brand = await createAccountWithAppPassword(pds);
  const profile = await olive('POST', `/orgs/${org.id}/profiles`, { identifier: brand.handle, app_password: brand.appPassword });
  await olive('PUT', `/orgs/${org.id}/teams/${care.id}/profiles/${profile.id}`, { level: 'publisher' });
  const author = await createAccountWithAppPassword(pds);
  await waitUntilIngesting();
  return { olive, org, orgUrl: `/orgs/${org.id}`, care, sales, tara, max, sam, brand, profile, author };
}

async function waitUntilIngesting() {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await (await fetch(`${roost.url}/readyz`)).json();
    const ingest = Object.entries(ready.checks ?? {}).find(([name]) => name.includes('ingest'));
    if (ingest?.[1]?.ok === true) return;
    assert.ok(Date.now() < deadline, `ingest never became ready: ${JSON.stringify(ready)}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

// A stream matches once the matcher's snapshot holding it is compiled (ADR 0024): a probe
// stream made after it is in any snapshot that has it, so once a probe post reaches the
// probe, posts reach the streams made before.
async function waitUntilMatching() {
  const { olive, org } = world;
  const team = await olive('POST', `/orgs/${org.id}/teams`, { name: `Probe ${randomBytes(3).toString('hex')}` });
  const probe = await olive('POST', `/orgs/${org.id}/teams/${team.id}/streams`, { name: 'Probe', query: `#probe${tag}` });
  for (let attempt = 0; attempt < 40; attempt += 1) {
    await createPost(pds, world.author, `probe #probe${tag}`);
    for (let poll = 0; poll < 10; poll += 1) {
      const { items } = await olive('GET', `/orgs/${org.id}/streams/${probe.id}/items`);
      if (items.length > 0) return;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  assert.fail('the streams never started matching');
}

// A signed-in browser page of the person's, on one of the organization's screens.
async function openAs(email, path) {
  const page = await newUserPage(browser, roost.url);
  await logIn(page, email);
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  await page.goto(`${world.orgUrl}${path}`);
  return page;
}

const streamPosts = [
  `Trying the new shared inbox from Acme today #${tag}`,
  `Does anyone know if Acme ships to Lisbon? #${tag}`,
  `Spring launch at Acme: the stand is open until six #${tag}`,
];

test('a team admin creates a stream and adds it as a column; matching posts appear live, without a reload', async () => {
  const { tara } = world;
  const page = await openAs('tara@example.com', `/streams`);
  await page.getByText('No column yet.').waitFor();
  await page.getByRole('button', { name: 'New stream' }).click();
  const dialog = page.getByRole('dialog', { name: 'New stream' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Mentions of Acme');
  // Tara manages one team: it is chosen already.
  assert.equal(await dialog.getByRole('textbox', { name: 'Team' }).inputValue(), 'Care');
  // A query the server refuses is explained on the field, and nothing is created.
  await dialog.getByRole('textbox', { name: 'Query' }).fill('"unclosed');
  await dialog.getByRole('button', { name: 'Create stream' }).click();
  await dialog.getByRole('alert').waitFor();
  await dialog.getByRole('textbox', { name: 'Query' }).fill(`#${tag}`);
  await dialog.getByRole('button', { name: 'Create stream' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const column = page.getByRole('region', { name: 'Column Mentions of Acme' });
  await column.getByText('No post matched yet.').waitFor();
  const streams = await tara.call('GET', `/orgs/${world.org.id}/teams/${world.care.id}/streams`);
  assert.equal(streams.streams.length, 1, JSON.stringify(streams));
  world.streamId = streams.streams[0].id;
  // The column is saved: a reload shows it again.
  await page.reload();
  await column.getByText('No post matched yet.').waitFor();

  await waitUntilMatching();
  // The page was loaded once; from here on only the live events bring posts.
  await page.evaluate(() => { window.__notReloaded = true; });
  const feed = page.getByRole('feed', { name: 'Posts of Mentions of Acme' });
  for (const [index, text] of streamPosts.entries()) {
    const written = Date.now();
    await createPost(pds, world.author, text);
    await feed.getByRole('article').filter({ hasText: text }).waitFor({ timeout: liveWait });
    console.log(`PDS write -> on screen in the column: ${Date.now() - written} ms`);
    assert.equal(await feed.getByRole('article').count(), index + 1);
  }
  // Newest on top.
  assert.match(await feed.getByRole('article').first().innerText(), /the stand is open until six/);
  // A post that matches nothing stays out.
  await createPost(pds, world.author, `Nothing to see here #not${tag}`);
  await page.waitForTimeout(1500);
  assert.equal(await feed.getByRole('article').count(), streamPosts.length);
  assert.equal(await page.evaluate(() => window.__notReloaded), true);
  await screenshot(page, 'streams');
  await page.context().close();
});

const templateBody = 'Hi @{author_handle}, thanks for writing to {profile_display_name}! {member_name} from the care team is on it.';

test('an owner writes a routing rule, a team admin a reply template', async () => {
  const olive = await openAs('olive@example.com', `/inbox-rules`);
  await olive.getByText('No rule yet.').waitFor();
  await olive.getByRole('button', { name: 'New rule' }).click();
  const dialog = olive.getByRole('dialog', { name: 'New routing rule' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Orders to Care');
  await dialog.getByRole('textbox', { name: 'Any of these keywords' }).fill('order');
  await dialog.getByRole('textbox', { name: 'Any of these keywords' }).press('Enter');
  await dialog.getByRole('textbox', { name: 'Assign to team' }).click();
  await olive.getByRole('option', { name: 'Care', exact: true }).click();
  await dialog.getByRole('textbox', { name: 'Add tags' }).fill('orders');
  await dialog.getByRole('textbox', { name: 'Add tags' }).press('Enter');
  await dialog.getByRole('textbox', { name: 'Set priority' }).click();
  await olive.getByRole('option', { name: 'High' }).click();
  await dialog.getByRole('button', { name: 'Save rule' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await olive.getByRole('list', { name: 'Routing rules' }).getByText('Orders to Care').waitFor();
  await screenshot(olive, 'inbox-rules');
  await olive.context().close();

  const tara = await openAs('tara@example.com', `/teams/${world.care.id}`);
  await tara.getByRole('heading', { name: 'Reply templates' }).waitFor();
  await tara.getByText('No template yet.').waitFor();
  await tara.getByRole('button', { name: 'New template' }).click();
  const editor = tara.getByRole('dialog', { name: 'New template' });
  await editor.getByRole('textbox', { name: 'Name' }).fill('Thanks, on it');
  await editor.getByRole('textbox', { name: 'Text' }).fill(templateBody);
  await editor.getByLabel('Preview').getByText('Hi @alice.bsky.social, thanks for writing to Acme!').waitFor();
  await editor.getByRole('button', { name: 'Save template' }).click();
  await editor.waitFor({ state: 'hidden' });
  await tara.getByRole('table', { name: 'Reply templates' }).getByText('Thanks, on it').waitFor();
  await screenshot(tara, 'templates');
  await tara.context().close();
});

test('a mention appears live in the inbox; a member assigns it, adds a note, replies with a template and resolves it', async () => {
  const { brand, author } = world;
  const page = await openAs('max@example.com', `/inbox`);
  await page.getByText('Nothing here with these filters.').waitFor();

  const text = `@${brand.handle} is my order shipped yet? (${tag})`;
  const written = Date.now();
  const mention = await createPost(pds, author, text, [brand]);
  const row = page.getByRole('navigation', { name: 'Inbox items' }).getByRole('button', { name: /^mention from @/ }).filter({ hasText: tag });
  await row.waitFor({ timeout: liveWait });
  console.log(`PDS write -> in the member's inbox: ${Date.now() - written} ms`);
  await row.getByText('is my order shipped yet?').waitFor();
  // The owner's rule routed it: Care, tagged, high priority.
  await row.getByText('orders').waitFor();
  await row.getByText('high').waitFor();

  await row.click();
  const pane = page.getByRole('region', { name: /^Inbox item \d+$/ });
  await pane.getByText(text).waitFor();
  const itemId = Number((await pane.getAttribute('aria-label')).split(' ').pop());
  assert.equal(await pane.getByRole('textbox', { name: 'Team' }).inputValue(), 'Care');
  await pane.getByRole('button', { name: 'Assign to me' }).click();
  await pane.getByRole('button', { name: 'Assign to me' }).waitFor({ state: 'detached' });
  assert.equal(await pane.getByRole('textbox', { name: 'Assignee' }).inputValue(), 'Max Member');

  await pane.getByRole('textbox', { name: 'New note' }).fill('Order 1042, left the warehouse on Monday.');
  await pane.getByRole('button', { name: 'Add note' }).click();
  await pane.locator('p').filter({ hasText: 'Order 1042, left the warehouse on Monday.' }).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('textarea')].some((area) => area.labels?.[0]?.textContent?.includes('New note') && area.value === ''));
  const notes = await world.max.call('GET', `/orgs/${world.org.id}/inbox/${itemId}/notes`);
  assert.deepEqual(notes.notes.map((note) => note.body), ['Order 1042, left the warehouse on Monday.']);

  const reply = pane.getByRole('form', { name: 'Reply' });
  await reply.getByRole('textbox', { name: 'Template' }).click();
  await page.getByRole('option', { name: 'Thanks, on it' }).click();
  const { author_handle: authorHandle, author_did: authorDid } = await world.max.call('GET', `/orgs/${world.org.id}/inbox/${itemId}`);
  assert.equal(authorDid, author.did);
  const expected = `Hi @${authorHandle || authorDid}, thanks for writing to ${brand.handle}! Max Member from the care team is on it.`;
  assert.equal(await reply.getByRole('textbox', { name: 'Reply text' }).inputValue(), expected);
  await page.setViewportSize({ width: 1280, height: 1150 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'inbox');
  await reply.getByRole('button', { name: 'Send reply' }).click();
  await reply.getByRole('status').filter({ hasText: `Reply sent as @${brand.handle}.` }).waitFor();

  // The reply is on the PDS, as the brand, in reply to the mention.
  let record;
  const deadline = Date.now() + 30_000;
  while (!record) {
    assert.ok(Date.now() < deadline, 'the reply never reached the PDS');
    record = (await listPosts(pds, brand.did)).find((candidate) => candidate.value.reply?.parent?.uri === mention.uri);
    if (!record) await page.waitForTimeout(500);
  }
  const read = await getRecord(pds, record.uri);
  assert.equal(read.value.text, expected);
  assert.equal(read.value.reply.parent.cid, mention.cid);
  assert.equal(read.value.reply.root.uri, mention.uri);

  // The segmented control's radios are visually hidden: its labels are what one clicks.
  await pane.locator('label').filter({ hasText: /^Resolved$/ }).click();
  // Resolved items leave the default (open) view.
  await row.waitFor({ state: 'detached' });
  await page.getByRole('textbox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Resolved' }).click();
  await row.getByText('resolved').waitFor();
  const item = await world.max.call('GET', `/orgs/${world.org.id}/inbox/${itemId}`);
  assert.equal(item.status, 'resolved');
  assert.equal(item.assignee_user_id, world.max.id);
  world.itemId = itemId;
  await page.context().close();
});

test('a member of another team sees neither the stream nor the inbox item', async () => {
  assert.ok(world.streamId && world.itemId, 'the earlier tests did not get this far');
  const { orgUrl, org, sam } = world;
  const page = await openAs('sam@example.com', `/inbox`);
  await page.getByText('Nothing here with these filters.').waitFor();
  await page.getByRole('textbox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Resolved' }).click();
  await page.getByText('Nothing here with these filters.').waitFor();
  await page.goto(`${orgUrl}/streams`);
  await page.getByText('No column yet.').waitFor();
  // No stream of Sales's: nothing to add (Care's stream is not offered).
  const add = page.getByRole('textbox', { name: 'Add a column' });
  assert.equal(await add.getAttribute('placeholder'), 'No stream shared with your teams yet');
  assert.equal(await add.isDisabled(), true);
  const body = await page.locator('body').innerText();
  assert.doesNotMatch(body, new RegExp(`${tag}|shipped|Mentions of Acme`));
  assert.equal(await sam.call.status('GET', `/orgs/${org.id}/inbox/${world.itemId}`), 404);
  assert.equal(await sam.call.status('GET', `/orgs/${org.id}/streams/${world.streamId}/items`), 404);
  const { items } = await sam.call('GET', `/orgs/${org.id}/inbox?status=resolved`);
  assert.deepEqual(items, []);
  await page.context().close();
});
