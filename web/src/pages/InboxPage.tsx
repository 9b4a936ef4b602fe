import {
  Alert,
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  Loader,
  Modal,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Textarea,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { authorId, authorLabel } from '../api/authors';
import { ApiError, api } from '../api/client';
import { keepPresence, presenceTtlMs, sendPresence, useLiveEvents, useLiveStatus, type PresenceState } from '../api/events';
import { fieldError } from '../api/errors';
import {
  applyInboxItem,
  fillTemplate,
  inboxKeys,
  inboxKinds,
  inboxPriorities,
  inboxStatuses,
  replyState,
  useInbox,
  useInboxItem,
  useInboxNotes,
  type InboxChange,
  type InboxFilter,
  type InboxItem,
  type InboxKind,
  type InboxPriority,
  type InboxReplyBody,
  type InboxStatus,
  type Template,
} from '../api/inbox';
import { blueskyGraphemeLimit, blueskyPostUrl, graphemeCount, levelAtLeast } from '../api/posts';
import { canManageOrg, useAllMembers, useProfiles, useTeams } from '../api/queries';
import { useSession } from '../api/session';
import type { Member, Organization, Profile, Team } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { OrgPage } from '../components/OrgPage';

const statusColors: Record<InboxStatus, string> = { open: 'blue', pending: 'yellow', resolved: 'green' };
const priorityColors: Record<InboxPriority, string> = { low: 'gray', normal: 'blue', high: 'orange', urgent: 'red' };
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

function formatTime(iso: string | undefined): string {
  const date = new Date(iso ?? '');
  return Number.isNaN(date.getTime()) ? '' : timeFormat.format(date);
}

function options<T extends string>(values: T[]) {
  return values.map((value) => ({ value, label: value[0].toUpperCase() + value.slice(1) }));
}

interface Directory {
  org: Organization;
  profiles: Map<number, Profile>;
  teams: Team[];
  members: Member[];
}

function profileHandle(directory: Directory, item: InboxItem): string {
  return directory.profiles.get(item.profile_id)?.handle ?? `profile ${item.profile_id}`;
}

function Filters({ directory, filter, onChange }: { directory: Directory; filter: InboxFilter; onChange: (filter: InboxFilter) => void }) {
  const { user } = useSession();
  const set = (change: InboxFilter) => onChange({ ...filter, ...change });
  // The server takes a user id or "none".
  const me = user ? [{ value: String(user.id), label: 'Me' }] : [];
  return (
    <Group align="flex-end" gap="xs" role="search" aria-label="Filter the inbox">
      <Select label="Status" w={130} data={options(inboxStatuses)} value={filter.status ?? null} placeholder="Any"
        onChange={(value) => set({ status: value as InboxStatus | null })} clearable />
      <Select label="Kind" w={130} data={options(inboxKinds)} value={filter.kind ?? null} placeholder="Any"
        onChange={(value) => set({ kind: value as InboxKind | null })} clearable />
      <Select label="Profile" w={190} placeholder="Any" clearable searchable value={filter.profile ? String(filter.profile) : null}
        data={[...directory.profiles.values()].map((profile) => ({ value: String(profile.id), label: `@${profile.handle}` }))}
        onChange={(value) => set({ profile: value ? Number(value) : null })} />
      <Select label="Team" w={160} placeholder="Any" clearable value={filter.team ? String(filter.team) : null}
        data={directory.teams.map((team) => ({ value: String(team.id), label: team.name }))}
        onChange={(value) => set({ team: value ? Number(value) : null })} />
      <Select label="Assignee" w={180} placeholder="Anyone" clearable searchable value={filter.assignee ?? null}
        data={[...me, { value: 'none', label: 'Nobody' },
          ...directory.members.filter((member) => member.user_id !== user?.id)
            .map((member) => ({ value: String(member.user_id), label: member.display_name }))]}
        onChange={(value) => set({ assignee: value })} />
      <TextInput label="Tag" w={130} value={filter.tag ?? ''} onChange={(event) => set({ tag: event.currentTarget.value.trim() || null })} />
    </Group>
  );
}

function ItemRow({ item, directory, selected, onSelect }: { item: InboxItem; directory: Directory; selected: boolean; onSelect: () => void }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <UnstyledButton ref={ref} onClick={onSelect} aria-current={selected ? 'true' : undefined}
      aria-label={`${item.kind} from ${authorLabel(item)} to @${profileHandle(directory, item)}, ${item.status}`}
      p="xs" style={{
        borderBottom: '1px solid var(--mantine-color-default-border)',
        background: selected ? 'var(--mantine-primary-color-light)' : undefined,
        display: 'block', width: '100%',
      }}>
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text size="sm" fw={600} truncate>
          {authorLabel(item)}
        </Text>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {formatTime(item.received_at)}
        </Text>
      </Group>
      <Text size="sm" lineClamp={2}>
        {item.text}
      </Text>
      <Group gap={4} mt={4}>
        <Badge size="xs" variant="light" color={statusColors[item.status]}>{item.status}</Badge>
        <Badge size="xs" variant="outline">{item.kind}</Badge>
        {item.priority !== 'normal' && <Badge size="xs" color={priorityColors[item.priority]}>{item.priority}</Badge>}
        {item.tags.map((tag) => <Badge key={tag} size="xs" variant="dot">{tag}</Badge>)}
      </Group>
    </UnstyledButton>
  );
}

