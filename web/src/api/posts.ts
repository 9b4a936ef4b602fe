import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Profile, ProfileLevel } from './types';

// The shapes of docs/api/openapi.yaml's posts and calendar, and their queries. Kept apart
// from queries.ts so that publishing grows in its own file.
export type PostState =
  | 'draft'
  | 'pending_approval'
  | 'approved'
  | 'rejected'
  | 'scheduled'
  | 'publishing'
  | 'published'
  | 'failed'
  | 'cancelled'
  | 'expired';

export type TargetState = 'pending' | 'publishing' | 'published' | 'failed' | 'cancelled';

export interface Approval {
  decision: 'approved' | 'rejected';
  approver_id?: number | null;
  approver_user_id?: number | null;
  comment: string;
  decided_at: string;
}

export interface CalendarTarget {
  profile_id: number;
  handle: string | null;
  network: string | null;
  text: string | null;
  state: TargetState;
  approval: Approval | null;
  published_uri: string | null;
  published_at: string | null;
  last_error: string | null;
}

export interface CalendarPost {
  id: number;
  state: PostState;
  kind: string;
  text: string;
  langs: string[];
  author: { id: number; display_name: string | null; email: string | null } | null;
  schedule: {
    at: string | null;
    time_zone: string | null;
    local_time: string | null;
    requested_local_time?: string | null;
    wall_time_rule?: string | null;
  };
  calendar_at: string;
  targets: CalendarTarget[];
  image_count: number;
  created_at: string;
  updated_at: string;
}

// The answer of createPost and the state changes: only what the screens read of it.
export interface Post {
  id: number;
  state: PostState;
  text: string;
  schedule: { at: string | null; time_zone: string; local_time: string; wall_time: string; wall_time_rule: string } | null;
  targets: { profile_id: number; handle: string; state: TargetState; last_error: string }[];
  duplicates: { post_id: number; state: string; at: string }[];
}

export type WhenMode = 'now' | 'schedule' | 'draft';

export interface ComposeBody {
  text: string;
  targets: { profile_id: number; text?: string | null }[];
  langs?: string[];
  images?: { data: string; alt: string }[];
  when: { mode: WhenMode; local_time?: string; time_zone?: string };
  confirm_profiles?: number[];
  allow_duplicate?: boolean;
}

export const postKeys = {
  all: (orgId: number) => ['orgs', orgId, 'posts'] as const,
  range: (orgId: number, query: string) => ['orgs', orgId, 'posts', query] as const,
};

// Bluesky counts graphemes (what a reader sees as one character: an emoji with its
// modifiers, a letter with its accents), not UTF-16 units.
export const blueskyGraphemeLimit = 300;
const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

export function graphemeCount(text: string): number {
  if (!segmenter) return [...text].length;
  let count = 0;
  for (const _ of segmenter.segment(text)) count += 1;
  return count;
}

const levelRank: Record<ProfileLevel, number> = { viewer: 0, limited: 1, publisher: 2, manager: 3 };

export function levelAtLeast(level: ProfileLevel | undefined, wanted: ProfileLevel): boolean {
  return level !== undefined && levelRank[level] >= levelRank[wanted];
}

// Composing needs limited; publishing directly (and approving others) needs publisher.
export function canCompose(profile: Profile): boolean {
  return levelAtLeast(profile.my_level, 'limited');
}
export function canPublish(profile: Profile): boolean {
  return levelAtLeast(profile.my_level, 'publisher');
}

export interface CalendarFilter {
  from: string;
  until: string;
  states?: PostState[];
  profile?: number | null;
  team?: number | null;
}

// The listing's query string, shared with the CSV and iCalendar exports.
export function calendarQuery(filter: CalendarFilter): URLSearchParams {
  const query = new URLSearchParams({ from: filter.from, until: filter.until });
  if (filter.states?.length) query.set('state', filter.states.join(','));
  if (filter.profile) query.set('profile', String(filter.profile));
  if (filter.team) query.set('team', String(filter.team));
  return query;
}

// The calendar listing: every page of [from, until), filtered.
export function useCalendarPosts(orgId: number, filter: CalendarFilter) {
  const base = calendarQuery(filter).toString();
  return useQuery({
    queryKey: postKeys.range(orgId, base),
    queryFn: async () => {
      const posts: CalendarPost[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const query = new URLSearchParams(base);
        query.set('limit', '500');
        if (cursor) query.set('cursor', cursor);
        const page: { posts: CalendarPost[]; next_cursor: string | null } = await api(`/orgs/${orgId}/posts?${query}`);
        posts.push(...page.posts);
        cursor = page.next_cursor;
      }
      return posts;
    },
  });
}

// A web link for an at:// URI of a Bluesky post: at://did/app.bsky.feed.post/rkey.
export function blueskyPostUrl(uri: string): string | null {
  const match = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri);
  return match ? `https://bsky.app/profile/${match[1]}/post/${match[2]}` : null;
}

export const stateLabels: Record<PostState, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  pending_approval: { label: 'Pending approval', color: 'yellow' },
  approved: { label: 'Approved', color: 'teal' },
  rejected: { label: 'Rejected', color: 'red' },
  scheduled: { label: 'Scheduled', color: 'blue' },
  publishing: { label: 'Publishing', color: 'blue' },
  published: { label: 'Published', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'gray' },
  expired: { label: 'Expired', color: 'orange' },
};
