import { useInfiniteQuery, useQuery, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { api } from './client';

// The shapes of the inbox, routing rules and reply templates (docs/api/openapi.yaml, inbox
// and templates; services/inbox.cpp's inbox_item_json) and their queries, in one file so
// that a renamed field is renamed here only.
export type InboxStatus = 'open' | 'pending' | 'resolved';
export type InboxKind = 'mention' | 'reply' | 'quote';
export type InboxPriority = 'low' | 'normal' | 'high' | 'urgent';

export const inboxStatuses: InboxStatus[] = ['open', 'pending', 'resolved'];
export const inboxKinds: InboxKind[] = ['mention', 'reply', 'quote'];
export const inboxPriorities: InboxPriority[] = ['low', 'normal', 'high', 'urgent'];

export interface RecordRef {
  uri: string;
  cid: string;
}

export interface InboxItem {
  id: number;
  org_id: number;
  profile_id: number;
  post: RecordRef;
  kind: InboxKind;
  author_did: string;
  author_handle: string | null; // null until the server has resolved the author's DID
  text: string;
  post_created_at: string;
  received_at: string;
  reply_root: RecordRef | null;
  reply_parent: RecordRef | null;
  status: InboxStatus;
  team_id: number | null;
  assignee_user_id: number | null;
  priority: InboxPriority;
  tags: string[];
  routed_by_rule_id: number | null;
  reply_post_id: number | null;
  updated_at: string;
}

export interface InboxNote {
  id: number;
  item_id: number;
  author_user_id: number | null;
  author_name: string;
  body: string;
  created_at: string;
}

export interface InboxFilter {
  status?: InboxStatus | null;
  profile?: number | null;
  team?: number | null;
  assignee?: string | null; // a user id, or "none"
  tag?: string | null;
  kind?: InboxKind | null;
}

// What PATCH /inbox/{id} takes: only the fields that change.
export interface InboxChange {
  status?: InboxStatus;
  team_id?: number | null;
  assignee_user_id?: number | null;
  tags?: string[];
  priority?: InboxPriority;
}

// Either the text or a template (the server renders it for the item), never both.
export interface InboxReplyBody {
  text?: string;
  template_id?: number;
  confirm_profiles?: number[];
}

export interface Template {
  id: number;
  team_id: number;
  name: string;
  body: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

// A routing rule: conditions (keywords, regex, author, profile_id) all hold when set; the
// actions (assign_team_id, tags, priority) apply. Rules run in `position` order.
export interface InboxRule {
  id: number;
  position: number;
  name: string;
  keywords: string[];
  regex: string;
  author: string; // as typed: a DID, or a handle without '@'
  // The DID the rule routes by (a handle is resolved when the rule is saved); null without an
  // author, or for an older rule's handle the server has not resolved yet.
  author_did: string | null;
  profile_id: number | null;
  assign_team_id: number | null;
  tags: string[];
  priority: InboxPriority | null;
  created_at: string;
  updated_at: string;
}

export type InboxRuleBody = Pick<InboxRule, 'name' | 'keywords' | 'regex' | 'author' | 'profile_id' | 'assign_team_id' | 'tags' | 'priority'> & {
  position?: number;
};

export const templateBodyMax = 2_000;
// The server's placeholders (domain/reply_template.hpp); handles go in without '@', the
// template says where one goes.
export const templatePlaceholders = [
  { name: '{author_handle}', meaning: "the author's handle" },
  { name: '{profile_handle}', meaning: 'the handle you reply as' },
  { name: '{profile_display_name}', meaning: "that profile's display name" },
  { name: '{member_name}', meaning: 'your name' },
] as const;

export interface TemplateValues {
  author_handle: string;
  profile_handle: string;
  profile_display_name: string;
  member_name: string;
}

export const inboxKeys = {
  all: (orgId: number) => ['orgs', orgId, 'inbox'] as const,
  list: (orgId: number, query: string) => ['orgs', orgId, 'inbox', 'list', query] as const,
  item: (orgId: number, id: number) => ['orgs', orgId, 'inbox', 'item', id] as const,
  notes: (orgId: number, id: number) => ['orgs', orgId, 'inbox', 'item', id, 'notes'] as const,
  rules: (orgId: number) => ['orgs', orgId, 'inbox-rules'] as const,
  templates: (orgId: number, teamId: number) => ['orgs', orgId, 'templates', teamId] as const,
};

export function inboxQuery(filter: InboxFilter): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    if (value !== null && value !== undefined && value !== '') query.set(name, String(value));
  }
  return query.toString();
}

export interface InboxPage {
  items: InboxItem[];
  next_cursor: number | string | null;
}