interface Presence {
  user_id: number;
  display_name: string;
  state: PresenceState;
}

// Who else works on this item, from the server's presence events (if it sends any), and our
// own presence sent while the item is open: viewing, replying while a reply is typed, left.
// Another's presence not refreshed within presenceTtlMs is dropped: refreshes come every
// 25 s, so only a presence whose process died goes quiet that long.
function usePresence(orgId: number, itemId: number, replying: boolean): Presence[] {
  const { user } = useSession();
  const [others, setOthers] = useState<Map<number, Presence>>(new Map());
  const expiries = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const status = useLiveStatus(orgId);
  const forget = (userId: number) => {
    clearTimeout(expiries.current.get(userId));
    expiries.current.delete(userId);
    setOthers((current) => {
      if (!current.has(userId)) return current;
      const next = new Map(current);
      next.delete(userId);
      return next;
    });
  };
  useLiveEvents(orgId, (event) => {
    if (event.type !== 'presence') return;
    const data = event.data as Partial<Presence> & { item_id?: number };
    if (data.item_id !== itemId || typeof data.user_id !== 'number' || data.user_id === user?.id) return;
    const userId = data.user_id;
    if (data.state === 'left') {
      forget(userId);
      return;
    }
    clearTimeout(expiries.current.get(userId));
    expiries.current.set(userId, setTimeout(() => forget(userId), presenceTtlMs));
    setOthers((current) => {
      const next = new Map(current);
      next.set(userId, { user_id: userId, display_name: data.display_name ?? 'Someone', state: data.state ?? 'viewing' });
      return next;
    });
  });
  useEffect(() => {
    setOthers(new Map());
    const timers = expiries.current;
    return () => {
      timers.forEach((timer) => clearTimeout(timer));
      timers.clear();
    };
  }, [itemId]);
  useEffect(() => {
    if (status !== 'open') return undefined;
    return keepPresence(orgId, itemId, replying ? 'replying' : 'viewing');
  }, [orgId, itemId, replying, status]);
  useEffect(() => () => sendPresence(orgId, itemId, 'left'), [orgId, itemId]);
  return [...others.values()];
}

function Notes({ orgId, itemId, canWork }: { orgId: number; itemId: number; canWork: boolean }) {
  const queryClient = useQueryClient();
  const notes = useInboxNotes(orgId, itemId);
  const [body, setBody] = useState('');
  const add = useMutation({
    mutationFn: () => api(`/orgs/${orgId}/inbox/${itemId}/notes`, { method: 'POST', json: { body } }),
    onSuccess: () => {
      setBody('');
      void queryClient.invalidateQueries({ queryKey: inboxKeys.notes(orgId, itemId) });
    },
  });
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">Internal notes</Title>
      {notes.isPending && <Loader size="sm" aria-label="Loading notes" />}
      <ErrorAlert error={notes.error} />
      {notes.data?.length === 0 && <Text size="sm" c="dimmed">No note yet. Notes are seen by your organization only.</Text>}
      {notes.data?.map((note) => (
        <Paper key={note.id} withBorder p="xs" bg="var(--mantine-color-yellow-light)">
          <Text size="xs" c="dimmed">
            {note.author_name || 'A former member'} · {formatTime(note.created_at)}
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{note.body}</Text>
        </Paper>
      ))}
      {canWork && <form onSubmit={(event) => {
        event.preventDefault();
        if (body.trim()) add.mutate();
      }}>
        <Stack gap="xs">
          <Textarea label="New note" autosize minRows={2} value={body} onChange={(event) => setBody(event.currentTarget.value)}
            error={fieldError(add.error, 'body')} />
          <ErrorAlert error={add.error} />
          <Group justify="flex-end">
            <Button type="submit" size="xs" variant="light" disabled={!body.trim()} loading={add.isPending}>Add note</Button>
          </Group>
        </Stack>
      </form>}
    </Stack>
  );
}

