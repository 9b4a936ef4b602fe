// The first-load JavaScript budget (ADR 0016): every script index.html loads or
// preloads, gzipped, at most 300 KB. Prints the number; exits 1 over budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const budgetBytes = 300 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const scripts = [
  ...html.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g),
  ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g),
].map((match) => match[1]);
if (scripts.length === 0) {
  console.error('bundle-size: index.html loads no script; is dist/ built?');
  process.exit(1);
}
let total = 0;
for (const script of new Set(scripts)) {
  const bytes = gzipSync(readFileSync(join(dist, script.replace(/^\//, '')))).length;
  total += bytes;
  console.log(`${script}: ${(bytes / 1024).toFixed(1)} KB gzipped`);
}
console.log(`first-load JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${budgetBytes / 1024} KB)`);
if (total > budgetBytes) {
  console.error('bundle-size: over budget');
  process.exit(1);
}
