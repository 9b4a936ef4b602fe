import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket } from '../test/fakeSocket';
import { backoff, backoffDelay, keepPresence, liveStatus, presenceRefreshMs, sendPresence, subscribeLive, type LiveEvent } from './events';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
});

function listen(orgId = 7) {
  const events: LiveEvent[] = [];
  const stop = subscribeLive(orgId, (event) => events.push(event));
  return { events, stop };
}

describe('live events', () => {
  it('opens one socket per organization, shared by its listeners, and closes it with the last', () => {
    const a = listen();
    const b = listen();
    expect(FakeWebSocket.instances).toHaveLength(1);
    const socket = FakeWebSocket.latest();
    expect(socket.url).toBe('ws://localhost:3000/api/v1/events?org=7');
    socket.open(40);
    expect(liveStatus(7)).toBe('open');
    socket.receive({ id: 41, type: 'stream.item', data: { stream_id: 2 } });
    expect(a.events).toEqual([{ id: 41, type: 'stream.item', data: { stream_id: 2 } }]);
    expect(b.events).toHaveLength(1);
    a.stop();
    expect(socket.readyState).toBe(FakeWebSocket.OPEN);
    b.stop();
    expect(socket.readyState).toBe(FakeWebSocket.CLOSED);
  });

  it('reconnects after a close with growing delays, resumes from the last event, and skips a replayed one', () => {
    const { events } = listen();
    const first = FakeWebSocket.latest();
    first.open(10);
    first.receive({ id: 11, type: 'inbox.item', data: {} });
    first.serverClose(1013);
    expect(liveStatus(7)).toBe('reconnecting');
    vi.advanceTimersByTime(backoff.baseMs);
    expect(FakeWebSocket.instances).toHaveLength(2);
    const second = FakeWebSocket.latest();
    expect(second.url).toContain('last_event_id=11');
    second.serverClose(1006); // never opened: the next delay doubles
    vi.advanceTimersByTime(backoff.baseMs);
    expect(FakeWebSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(backoff.baseMs);
    expect(FakeWebSocket.instances).toHaveLength(3);
    const third = FakeWebSocket.latest();
    third.open(11);
    third.receive({ id: 11, type: 'inbox.item', data: {} });
    third.receive({ id: 12, type: 'inbox.item', data: {} });
    expect(events.map((event) => `${event.type}:${event.id}`)).toEqual(['inbox.item:11', 'resumed:11', 'inbox.item:12']);
  });

  it('resumes from the newest event the server said hello with, and follows a server whose ids started again', () => {
    const { events } = listen();
    const first = FakeWebSocket.latest();
    first.open(25); // the server's newest event: nothing before it is asked for again
    first.serverClose(1001);
    vi.advanceTimersByTime(backoff.baseMs);
    const second = FakeWebSocket.latest();
    expect(second.url).toContain('last_event_id=25');
    // A restarted server is at 3: its next events are new, not replays of ours.
    second.open(3);
    second.receive({ id: 4, type: 'inbox.item', data: {} });
    expect(events.map((event) => `${event.type}:${event.id}`)).toEqual(['resumed:3', 'inbox.item:4']);
    second.serverClose(1001);
    vi.advanceTimersByTime(backoff.baseMs);
    expect(FakeWebSocket.latest().url).toContain('last_event_id=4');
  });

  it('stops on 1008 and says the session ended', () => {
    const { events } = listen();
    const socket = FakeWebSocket.latest();
    socket.open();
    socket.serverClose(1008, 'session ended');
    expect(liveStatus(7)).toBe('ended');
    expect(events.at(-1)?.type).toBe('ended');
    vi.advanceTimersByTime(backoff.capMs * 4);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('waits for a hidden tab to be shown before reconnecting', () => {
    listen();
    FakeWebSocket.latest().open();
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    FakeWebSocket.latest().serverClose(1001);
    vi.advanceTimersByTime(backoff.capMs * 4);
    expect(FakeWebSocket.instances).toHaveLength(1);
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
    document.dispatchEvent(new Event('visibilitychange'));
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('caps the delay and draws it between half and all of it', () => {
    expect(backoffDelay(0, () => 0)).toBe(backoff.baseMs / 2);
    expect(backoffDelay(1, () => 1)).toBe(backoff.baseMs * 2);
    expect(backoffDelay(30, () => 1)).toBe(backoff.capMs);
  });

  it('sends presence only on an open socket', () => {
    listen();
    sendPresence(7, 3, 'viewing'); // still connecting: dropped, no throw
    const socket = FakeWebSocket.latest();
    socket.open();
    sendPresence(7, 3, 'replying');
    expect(socket.sent).toEqual([{ type: 'presence', item_id: 3, state: 'replying' }]);
  });

  it('says a presence again before the server forgets it, until stopped', () => {
    listen();
    const socket = FakeWebSocket.latest();
    socket.open();
    const stop = keepPresence(7, 3, 'viewing');
    expect(socket.sent).toHaveLength(1);
    vi.advanceTimersByTime(presenceRefreshMs * 2);
    expect(socket.sent).toEqual(Array(3).fill({ type: 'presence', item_id: 3, state: 'viewing' }));
    stop();
    vi.advanceTimersByTime(presenceRefreshMs * 2);
    expect(socket.sent).toHaveLength(3);
  });
});