// The templates of every team the caller is in (owners and admins: every team). A team
// whose templates the caller may not use (no publisher level on any of its profiles: 403)
// just offers none.
function useTeamTemplates(orgId: number, teams: Team[], enabled: boolean) {
  return useQueries({
    queries: teams.map((team) => ({
      queryKey: inboxKeys.templates(orgId, team.id),
      enabled,
      queryFn: () => api<{ templates: Template[] }>(`/orgs/${orgId}/teams/${team.id}/templates`).then((r) => r.templates),
    })),
    combine: (results) => ({
      templates: results.flatMap((result) => result.data ?? []),
      error: results.find((result) => result.error && !(result.error instanceof ApiError && result.error.status === 403))?.error ?? null,
    }),
  });
}

function ReplyBox({ directory, item, profile, onTyping }: {
  directory: Directory;
  item: InboxItem;
  profile: Profile;
  onTyping: (typing: boolean) => void;
}) {
  const { user } = useSession();
  const queryClient = useQueryClient();
  const orgId = directory.org.id;
  const canPublish = canManageOrg(directory.org) || levelAtLeast(profile.my_level, 'publisher');
  // Templates are for those who publish as a profile (the server's use_templates).
  const templates = useTeamTemplates(orgId, directory.teams, canPublish);
  const [text, setText] = useState('');
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const count = graphemeCount(text);
  const tooLong = count > blueskyGraphemeLimit;
  const values = {
    author_handle: authorId(item),
    profile_handle: profile.handle,
    profile_display_name: profile.display_name || profile.handle,
    member_name: user?.display_name ?? '',
  };
  const reply = useMutation({
    mutationFn: (confirm: boolean) => {
      // The server takes one or the other: the template as chosen (it renders it, and the
      // reply is recorded as the template's), or the text once it was edited.
      const chosenTemplate = templates.templates.find((template) => String(template.id) === templateId);
      const unedited = chosenTemplate !== undefined && fillTemplate(chosenTemplate.body, values) === text;
      const body: InboxReplyBody = unedited ? { template_id: chosenTemplate.id } : { text };
      if (confirm) body.confirm_profiles = [profile.id];
      return api<unknown>(`/orgs/${orgId}/inbox/${item.id}/reply`, { method: 'POST', json: body });
    },
    onSuccess: (answer) => {
      setSent(replyState(answer) === 'pending_approval'
        ? `Reply sent for approval: a publisher of @${profile.handle} approves it before it goes out.`
        : `Reply sent as @${profile.handle}.`);
      setText('');
      setTemplateId(null);
      setConfirming(false);
      onTyping(false);
      void queryClient.invalidateQueries({ queryKey: inboxKeys.all(orgId) });
    },
    onError: () => setConfirming(false),
  });
  const error = reply.error;
  const needsConfirmation = error instanceof ApiError && error.code === 'confirmation_required';
  const chosen = templates.templates.find((template) => String(template.id) === templateId);
  return (
    <Stack gap="xs" component="form" aria-label="Reply" onSubmit={(event) => {
      event.preventDefault();
      setSent(null);
      if (profile.requires_confirmation) setConfirming(true);
      else reply.mutate(false);
    }}>
      <Title order={3} size="h5">Reply as @{profile.handle}</Title>
      {templates.templates.length > 0 && (
        <Select label="Template" placeholder="Start from a saved reply" clearable searchable value={templateId}
          data={templates.templates.map((template) => ({ value: String(template.id), label: template.name }))}
          onChange={(value) => {
            setTemplateId(value);
            const template = templates.templates.find((candidate) => String(candidate.id) === value);
            if (template) {
              setText(fillTemplate(template.body, values));
              onTyping(true);
            }
          }} />
      )}
      <ErrorAlert error={templates.error} />
      {chosen && (
        <Text size="xs" c="dimmed">
          Template “{chosen.name}”, placeholders filled in below; edit freely before sending.
        </Text>
      )}
      <div>
        <Textarea label="Reply text" autosize minRows={3} value={text}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setText(value);
            onTyping(value.length > 0);
          }}
          error={fieldError(error, 'text') ?? (tooLong ? `Bluesky allows ${blueskyGraphemeLimit} characters.` : undefined)} />
        <Text size="xs" c={tooLong ? 'red' : 'dimmed'} ta="right" aria-live="polite" aria-label="Characters used">
          Bluesky: {count} / {blueskyGraphemeLimit}
        </Text>
      </div>
      {!canPublish && (
        <Text size="sm" c="dimmed" role="note">
          Your level on @{profile.handle} is limited: your reply goes to approval first.
        </Text>
      )}
      {needsConfirmation ? (
        <Alert color="yellow" title="Confirm the account first" role="alert">
          {error.message} {error.details.map((detail) => detail.message).join(', ')}
          <Group mt="xs">
            <Button size="xs" color="yellow" onClick={() => reply.mutate(true)}>Confirm and send as @{profile.handle}</Button>
          </Group>
        </Alert>
      ) : (
        <ErrorAlert error={error} />
      )}
      {sent && <Text c="green" role="status">{sent}</Text>}
      <Group justify="flex-end">
        <Button type="submit" disabled={!text.trim() || tooLong} loading={reply.isPending}>
          {canPublish ? 'Send reply' : 'Submit reply for approval'}
        </Button>
      </Group>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Send this reply?">
        <Stack>
          <Text size="sm">This reply is published as @{profile.handle}, an account that asks for confirmation.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>Cancel</Button>
            <Button loading={reply.isPending} onClick={() => reply.mutate(true)}>Send as @{profile.handle}</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function ItemPane({ directory, itemId }: { directory: Directory; itemId: number }) {
  const queryClient = useQueryClient();
  const { user } = useSession();
  const orgId = directory.org.id;
  const item = useInboxItem(orgId, itemId);
  const [replying, setReplying] = useState(false);
  const others = usePresence(orgId, itemId, replying);
  const change = useMutation({
    mutationFn: (body: InboxChange) => api<InboxItem>(`/orgs/${orgId}/inbox/${itemId}`, { method: 'PATCH', json: body }),
    onSuccess: (updated) => {
      if (updated && typeof updated === 'object') applyInboxItem(queryClient, orgId, updated);
    },
  });
  useEffect(() => setReplying(false), [itemId]);
  if (item.isPending) return <Loader aria-label="Loading the item" />;
  if (item.error) return <ErrorAlert error={item.error} />;
  const data = item.data;
  const profile = directory.profiles.get(data.profile_id);
  const handle = profileHandle(directory, data);
  const link = blueskyPostUrl(data.post.uri);
  const parent = data.reply_parent ? blueskyPostUrl(data.reply_parent.uri) : null;
  const root = data.reply_root && data.reply_root.uri !== data.reply_parent?.uri ? blueskyPostUrl(data.reply_root.uri) : null;
  // The server's work_inbox: limited level or more on the item's profile (owners and admins
  // have every level); a viewer reads the item and its notes.
  const canWork = profile !== undefined && (canManageOrg(directory.org) || levelAtLeast(profile.my_level, 'limited'));
  return (
    <Stack gap="sm" aria-label={`Inbox item ${data.id}`} component="section">
      {others.length > 0 && (
        <Text size="sm" c="grape" fw={500} role="status">
          {others.map((other) => `${other.display_name} is ${other.state}`).join(' · ')}
        </Text>
      )}
      <Paper withBorder p="sm">
        <Group justify="space-between">
          <Text fw={600}>{authorLabel(data)}</Text>
          <Text size="xs" c="dimmed">{formatTime(data.post_created_at || data.received_at)}</Text>
        </Group>
        <Text size="xs" c="dimmed">{data.kind} of @{handle}</Text>
        <Text mt="xs" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{data.text}</Text>
        <Group gap="md" mt="xs">
          {link && <Anchor href={link} target="_blank" rel="noreferrer" size="sm">Open on Bluesky</Anchor>}
          {parent && <Anchor href={parent} target="_blank" rel="noreferrer" size="sm">In reply to</Anchor>}
          {root && <Anchor href={root} target="_blank" rel="noreferrer" size="sm">Thread start</Anchor>}
        </Group>
      </Paper>
      {canWork ? (
        <>
      <Group align="flex-end" gap="xs">
        <div>
          <Text size="sm" fw={500} id="inbox-status-label">Status</Text>
          <SegmentedControl aria-labelledby="inbox-status-label" data={options(inboxStatuses)} value={data.status}
            onChange={(value) => change.mutate({ status: value as InboxStatus })} />
        </div>
        <Select label="Priority" w={120} data={options(inboxPriorities)} value={data.priority} allowDeselect={false}
          onChange={(value) => value && change.mutate({ priority: value as InboxPriority })} />
        <Select label="Team" w={160} placeholder="No team" clearable value={data.team_id ? String(data.team_id) : null}
          data={directory.teams.map((team) => ({ value: String(team.id), label: team.name }))}
          onChange={(value) => change.mutate({ team_id: value ? Number(value) : null })} />
        <Select label="Assignee" w={190} placeholder="Nobody" clearable searchable
          value={data.assignee_user_id ? String(data.assignee_user_id) : null}
          data={directory.members.map((member) => ({ value: String(member.user_id), label: member.display_name }))}
          onChange={(value) => change.mutate({ assignee_user_id: value ? Number(value) : null })} />
        {user && data.assignee_user_id !== user.id && (
          <Button variant="light" size="sm" onClick={() => change.mutate({ assignee_user_id: user.id })}>Assign to me</Button>
        )}
      </Group>
      <TagsInput label="Tags" value={data.tags} onChange={(tags) => change.mutate({ tags })} error={fieldError(change.error, 'tags')}
        description="Enter to add a tag" />
        </>
      ) : (
        <Group gap={4}>
          <Badge variant="light" color={statusColors[data.status]}>{data.status}</Badge>
          <Badge color={priorityColors[data.priority]}>{data.priority}</Badge>
          {data.tags.map((tag) => <Badge key={tag} variant="dot">{tag}</Badge>)}
        </Group>
      )}
      <ErrorAlert error={change.error} />
      {canWork && profile ? (
        <ReplyBox directory={directory} item={data} profile={profile} onTyping={setReplying} />
      ) : (
        <Text size="sm" c="dimmed" role="note">
          Your level on @{handle} lets you read this item. Assigning, tagging, notes and replies need the limited level
          or more; ask a manager of the profile.
        </Text>
      )}
      <Notes orgId={orgId} itemId={data.id} canWork={canWork} />
    </Stack>
  );
}

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName));
}

