import { describe, expect, it } from 'vitest';
import { safeNext } from './next';

describe('safeNext', () => {
  it('keeps a path of this site', () => {
    expect(safeNext('/invitations/abc')).toBe('/invitations/abc');
    expect(safeNext('/orgs/3/teams?x=1')).toBe('/orgs/3/teams?x=1');
  });

  it('refuses anything that leaves the site', () => {
    for (const next of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      expect(safeNext(next)).toBe('/');
    }
  });
});