// Whether the list `query` (inboxQuery's text) holds `item`: the server's filters, each an
// equality (inbox_repository's list).
export function inboxListHolds(query: string, item: InboxItem): boolean {
  const filter = new URLSearchParams(query);
  const number = (name: string) => Number(filter.get(name));
  if (filter.has('status') && item.status !== filter.get('status')) return false;
  if (filter.has('kind') && item.kind !== filter.get('kind')) return false;
  if (filter.has('profile') && item.profile_id !== number('profile')) return false;
  if (filter.has('team') && item.team_id !== number('team')) return false;
  if (filter.has('tag') && !item.tags.includes(filter.get('tag') ?? '')) return false;
  if (filter.has('assignee')) {
    const assignee = filter.get('assignee');
    if (assignee === 'none' ? item.assignee_user_id !== null : item.assignee_user_id !== Number(assignee)) return false;
  }
  return true;
}

// An item as it is now (a live event, or what PATCH answered) into every cached list and its
// own query, without fetching anything: replaced where it is, dropped from a list whose
// filter no longer holds it, put in its place (lists run newest id first) in one that now
// does; a place past the pages loaded comes with the next page.
// The item an `inbox.item` event carries (services/inbox.cpp: the item's JSON, as the REST
// API answers it), or null when the payload is not one.
export function inboxItemOfEvent(data: Record<string, unknown>): InboxItem | null {
  const candidate = data as Partial<InboxItem>;
  if (typeof candidate.id !== 'number' || typeof candidate.status !== 'string' || !Array.isArray(candidate.tags)) return null;
  return candidate as InboxItem;
}

export function applyInboxItem(queryClient: QueryClient, orgId: number, item: InboxItem) {
  if (queryClient.getQueryData(inboxKeys.item(orgId, item.id)) !== undefined) {
    queryClient.setQueryData(inboxKeys.item(orgId, item.id), item);
  }
  const lists = queryClient.getQueriesData<InfiniteData<InboxPage, string>>({ queryKey: [...inboxKeys.all(orgId), 'list'] });
  for (const [key, data] of lists) {
    if (!data) continue;
    const holds = inboxListHolds(String(key[4] ?? ''), item);
    let placed = false;
    let pages = data.pages.map((page) => {
      const at = page.items.findIndex((other) => other.id === item.id);
      if (at < 0) return page;
      placed = true;
      const items = [...page.items];
      if (holds) items[at] = item;
      else items.splice(at, 1);
      return { ...page, items };
    });
    if (!placed && holds) {
      // Newest first: before the first item with a lower id. Past the last page loaded, the
      // item comes with the next page, or, when there is none, it goes at the end.
      const last = pages.length - 1;
      pages = pages.map((page, index) => {
        if (placed) return page;
        const at = page.items.findIndex((other) => other.id < item.id);
        if (at < 0 && !(index === last && page.next_cursor === null)) return page;
        placed = true;
        const items = [...page.items];
        items.splice(at < 0 ? items.length : at, 0, item);
        return { ...page, items };
      });
    }
    queryClient.setQueryData(key, { ...data, pages });
  }
}

export function useInbox(orgId: number, filter: InboxFilter) {
  const base = inboxQuery(filter);
  return useInfiniteQuery({
    queryKey: inboxKeys.list(orgId, base),
    initialPageParam: '',
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams(base);
      query.set('limit', '50');
      if (pageParam) query.set('cursor', pageParam);
      return api<InboxPage>(`/orgs/${orgId}/inbox?${query}`);
    },
    getNextPageParam: (page) => (page.next_cursor === null ? undefined : String(page.next_cursor)),
  });
}

export function useInboxItem(orgId: number, id: number | null) {
  return useQuery({
    queryKey: inboxKeys.item(orgId, id ?? 0),
    enabled: id !== null,
    queryFn: () => api<InboxItem>(`/orgs/${orgId}/inbox/${id}`),
  });
}

export function useInboxNotes(orgId: number, id: number) {
  return useQuery({
    queryKey: inboxKeys.notes(orgId, id),
    queryFn: () => api<{ notes: InboxNote[] }>(`/orgs/${orgId}/inbox/${id}/notes`).then((r) => r.notes),
  });
}

export function useTemplates(orgId: number, teamId: number | null) {
  return useQuery({
    queryKey: inboxKeys.templates(orgId, teamId ?? 0),
    enabled: teamId !== null,
    queryFn: () => api<{ templates: Template[] }>(`/orgs/${orgId}/teams/${teamId}/templates`).then((r) => r.templates),
  });
}

export function useInboxRules(orgId: number, enabled: boolean) {
  return useQuery({
    queryKey: inboxKeys.rules(orgId),
    enabled,
    queryFn: () => api<{ rules: InboxRule[] }>(`/orgs/${orgId}/inbox-rules`).then((r) => r.rules),
  });
}

// A template's text as the reply will read: the placeholders filled in.
export function fillTemplate(body: string, values: TemplateValues): string {
  return body.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
    name in values ? values[name as keyof TemplateValues] : whole);
}

// What the reply endpoint answers: {item, post: {id, state, kind, text}}; the post's state
// says whether it went to approval.
export function replyState(answer: unknown): string | null {
  const value = answer as { state?: unknown; post?: { state?: unknown } } | null;
  const state = value?.post?.state ?? value?.state;
  return typeof state === 'string' ? state : null;
}
