import '@testing-library/jest-dom/vitest';
import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';
import { takeUnexpectedRequests, unexpectedRequest } from './render';
import { FakeWebSocket } from './fakeSocket';
import { resetLiveConnections } from '../api/events';

// A test that stubs no fetch reaches this one (vi.unstubAllGlobals restores it too): no
// request leaves a component test unnoticed.
globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  throw unexpectedRequest(init?.method ?? 'GET', String(input));
};

// Live events come from FakeWebSocket, which the tests drive.
globalThis.WebSocket = FakeWebSocket as unknown as typeof WebSocket;

// Unmount first, so that what the screen requested up to its end is counted for this test.
afterEach(() => {
  cleanup();
  resetLiveConnections();
  FakeWebSocket.instances = [];
  const unexpected = takeUnexpectedRequests();
  if (unexpected.length > 0) throw new Error(`requests no test set up: ${unexpected.join(', ')}`);
});
// findBy* waits this long: a loaded machine renders slowly, and a wrong screen still fails.
configure({ asyncUtilTimeout: 5_000 });

// jsdom lacks what Mantine measures with.
window.matchMedia ??= ((query: string) => ({
  matches: false,
  media: query,
  onchange: null,
  addListener: () => {},
  removeListener: () => {},
  addEventListener: () => {},
  removeEventListener: () => {},
  dispatchEvent: () => false,
})) as typeof window.matchMedia;
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;
// Mantine's searchable Select scrolls its selected option into view.
Element.prototype.scrollIntoView ??= function scrollIntoView() {};
