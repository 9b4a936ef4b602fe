import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '../api/client';
import { cannedFetch, routedFetch, takeUnexpectedRequests } from './render';

afterEach(() => vi.unstubAllGlobals());

// Each test takes the requests it provoked on purpose, so setup.ts's afterEach passes.
describe('test fetch mocks', () => {
  it('record a route no test set up, though the client turns the throw into a network error', async () => {
    vi.stubGlobal('fetch', routedFetch({ '/api/v1/orgs': { status: 200, body: { organizations: [] } } }));
    await expect(api('/orgs')).resolves.toEqual({ organizations: [] });
    await expect(api('/orgs/7')).rejects.toEqual(new ApiError(0, 'network', 'The server could not be reached.'));
    await expect(api('/orgs', { method: 'POST', json: {} })).rejects.toBeInstanceOf(ApiError);
    expect(takeUnexpectedRequests()).toEqual(['GET /api/v1/orgs/7', 'POST /api/v1/orgs']);
  });

  it('answer a method other than GET only when keyed with it', async () => {
    vi.stubGlobal('fetch', routedFetch({ 'DELETE /api/v1/orgs/7': { status: 204 } }));
    await expect(api('/orgs/7', { method: 'DELETE' })).resolves.toBeUndefined();
    await expect(api('/orgs/7')).rejects.toBeInstanceOf(ApiError);
    expect(takeUnexpectedRequests()).toEqual(['GET /api/v1/orgs/7']);
  });

  it('record a request beyond the canned responses', async () => {
    const { fetchMock } = cannedFetch([{ status: 204 }]);
    vi.stubGlobal('fetch', fetchMock);
    await api('/orgs/7', { method: 'DELETE' });
    await expect(api('/orgs')).rejects.toBeInstanceOf(ApiError);
    expect(takeUnexpectedRequests()).toEqual(['GET /api/v1/orgs']);
  });

  it('record a request when no test stubbed fetch at all', async () => {
    await expect(api('/me/invitations')).rejects.toBeInstanceOf(ApiError);
    expect(takeUnexpectedRequests()).toEqual(['GET /api/v1/me/invitations']);
  });
});
