import { describe, expect, it, vi } from 'vitest';
import { goToNext, safeNext } from './next';

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

describe('goToNext', () => {
  it('navigates in place to a route of the web UI', () => {
    const navigate = vi.fn();
    goToNext('/orgs/3/profiles', navigate);
    expect(navigate).toHaveBeenCalledWith('/orgs/3/profiles', { replace: false });
  });

  it('loads the OAuth callback from the server, its query intact', () => {
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    const navigate = vi.fn();
    goToNext('/oauth/bluesky/callback?code=c&state=s&iss=https%3A%2F%2Fpds', navigate);
    expect(assign).toHaveBeenCalledWith('/oauth/bluesky/callback?code=c&state=s&iss=https%3A%2F%2Fpds');
    expect(navigate).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });
});
