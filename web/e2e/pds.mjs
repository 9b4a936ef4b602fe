// The real local Bluesky PDS of the CTest fixture `bluesky_pds` (tests/peers/bluesky-pds):
// where it is, and what the browser tests do to it directly over XRPC — make an account and
// an app password, read back the records Roost published. Without the fixture the tests
// fail, never skip: run them through ctest (`ctest -R 'bluesky_pds|web_e2e'`).
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export function testPds() {
  const file = process.env.ROOST_TEST_BLUESKY_PDS_INFO_FILE;
  if (!file) throw new Error('ROOST_TEST_BLUESKY_PDS_INFO_FILE is not set: run through ctest, which starts the test PDS');
  const info = JSON.parse(readFileSync(file, 'utf8'));
  return { pdsUrl: info.pdsUrl, plcUrl: info.plcUrl };
}

// What roost needs to find identities on the test PDS and its PLC directory.
export function roostEnvFor(pds) {
  return { ROOST_BLUESKY_PLC_URL: pds.plcUrl, ROOST_BLUESKY_HANDLE_RESOLVER_URL: pds.pdsUrl };
}

async function xrpc(pds, nsid, { body, token, query } = {}) {
  const url = new URL(`/xrpc/${nsid}`, pds.pdsUrl);
  for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${nsid}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

// A new account with a random handle, and an app password for Roost.
export async function createAccountWithAppPassword(pds) {
  const name = `e2e${randomBytes(5).toString('hex')}`;
  const account = await xrpc(pds, 'com.atproto.server.createAccount', {
    body: { handle: `${name}.test`, email: `${name}@example.com`, password: randomBytes(16).toString('hex') },
  });
  const { password } = await xrpc(pds, 'com.atproto.server.createAppPassword', { body: { name: 'roost' }, token: account.accessJwt });
  return { did: account.did, handle: account.handle, appPassword: password, accessJwt: account.accessJwt };
}

// The PDS's firehose (com.atproto.sync.subscribeRepos), for roost's --ingest-source.
export function firehoseUrl(pds) {
  return pds.pdsUrl.replace(/^http/, 'ws');
}

// A post written straight to the PDS, as any Bluesky app would; `mentions` are accounts
// the text names as @handle, made into mention facets (byte offsets of the UTF-8 text).
export async function createPost(pds, account, text, mentions = []) {
  const record = { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString() };
  const facets = [];
  for (const mentioned of mentions) {
    const at = text.indexOf(`@${mentioned.handle}`);
    if (at < 0) throw new Error(`@${mentioned.handle} is not in the text`);
    const byteStart = Buffer.byteLength(text.slice(0, at));
    facets.push({
      index: { byteStart, byteEnd: byteStart + Buffer.byteLength(`@${mentioned.handle}`) },
      features: [{ $type: 'app.bsky.richtext.facet#mention', did: mentioned.did }],
    });
  }
  if (facets.length) record.facets = facets;
  return xrpc(pds, 'com.atproto.repo.createRecord', {
    body: { repo: account.did, collection: 'app.bsky.feed.post', record },
    token: account.accessJwt,
  });
}

export async function getRecord(pds, uri) {
  const [, , repo, collection, rkey] = uri.split('/');
  return xrpc(pds, 'com.atproto.repo.getRecord', { query: { repo, collection, rkey } });
}

export async function listPosts(pds, did) {
  const { records } = await xrpc(pds, 'com.atproto.repo.listRecords', {
    query: { repo: did, collection: 'app.bsky.feed.post', limit: '100' },
  });
  return records;
}
