import { useInfiniteQuery, useQueries, useQuery, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Team } from './types';

// The shapes of the streams API (docs/api/openapi.yaml, streams; services/streams.hpp's
// StreamView, ColumnView and stream_item_json) and their queries, in one file so that a
// field renamed on the server is renamed here only.
export interface Stream {
  id: number;
  team_id: number;
  name: string;
  query: string; // the search-box syntax, in the server's canonical form
  active: boolean; // false: paused, nothing new is collected
  retention_items?: number;
  created_at?: string;
  updated_at?: string;
}

export interface StreamItem {
  id: number;
  stream_id: number;
  uri: string;
  cid?: string;
  author_did: string;
  author_handle: string | null; // null until the server has resolved the author's DID
  text: string;
  created_at: string; // when the post says it was written
  received_at: string;
}

// 1 narrow, 2 normal, 3 wide (the server's column_width_min..max).
export type ColumnWidth = 1 | 2 | 3;
export const columnWidths: { value: ColumnWidth; label: string }[] = [
  { value: 1, label: 'Narrow' },
  { value: 2, label: 'Normal' },
  { value: 3, label: 'Wide' },
];

export interface Column {
  stream_id: number;
  width: ColumnWidth;
}

// A column as GET/PUT /columns answer it: with its stream, or its stream's id.
interface ColumnAnswer {
  stream_id?: number;
  stream?: { id?: number; stream_id?: number };
  position?: number;
  width?: number;
}

function toColumn(answer: ColumnAnswer): Column | null {
  const id = answer.stream_id ?? answer.stream?.id ?? answer.stream?.stream_id;
  if (typeof id !== 'number') return null;
  const width = answer.width === 1 || answer.width === 3 ? answer.width : 2;
  return { stream_id: id, width };
}

export interface StreamBody {
  name: string;
  query: string;
  active: boolean;
}

interface ItemsPage {
  items: StreamItem[];
  next_cursor: string | null;
}

export const streamKeys = {
  all: (orgId: number) => ['orgs', orgId, 'streams'] as const,
  teams: (orgId: number) => ['orgs', orgId, 'streams', 'team'] as const,
  team: (orgId: number, teamId: number) => ['orgs', orgId, 'streams', 'team', teamId] as const,
  items: (orgId: number, streamId: number) => ['orgs', orgId, 'streams', 'items', streamId] as const,
  columns: (orgId: number) => ['orgs', orgId, 'columns'] as const,
};

// What a column keeps and draws: newer items push the oldest out. 200 is what the
// dashboard is measured with (docs/PERFORMANCE.md).
export const columnItemsMax = 200;
const itemsPageSize = 50;

// Every stream of every team the caller sees (members: their teams; owners and admins:
// all), with the team it belongs to.
export function useVisibleStreams(orgId: number, teams: Team[]) {
  return useQueries({
    queries: teams.map((team) => ({
      queryKey: streamKeys.team(orgId, team.id),
      queryFn: () => api<{ streams: Stream[] }>(`/orgs/${orgId}/teams/${team.id}/streams`).then((r) => r.streams),
    })),
    combine: (results) => ({
      streams: results.flatMap((result) => result.data ?? []),
      pending: results.some((result) => result.isPending),
      error: results.find((result) => result.error)?.error ?? null,
    }),
  });
}

export function useColumns(orgId: number) {
  return useQuery({
    queryKey: streamKeys.columns(orgId),
    queryFn: () =>
      api<{ columns: ColumnAnswer[] }>(`/orgs/${orgId}/columns`).then((r) =>
        r.columns.map(toColumn).filter((column): column is Column => column !== null)),
  });
}

// The whole arrangement, in order (the server numbers the positions).
export function saveColumns(orgId: number, columns: Column[]) {
  return api<unknown>(`/orgs/${orgId}/columns`, { method: 'PUT', json: { columns } });
}

export function useStreamItems(orgId: number, streamId: number) {
  return useInfiniteQuery({
    queryKey: streamKeys.items(orgId, streamId),
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      api<ItemsPage>(
        `/orgs/${orgId}/streams/${streamId}/items?limit=${itemsPageSize}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    // Live events keep a column current; a refetch would only reorder what is on screen.
    staleTime: Infinity,
    // Items never change: each keeps its object from page to page, so a row that is already
    // drawn is not drawn again (structural sharing compares by index, and a new item on top
    // shifts every index, which would copy every item).
    structuralSharing: false,
  });
}

// A live stream.item: put on top of its column's first page, once. A column not on screen
// has no cache entry and is left alone (it loads fresh when shown).
export function addLiveStreamItem(queryClient: QueryClient, orgId: number, item: StreamItem) {
  queryClient.setQueryData<InfiniteData<ItemsPage, string>>(streamKeys.items(orgId, item.stream_id), (data) => {
    if (!data || data.pages.length === 0) return data;
    if (data.pages.some((page) => page.items.some((existing) => existing.id === item.id))) return data;
    const [first, ...rest] = data.pages;
    const items = [item, ...first.items];
    // The oldest items beyond what a column draws are dropped from the first page only
    // when no older page is loaded; otherwise the pages keep their cursors intact.
    if (rest.length === 0 && items.length > columnItemsMax) items.length = columnItemsMax;
    return { ...data, pages: [{ ...first, items }, ...rest] };
  });
}

// What the stream.item event carries: the item itself, or {stream_id, item}.
export function streamItemOfEvent(data: Record<string, unknown>): StreamItem | null {
  const candidate = (data.item && typeof data.item === 'object' ? { stream_id: data.stream_id, ...data.item } : data) as Partial<StreamItem>;
  if (typeof candidate.id !== 'number' || typeof candidate.stream_id !== 'number') return null;
  return candidate as StreamItem;
}

// The syntax of a stream's query, for the help next to the field (domain/stream_query.hpp).
export const querySyntax: { example: string; meaning: string }[] = [
  { example: 'roost', meaning: 'a word' },
  { example: 'roost OR nest', meaning: 'either word (OR is optional)' },
  { example: '"shared inbox"', meaning: 'an exact phrase' },
  { example: '#roost', meaning: 'a hashtag' },
  { example: '@alice.test', meaning: 'a mention of a handle or DID' },
  { example: 'from:bob.test', meaning: 'posts by this author' },
  { example: '-spam  -"buy now"', meaning: 'leave out a word or phrase' },
  { example: 'lang:fr', meaning: 'in this language' },
];