function Inbox({ directory }: { directory: Directory }) {
  const [filter, setFilter] = useState<InboxFilter>({ status: 'open' });
  const [selected, setSelected] = useState<number | null>(null);
  const inbox = useInbox(directory.org.id, filter);
  const items = useMemo(() => inbox.data?.pages.flatMap((page) => page.items) ?? [], [inbox.data]);
  const latest = useRef({ items, selected });
  latest.current = { items, selected };
  // j / k move through the list, as in a mail reader; not while typing.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (event.key !== 'j' && event.key !== 'k') return;
      const { items: list, selected: current } = latest.current;
      if (list.length === 0) return;
      const index = list.findIndex((item) => item.id === current);
      const next = event.key === 'j' ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
      setSelected(list[index === -1 ? 0 : next].id);
      event.preventDefault();
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <Stack>
      <Filters directory={directory} filter={filter} onChange={setFilter} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder>
            {inbox.isPending && <Loader m="md" aria-label="Loading the inbox" />}
            <ErrorAlert error={inbox.error} />
            {inbox.data && items.length === 0 && <Text p="md" c="dimmed">Nothing here with these filters.</Text>}
            <nav aria-label="Inbox items">
              {items.map((item) => (
                <ItemRow key={item.id} item={item} directory={directory} selected={item.id === selected} onSelect={() => setSelected(item.id)} />
              ))}
            </nav>
            {inbox.hasNextPage && (
              <Button variant="subtle" fullWidth loading={inbox.isFetchingNextPage} onClick={() => void inbox.fetchNextPage()}>More</Button>
            )}
          </Paper>
          <Text size="xs" c="dimmed" mt={4}>Keys: j next, k previous.</Text>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          {selected === null ? (
            <Text c="dimmed">Choose an item to read it, assign it and reply.</Text>
          ) : (
            <ItemPane key={selected} directory={directory} itemId={selected} />
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function InboxBody({ org }: { org: Organization }) {
  const profiles = useProfiles(org.id);
  const teams = useTeams(org.id);
  const members = useAllMembers(org.id);
  const profileMap = useMemo(() => new Map((profiles.data ?? []).map((profile) => [profile.id, profile])), [profiles.data]);
  if (profiles.isPending || teams.isPending) return <Loader aria-label="Loading" />;
  const error = profiles.error ?? teams.error;
  if (error) return <ErrorAlert error={error} />;
  const directory: Directory = { org, profiles: profileMap, teams: teams.data ?? [], members: members.data ?? [] };
  return (
    <>
      <ErrorAlert error={members.error} />
      <Inbox directory={directory} />
    </>
  );
}

export function InboxPage() {
  return <OrgPage title="Inbox" wide>{(org) => <InboxBody org={org} />}</OrgPage>;
}
