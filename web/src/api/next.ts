// The page to return to after logging in (`?next=`): only a path of this site, so that a
// crafted link cannot send a user elsewhere once signed in.
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  return next;
}

// The server's own pages among the places `?next=` may name: the OAuth callback sends a
// browser that has no login session to the login page, and comes back to itself.
export function isServerPage(next: string): boolean {
  return next.startsWith('/oauth/');
}

// Goes to `next` once logged in: a route of the web UI in place, a server page by loading it.
export function goToNext(next: string, navigate: (to: string, options?: { replace?: boolean }) => void, replace = false): void {
  if (isServerPage(next)) window.location.assign(next);
  else navigate(next, { replace });
}
