import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import { useAllMembers } from './queries';
import { ErrorAlert } from '../components/ErrorAlert';
import { apiError, renderScreen, routedFetch } from '../test/render';

afterEach(() => vi.unstubAllGlobals());

const signedOut = apiError(401, 'unauthenticated', 'no session');

function member(id: number) {
  return { user_id: id, email: `u${id}@example.com`, display_name: `User ${id}`, role: 'member', joined_at: '' };
}

function MemberNames() {
  const members = useAllMembers(7);
  if (members.error) return <ErrorAlert error={members.error} />;
  if (!members.data) return null;
  return <p aria-label="names">{members.data.map((m) => m.display_name).join(', ')}</p>;
}

describe('useAllMembers', () => {
  it('follows next_cursor until the last page', async () => {
    const fetchMock = vi.fn(
      routedFetch({
        '/api/v1/sessions/current': signedOut,
        '/api/v1/orgs/7/members?limit=200': { status: 200, body: { members: [member(1), member(2)], next_cursor: 'c/2' } },
        '/api/v1/orgs/7/members?limit=200&cursor=c%2F2': { status: 200, body: { members: [member(3)], next_cursor: null } },
      }),
    );
    vi.stubGlobal('fetch', fetchMock);
    renderScreen(<MemberNames />);
    expect(await screen.findByLabelText('names')).toHaveTextContent('User 1, User 2, User 3');
    const memberUrls = fetchMock.mock.calls.map(([url]) => url).filter((url) => url.includes('/members'));
    expect(memberUrls).toEqual(['/api/v1/orgs/7/members?limit=200', '/api/v1/orgs/7/members?limit=200&cursor=c%2F2']);
  });

  it('fails as a whole when a later page fails', async () => {
    vi.stubGlobal(
      'fetch',
      routedFetch({
        '/api/v1/sessions/current': signedOut,
        '/api/v1/orgs/7/members?limit=200': { status: 200, body: { members: [member(1)], next_cursor: 'c2' } },
        '/api/v1/orgs/7/members?limit=200&cursor=c2': apiError(500, 'internal', 'database unavailable'),
      }),
    );
    renderScreen(<MemberNames />);
    expect(await screen.findByRole('alert')).toHaveTextContent('database unavailable');
    expect(screen.queryByLabelText('names')).toBeNull();
  });
});
