import { unexpectedRequest } from './render';

// A fetch for screens that both read and write: answers by "METHOD /path" first, then by
// path alone (query string ignored); a route may be a list, answered in order, the last one
// repeated. Records every request with its parsed JSON body. An unknown route fails the test.
type Canned = { status: number; body?: unknown; headers?: Record<string, string> };

export interface Recorded {
  method: string;
  url: string;
  path: string;
  body: unknown;
}

export function apiMock(routes: Record<string, Canned | Canned[]>) {
  const requests: Recorded[] = [];
  const served = new Map<string, number>();
  const fetchMock = async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = url.split('?')[0];
    const body = typeof init.body === 'string' && init.body.startsWith('{') ? JSON.parse(init.body) : init.body;
    requests.push({ method, url, path, body });
    const key = `${method} ${path}` in routes ? `${method} ${path}` : path;
    const route = routes[key];
    if (!route || (key === path && method !== 'GET')) throw unexpectedRequest(method, url);
    let canned: Canned;
    if (Array.isArray(route)) {
      const index = served.get(key) ?? 0;
      served.set(key, index + 1);
      canned = route[Math.min(index, route.length - 1)];
    } else {
      canned = route;
    }
    return new Response(canned.body === undefined ? null : JSON.stringify(canned.body), {
      status: canned.status,
      headers: { 'Content-Type': 'application/json', ...canned.headers },
    });
  };
  return { fetchMock, requests, sent: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path) };
}
