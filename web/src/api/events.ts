import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';

// The live event stream (/api/v1/events, docs/api/openapi.yaml): one WebSocket per
// organization, shared by every screen that listens, so ten columns and the inbox cost one
// connection. The server sends {"type":"hello","last_event_id":N} first (N: the newest event
// it has), then {"id":N,"type":"...","data":{...}}; a reconnect asks for what it missed with
// last_event_id, and only a reconnect gets past events again. Close codes: 1008 the session or the membership is gone (never retried),
// 1013 this client fell behind, 1001 the server is shutting down (both retried).
export interface LiveEvent {
  id: number;
  type: string;
  data: Record<string, unknown>;
}

// connecting: the first attempt; open: the server said hello; reconnecting: waiting for the
// next attempt (or for the tab to be shown again); ended: the server refused us (1008).
export type LiveStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'ended';

type Listener = (event: LiveEvent) => void;

export const closePolicyViolation = 1008;

// Backoff between attempts: doubling from base to cap, each delay drawn in [half, full] so
// that every tab of every user does not come back in the same millisecond after a restart.
export const backoff = { baseMs: 1_000, capMs: 30_000 };

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const full = Math.min(backoff.capMs, backoff.baseMs * 2 ** attempt);
  return Math.round(full / 2 + (full / 2) * random());
}

function eventsUrl(orgId: number, lastEventId: number | null): string {
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams({ org: String(orgId) });
  if (lastEventId !== null) query.set('last_event_id', String(lastEventId));
  return `${protocol}//${window.location.host}/api/v1/events?${query}`;
}

class LiveConnection {
  private socket: WebSocket | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly statusListeners = new Set<() => void>();
  private lastEventId: number | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private waitingForVisible = false;
  private everOpened = false;
  status: LiveStatus = 'idle';

  constructor(private readonly orgId: number) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.status === 'idle') this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  watchStatus(callback: () => void): () => void {
    this.statusListeners.add(callback);
    return () => this.statusListeners.delete(callback);
  }

  send(message: unknown): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private setStatus(status: LiveStatus) {
    if (this.status === status) return;
    this.status = status;
    for (const callback of this.statusListeners) callback();
  }

  private connect() {
    this.timer = null;
    this.setStatus(this.everOpened ? 'reconnecting' : 'connecting');
    const socket = new WebSocket(eventsUrl(this.orgId, this.lastEventId));
    this.socket = socket;
    socket.onmessage = (message) => {
      if (this.socket !== socket) return;
      let parsed: { id?: unknown; type?: unknown; data?: unknown; last_event_id?: unknown };
      try {
        parsed = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (parsed.type === 'hello') {
        // The server's newest event: a first connection resumes from there. A resume keeps its
        // own point (what came after it is replayed next), unless the server is behind it — a
        // restart or another process, whose ids start again: its events would all look old.
        const newest = typeof parsed.last_event_id === 'number' ? parsed.last_event_id : null;
        if (newest !== null && (this.lastEventId === null || newest < this.lastEventId)) this.lastEventId = newest;
        const resumed = this.everOpened;
        this.everOpened = true;
        this.attempt = 0;
        this.setStatus('open');
        // Whatever the server no longer had in its history is fetched again.
        if (resumed) this.dispatch({ id: this.lastEventId ?? 0, type: 'resumed', data: {} });
        return;
      }
      if (typeof parsed.type !== 'string') return;
      const id = typeof parsed.id === 'number' ? parsed.id : 0;
      if (id > 0) {
        if (this.lastEventId !== null && id <= this.lastEventId) return; // replayed twice
        this.lastEventId = id;
      }
      const data = parsed.data && typeof parsed.data === 'object' ? (parsed.data as Record<string, unknown>) : {};
      this.dispatch({ id, type: parsed.type, data });
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === closePolicyViolation) {
        this.setStatus('ended');
        this.dispatch({ id: 0, type: 'ended', data: { reason: event.reason } });
        return;
      }
      this.scheduleReconnect();
    };
  }

  private dispatch(event: LiveEvent) {
    for (const listener of [...this.listeners]) listener(event);
  }

  private scheduleReconnect() {
    this.setStatus('reconnecting');
    // A hidden tab does not hammer the server: it comes back when it is shown again.
    if (typeof document !== 'undefined' && document.hidden) {
      this.waitingForVisible = true;
      document.addEventListener('visibilitychange', this.onVisible);
      return;
    }
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private readonly onVisible = () => {
    if (document.hidden || !this.waitingForVisible) return;
    this.waitingForVisible = false;
    document.removeEventListener('visibilitychange', this.onVisible);
    this.connect();
  };

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.waitingForVisible) document.removeEventListener('visibilitychange', this.onVisible);
    this.waitingForVisible = false;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.close(1000);
    this.setStatus('idle');
  }
}

const connections = new Map<number, LiveConnection>();

function connection(orgId: number): LiveConnection {
  let existing = connections.get(orgId);
  if (!existing) {
    existing = new LiveConnection(orgId);
    connections.set(orgId, existing);
  }
  return existing;
}

// Listens to the organization's events while mounted. The first listener opens the socket,
// the last one to leave closes it.
export function subscribeLive(orgId: number, listener: Listener): () => void {
  return connection(orgId).subscribe(listener);
}

export function useLiveEvents(orgId: number | null, onEvent: Listener) {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => {
    if (orgId === null || !Number.isFinite(orgId)) return undefined;
    return subscribeLive(orgId, (event) => latest.current(event));
  }, [orgId]);
}

export function liveStatus(orgId: number): LiveStatus {
  return connections.get(orgId)?.status ?? 'idle';
}

export function useLiveStatus(orgId: number | null): LiveStatus {
  const watch = useCallback(
    (callback: () => void) => (orgId === null ? () => {} : connection(orgId).watchStatus(callback)),
    [orgId],
  );
  return useSyncExternalStore(watch, () => (orgId === null ? 'idle' : liveStatus(orgId)));
}

export type PresenceState = 'viewing' | 'replying' | 'left';

// Tells the others who works on an inbox item. Best effort: nothing is sent while the
// socket is down, and a server that ignores presence ignores it.
export function sendPresence(orgId: number, itemId: number, state: PresenceState): void {
  connections.get(orgId)?.send({ type: 'presence', item_id: itemId, state });
}

// The server forgets a presence that is not said again within a minute (it tells the others
// "left"): while an item stays open, its presence is said again this often.
export const presenceRefreshMs = 25_000;
// Another user's presence that is not said again within this long is dropped (the server's
// TTL, ADR 0028): the process that relayed it may have died without telling "left".
export const presenceTtlMs = 60_000;

// Says `state` on the item now and again every presenceRefreshMs until the returned stop.
export function keepPresence(orgId: number, itemId: number, state: Exclude<PresenceState, 'left'>): () => void {
  sendPresence(orgId, itemId, state);
  const timer = setInterval(() => sendPresence(orgId, itemId, state), presenceRefreshMs);
  return () => clearInterval(timer);
}

// For the tests: every connection closed and forgotten.
export function resetLiveConnections(): void {
  for (const existing of [...connections.values()]) existing.stop();
  connections.clear();
}
