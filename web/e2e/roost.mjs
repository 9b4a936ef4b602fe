// Starts the real `roost serve` for the browser tests: a free port (port 0, read back
// from its "roost listening on" line), a temporary SQLite data directory, the built web UI.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function roostBinary() {
  const candidates = [process.env.ROOST_BINARY, join(webDir, '..', 'build', 'src', 'app', 'roost')];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!found) throw new Error('set ROOST_BINARY to the roost binary (ctest does)');
  return found;
}

// `env` adds to roost's environment, e.g. where it finds Bluesky identities; `args` to its
// command line, e.g. --ingest-source.
export async function startRoost(env = {}, args = []) {
  const binary = roostBinary();
  const webRoot = process.env.ROOST_WEB_ROOT ?? join(webDir, 'dist');
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`no built web UI in ${webRoot}: npm run build`);
  const dataDir = mkdtempSync(join(tmpdir(), 'roost-e2e-'));
  const migrated = spawnSync(binary, ['migrate', '--data-dir', dataDir, '--log-level', 'warn'], { encoding: 'utf8' });
  if (migrated.status !== 0) throw new Error(`roost migrate failed: ${migrated.stderr}`);
  const child = spawn(
    binary,
    ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--web-root', webRoot, '--log-level', 'warn', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  const url = await new Promise((resolveUrl, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`roost did not start:\n${output}${log}`)), 20_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /roost listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`roost exited with ${code}:\n${output}${log}`));
    });
  });
  return {
    url,
    log: () => log,
    // A clean shutdown is part of the test: SIGTERM must end roost with 0 (a sanitizer
    // finding or a crash would not).
    async stop() {
      const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      if (code !== 0) throw new Error(`roost exited with ${code ?? signal} after SIGTERM:\n${log}`);
    },
  };
}
