import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import { SessionProvider } from '../api/session';

export function renderScreen(ui: ReactElement, path = '/') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MantineProvider>
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
          <SessionProvider>{ui}</SessionProvider>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

// Requests that no test set up. The fetch mocks throw on one, but client.ts turns a throw
// into ApiError 'network' that a screen may show and a test may not look for; so each is
// also kept here, and setup.ts fails the test that made it (afterEach).
const unexpected: string[] = [];

export function unexpectedRequest(method: string, url: string): Error {
  const request = `${method} ${url}`;
  unexpected.push(request);
  return new Error(`unexpected request ${request}`);
}

export function takeUnexpectedRequests(): string[] {
  return unexpected.splice(0);
}

// A fetch that answers each call with the next canned response and records the requests:
// the component tests check what the screen sends and shows; the end-to-end tests run the
// real server.
export function cannedFetch(responses: { status: number; body?: unknown; headers?: Record<string, string> }[]) {
  const requests: { url: string; method: string; body: unknown; headers: Record<string, string> }[] = [];
  const fetchMock = async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    requests.push({
      url,
      method,
      body: typeof init.body === 'string' && init.body.startsWith('{') ? JSON.parse(init.body) : init.body,
      headers: (init.headers ?? {}) as Record<string, string>,
    });
    const next = responses.shift();
    if (!next) throw unexpectedRequest(method, url);
    return new Response(next.body === undefined ? null : JSON.stringify(next.body), {
      status: next.status,
      headers: { 'Content-Type': 'application/json', ...next.headers },
    });
  };
  return { fetchMock, requests };
}

export function apiError(status: number, code: string, message: string, details: unknown[] = []) {
  return { status, body: { error: { code, message, details } } };
}

type Canned = { status: number; body?: unknown; headers?: Record<string, string> };

// A fetch that answers by path, for screens that load several resources at once in no
// fixed order. A route given with its query string (a page of a paged list) answers only
// that URL; one without answers its path whatever the query. A key without a method
// answers GET only; other methods are keyed 'PUT /api/v1/...'. Anything else is unexpected.
export function routedFetch(routes: Record<string, Canned>) {
  return async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = url.split('?')[0];
    const prefix = method === 'GET' ? '' : `${method} `;
    const canned = routes[prefix + url] ?? routes[prefix + path];
    if (!canned) throw unexpectedRequest(method, url);
    return new Response(canned.body === undefined ? null : JSON.stringify(canned.body), {
      status: canned.status,
      headers: { 'Content-Type': 'application/json', ...canned.headers },
    });
  };
}
