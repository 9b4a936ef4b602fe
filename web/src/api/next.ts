// The page to return to after logging in (`?next=`): only a path of this site, so that a
// crafted link cannot send a user elsewhere once signed in.
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  return next;
}
