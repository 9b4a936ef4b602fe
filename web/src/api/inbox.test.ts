import { describe, expect, it } from 'vitest';
import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { applyInboxItem, inboxItemOfEvent, inboxKeys, inboxListHolds, type InboxItem, type InboxPage } from './inbox';

function item(id: number, change: Partial<InboxItem> = {}): InboxItem {
  return {
    id,
    org_id: 7,
    profile_id: 3,
    post: { uri: `at://did:plc:a/app.bsky.feed.post/${id}`, cid: 'bafy' },
    kind: 'mention',
    author_did: 'did:plc:a',
    author_handle: 'a.test',
    text: `item ${id}`,
    post_created_at: '',
    received_at: '',
    reply_root: null,
    reply_parent: null,
    status: 'open',
    team_id: 5,
    assignee_user_id: null,
    priority: 'normal',
    tags: [],
    routed_by_rule_id: null,
    reply_post_id: null,
    updated_at: '',
    ...change,
  };
}

function list(...pages: { ids: number[]; next: string | null }[]): InfiniteData<InboxPage, string> {
  return {
    pages: pages.map((page) => ({ items: page.ids.map((id) => item(id)), next_cursor: page.next })),
    pageParams: pages.map((_, index) => (index === 0 ? '' : `c${index}`)),
  };
}

function ids(client: QueryClient, query: string): number[][] {
  const data = client.getQueryData<InfiniteData<InboxPage, string>>(inboxKeys.list(7, query));
  return data!.pages.map((page) => page.items.map((one) => one.id));
}

describe('inboxListHolds', () => {
  it('applies every filter the list takes', () => {
    const one = item(1, { status: 'pending', kind: 'reply', profile_id: 3, team_id: 5, tags: ['vip'], assignee_user_id: 9 });
    expect(inboxListHolds('', one)).toBe(true);
    expect(inboxListHolds('status=pending&kind=reply&profile=3&team=5&tag=vip&assignee=9', one)).toBe(true);
    expect(inboxListHolds('status=open', one)).toBe(false);
    expect(inboxListHolds('kind=mention', one)).toBe(false);
    expect(inboxListHolds('profile=4', one)).toBe(false);
    expect(inboxListHolds('team=6', one)).toBe(false);
    expect(inboxListHolds('tag=other', one)).toBe(false);
    expect(inboxListHolds('assignee=8', one)).toBe(false);
    expect(inboxListHolds('assignee=none', one)).toBe(false);
    expect(inboxListHolds('assignee=none', item(2))).toBe(true);
    expect(inboxListHolds('team=5', item(3, { team_id: null }))).toBe(false);
  });
});

describe('applyInboxItem', () => {
  it('replaces an item where it is and updates its own query, fetching nothing', () => {
    const client = new QueryClient();
    client.setQueryData(inboxKeys.list(7, ''), list({ ids: [9, 8, 7], next: null }));
    client.setQueryData(inboxKeys.item(7, 8), item(8));
    applyInboxItem(client, 7, item(8, { text: 'changed', priority: 'high' }));
    const page = client.getQueryData<InfiniteData<InboxPage, string>>(inboxKeys.list(7, ''))!.pages[0];
    expect(page.items.map((one) => one.id)).toEqual([9, 8, 7]);
    expect(page.items[1].priority).toBe('high');
    expect(client.getQueryData<InboxItem>(inboxKeys.item(7, 8))!.text).toBe('changed');
    expect(client.getQueryState(inboxKeys.list(7, ''))!.isInvalidated).toBe(false);
  });

  it('drops an item from a list whose filter no longer holds it', () => {
    const client = new QueryClient();
    client.setQueryData(inboxKeys.list(7, 'status=open'), list({ ids: [9, 8], next: 'c' }, { ids: [7], next: null }));
    client.setQueryData(inboxKeys.list(7, ''), list({ ids: [9, 8, 7], next: null }));
    applyInboxItem(client, 7, item(7, { status: 'resolved' }));
    expect(ids(client, 'status=open')).toEqual([[9, 8], []]);
    expect(ids(client, '')).toEqual([[9, 8, 7]]);
  });

  it('puts a new item on top and one that now matches in its place by id', () => {
    const client = new QueryClient();
    client.setQueryData(inboxKeys.list(7, 'status=open'), list({ ids: [9, 6], next: 'c' }, { ids: [4, 2], next: null }));
    applyInboxItem(client, 7, item(12));
    applyInboxItem(client, 7, item(7));
    applyInboxItem(client, 7, item(3));
    expect(ids(client, 'status=open')).toEqual([[12, 9, 7, 6], [4, 3, 2]]);
  });

  it('leaves an item older than every page loaded to the next page', () => {
    const client = new QueryClient();
    client.setQueryData(inboxKeys.list(7, ''), list({ ids: [9, 8], next: 'c' }));
    applyInboxItem(client, 7, item(2));
    expect(ids(client, '')).toEqual([[9, 8]]);
  });

  it('appends an older item to the last page when no page follows', () => {
    const client = new QueryClient();
    client.setQueryData(inboxKeys.list(7, ''), list({ ids: [9, 8], next: null }));
    applyInboxItem(client, 7, item(2));
    expect(ids(client, '')).toEqual([[9, 8, 2]]);
  });

  it("touches neither another organization's lists nor a list that does not hold the item", () => {
    const client = new QueryClient();
    client.setQueryData(['orgs', 8, 'inbox', 'list', ''], list({ ids: [9], next: null }));
    client.setQueryData(inboxKeys.list(7, 'team=6'), list({ ids: [9], next: null }));
    applyInboxItem(client, 7, item(10));
    expect(client.getQueryData<InfiniteData<InboxPage, string>>(['orgs', 8, 'inbox', 'list', ''])!.pages[0].items.map((one) => one.id)).toEqual([9]);
    expect(ids(client, 'team=6')).toEqual([[9]]);
  });
});

describe('inboxItemOfEvent', () => {
  it('takes an item and refuses what is not one', () => {
    expect(inboxItemOfEvent(item(4) as unknown as Record<string, unknown>)?.id).toBe(4);
    expect(inboxItemOfEvent({ id: 4 })).toBeNull();
    expect(inboxItemOfEvent({ item_id: 4, state: 'viewing' })).toBeNull();
  });
});
