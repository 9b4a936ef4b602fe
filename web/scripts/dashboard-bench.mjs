// The columns dashboard in Debian's headless Chromium, on the production build (dist/):
// 10 columns of 200 posts, scrolled as a user would (frame by frame, frame times and long
// tasks recorded), then live posts through the event socket. The API and the socket are
// played by Playwright, so this measures the page alone. Prints the numbers
// (docs/PERFORMANCE.md, web section); fails only if the page does not get there.
//   npm run build && node scripts/dashboard-bench.mjs
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { launchBrowser } from '../e2e/browser.mjs';

const columns = 10;
const perColumn = 200;
const liveRounds = 20;
const initialRows = 50; // StreamsPage's rows drawn before a column is scrolled
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml' };

const server = createServer((request, response) => {
  const path = join(dist, new URL(request.url, 'http://x').pathname);
  const file = existsSync(path) && extname(path) ? path : join(dist, 'index.html');
  response.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
  response.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

function item(id, streamId) {
  return { id, stream_id: streamId, uri: `at://did:plc:a${id}/app.bsky.feed.post/r${id}`, cid: 'c', author_did: `did:plc:a${id}`,
    text: `post ${id} about roost and the shared inbox, with enough words to wrap a line or two in a narrow column`,
    created_at: '2026-12-04T20:00:00Z', received_at: '2026-12-04T20:00:01Z' };
}
const streamIds = Array.from({ length: columns }, (_, i) => i + 1);
const api = {
  '/api/v1/sessions/current': { user: { id: 5, email: 'li@example.com', display_name: 'Li', created_at: '' }, csrf_token: 't' },
  '/api/v1/orgs': { organizations: [] },
  '/api/v1/orgs/7': { id: 7, name: 'Acme', role: 'owner', plan: { profile_limit: 10, seat_limit: 25 }, usage: { seats_used: 2 }, logo_url: null, created_at: '' },
  '/api/v1/orgs/7/teams': { teams: [{ id: 3, name: 'Care', created_at: '' }] },
  '/api/v1/orgs/7/teams/3/streams': { streams: streamIds.map((id) => ({ id, team_id: 3, name: `S${id}`, query: 'roost', active: true })) },
  '/api/v1/orgs/7/columns': { columns: streamIds.map((id) => ({ stream_id: id, width: 1 })) },
  '/api/v1/me/invitations': { invitations: [] },
  '/api/v1/me/notifications': { notifications: [], unread_count: 0 },
};
for (const id of streamIds) {
  api[`/api/v1/orgs/7/streams/${id}/items`] = { items: Array.from({ length: perColumn }, (_, i) => item(id * 10_000 + perColumn - i, id)), next_cursor: null };
}

const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 2800, height: 1000 } }); // all ten narrow columns on screen
  const page = await context.newPage();
  await page.route('**/api/v1/**', (route) => {
    const path = new URL(route.request().url()).pathname;
    const body = api[path];
    return route.fulfill({ status: body ? 200 : 404, contentType: 'application/json', body: JSON.stringify(body ?? { error: { code: 'not_found', message: path } }) });
  });
  let socket = null;
  await page.routeWebSocket(/\/api\/v1\/events/, (ws) => {
    socket = ws;
    ws.send(JSON.stringify({ type: 'hello', last_event_id: 1 }));
  });
  // Long tasks (> 50 ms on the main thread) are what a user feels as a stall.
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
  });
  const started = Date.now();
  await page.goto(`${base}/orgs/7/streams`);
  await page.waitForFunction((n) => document.querySelectorAll('article').length === n, columns * initialRows, { timeout: 60_000 });
  const loadMs = Date.now() - started;
  const loadLong = await page.evaluate(() => window.__longTasks.splice(0));
  // Scrolled as a user scrolls: a wheel-sized step a frame, from the top of a column to its
  // end and back, one column after another and then all ten at once; the first pass draws
  // rows 51-200 on the way. Each frame's time is the gap between animation frames: 16.7 ms
  // at 60 Hz, more when the main thread (script, layout, paint) holds a frame up.
  const scrollPass = (which, step) => page.evaluate(({ which, step }) => new Promise((done) => {
    const bodies = [...document.querySelectorAll('.roost-stream-column-body')];
    const columnsNow = which === 'all' ? [bodies] : bodies.map((body) => [body]);
    const frames = [];
    let group = 0;
    let direction = 1;
    let last = performance.now();
    function frame(now) {
      frames.push(now - last);
      last = now;
      const moving = columnsNow[group];
      for (const body of moving) body.scrollTop += direction * step;
      const atEnd = moving.every((body) => (direction > 0
        ? body.scrollTop + body.clientHeight >= body.scrollHeight - 1 : body.scrollTop <= 0));
      if (atEnd) {
        if (direction > 0) direction = -1;
        else { direction = 1; group += 1; }
      }
      if (group < columnsNow.length) requestAnimationFrame(frame);
      else done(frames.slice(1));
    }
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(frame); });
  }), { which, step });
  const frameStats = (frames) => {
    const sorted = [...frames].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const total = frames.reduce((sum, ms) => sum + ms, 0);
    return `${frames.length} frames in ${(total / 1000).toFixed(1)} s, ${(frames.length / (total / 1000)).toFixed(0)} fps;` +
      ` frame time median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${sorted.at(-1).toFixed(0)} ms;` +
      ` over 50 ms: ${frames.filter((ms) => ms > 50).length}`;
  };
  const step = 200; // two mouse-wheel notches a frame: a brisk scroll
  const firstPass = await scrollPass('each', step);
  const firstLong = await page.evaluate(() => window.__longTasks.splice(0));
  const drawn = await page.evaluate(() => document.querySelectorAll('article').length);
  const allPass = await scrollPass('all', step);
  const allLong = await page.evaluate(() => window.__longTasks.splice(0));

  // Every column scrolled to its end: all 200 rows drawn.
  const scrollStarted = Date.now();
  // Scrolled again on each frame: rows of unknown height settle as they come into view.
  await page.waitForFunction((n) => {
    document.querySelectorAll('.roost-stream-column-body').forEach((body) => { body.scrollTop = body.scrollHeight; });
    return document.querySelectorAll('article').length === n;
  }, columns * perColumn, { timeout: 60_000, polling: 'raf' });
  const scrollMs = Date.now() - scrollStarted;
  const scrollLong = await page.evaluate(() => window.__longTasks.splice(0));
  await page.waitForFunction(() => true);
  if (!socket) throw new Error('the page opened no event socket');

  let next = 1_000_000;
  const perRound = [];
  for (let round = 0; round < liveRounds; round += 1) {
    const before = Date.now();
    const ids = streamIds.map((id) => { next += 1; return { id: next, stream: id }; });
    for (const { id, stream } of ids) socket.send(JSON.stringify({ id, type: 'stream.item', data: item(id, stream) }));
    await page.waitForFunction((wanted) => wanted.every(({ id, stream }) =>
      document.querySelector(`[aria-label="Posts of S${stream}"] article`)?.textContent?.includes(`post ${id} `)), ids, { polling: 'raf' });
    perRound.push(Date.now() - before);
  }
  const liveLong = await page.evaluate(() => window.__longTasks.splice(0));
  const rows = await page.evaluate(() => document.querySelectorAll('article').length);
  perRound.sort((a, b) => a - b);
  const median = perRound[Math.floor(perRound.length / 2)];
  const tasks = (list) => (list.length > 8
    ? `${list.length}, longest ${Math.round(Math.max(...list))} ms, ${Math.round(list.reduce((sum, d) => sum + d, 0))} ms in all`
    : list.map((d) => Math.round(d)).join(', ') || 'none');
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (1, 5, 15 min)`);
  console.log(`load, ${columns}×${perColumn} posts fetched, ${columns}×${initialRows} rows drawn: ${loadMs} ms (long tasks: ${tasks(loadLong)})`);
  console.log(`scrolling, each column down and up in turn, first time (rows 51-200 drawn on the way, ${drawn} rows after): ${frameStats(firstPass)} (long tasks: ${tasks(firstLong)})`);
  console.log(`scrolling, all ten columns at once, down and up: ${frameStats(allPass)} (long tasks: ${tasks(allLong)})`);
  console.log(`every column scrolled to its end, ${columns}×${perColumn} rows drawn: ${scrollMs} ms (long tasks: ${tasks(scrollLong)})`);
  console.log(`${liveRounds} rounds of ${columns} live posts (one per column): median ${median} ms, max ${perRound.at(-1)} ms from send to on screen;` +
    ` long tasks ${liveLong.length} (longest ${Math.round(Math.max(0, ...liveLong))} ms); rows kept ${rows}`);
  if (rows !== columns * perColumn) throw new Error(`expected ${columns * perColumn} rows, found ${rows}`);
} finally {
  await browser.close();
  server.close();
}
