import { Anchor, Badge, Button, Group, Loader, Modal, SegmentedControl, Select, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import {
  blueskyPostUrl,
  calendarQuery,
  canPublish,
  postKeys,
  stateLabels,
  useCalendarPosts,
  type CalendarPost,
  type CalendarTarget,
  type Post,
  type PostState,
} from '../api/posts';
import { useProfiles, useTeams } from '../api/queries';
import { useSession } from '../api/session';
import type { Organization, Profile } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { OrgPage } from '../components/OrgPage';
import { TableHead } from '../components/TableHead';
import { CalendarView } from '../components/CalendarView';
import { browserTimeZone, timeZones } from '../components/timeZones';
import { fieldError } from '../api/errors';

const dayMs = 24 * 60 * 60 * 1000;

// The listing's window: the calendar API takes at most 366 days, so a quarter back and the
// rest of the year ahead. Fixed at mount, so that the query key does not change per render.
function useWindow() {
  const [range] = useState(() => {
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    return {
      from: new Date(today.getTime() - 90 * dayMs).toISOString(),
      until: new Date(today.getTime() + 275 * dayMs).toISOString(),
    };
  });
  return range;
}

export function StateBadge({ state }: { state: PostState }) {
  const view = stateLabels[state] ?? { label: state, color: 'gray' };
  return (
    <Badge color={view.color} variant="light">
      {view.label}
    </Badge>
  );
}

export function postWhen(post: CalendarPost): string {
  if (post.schedule.at) {
    const local = post.schedule.local_time ?? post.schedule.at;
    return `${local.replace('T', ' ').slice(0, 16)} ${post.schedule.time_zone ?? 'UTC'}`;
  }
  return `created ${new Date(post.created_at).toLocaleString()}`;
}

function TargetLine({ target }: { target: CalendarTarget }) {
  const handle = `@${target.handle ?? `profile ${target.profile_id}`}`;
  if (target.state === 'published' && target.published_uri) {
    const url = blueskyPostUrl(target.published_uri);
    return (
      <Text size="sm">
        {handle}:{' '}
        {url ? (
          <Anchor href={url} target="_blank" rel="noreferrer" title={target.published_uri}>
            published
          </Anchor>
        ) : (
          <span title={target.published_uri}>published</span>
        )}
      </Text>
    );
  }
  return (
    <Text size="sm">
      {handle}: {target.state}
      {target.state === 'failed' && target.last_error && (
        <Text span c="red" size="sm">
          {' '}
          — {target.last_error}
        </Text>
      )}
      {target.approval?.decision === 'rejected' && (
        <Text span c="red" size="sm">
          {' '}
          — rejected{target.approval.comment ? `: “${target.approval.comment}”` : ''}
        </Text>
      )}
    </Text>
  );
}

// A post dropped on a day keeps its wall time of day (09:00 when it had none).
export function droppedWallTime(post: CalendarPost, day: Date): string {
  const time = post.schedule.local_time?.slice(11, 16) || '09:00';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}T${time}`;
}

const cancellable: PostState[] = ['draft', 'pending_approval', 'approved', 'rejected', 'scheduled', 'expired'];
// What POST /schedule takes (a publisher of every target) and POST /submit (the author).
const schedulable: PostState[] = ['draft', 'approved', 'expired', 'scheduled'];
const submittable: PostState[] = ['draft', 'rejected', 'expired'];

// Schedule (or move) a post at a wall time in a zone; the dialog names the accounts, which
// is the confirmation the profiles that require one ask for.
function ScheduleDialog({ org, post, initial, byId, onClose }: {
  org: Organization;
  post: CalendarPost;
  initial?: string;
  byId: Map<number, Profile>;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [localTime, setLocalTime] = useState(initial ?? post.schedule.requested_local_time?.slice(0, 16) ?? '');
  const [timeZone, setTimeZone] = useState(post.schedule.time_zone ?? browserTimeZone());
  const zones = useMemo(timeZones, []);
  const schedule = useMutation({
    mutationFn: () =>
      api<Post>(`/orgs/${org.id}/posts/${post.id}/schedule`, {
        method: 'POST',
        json: {
          when: { mode: 'schedule', local_time: localTime, time_zone: timeZone },
          confirm_profiles: post.targets.filter((t) => byId.get(t.profile_id)?.requires_confirmation).map((t) => t.profile_id),
        },
      }),
    onSuccess: () => {
      onClose();
      void queryClient.invalidateQueries({ queryKey: postKeys.all(org.id) });
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Schedule post ${post.id}`}>
      <form onSubmit={(event) => {
        event.preventDefault();
        schedule.mutate();
      }}>
        <Stack>
          <Text size="sm">It will be published as {post.targets.map((t) => `@${t.handle}`).join(', ')}.</Text>
          <TextInput type="datetime-local" label="Date and time" required value={localTime}
            onChange={(event) => setLocalTime(event.currentTarget.value)} error={fieldError(schedule.error, 'when.local_time')} />
          <Select label="Time zone" searchable data={zones} value={timeZone} allowDeselect={false}
            onChange={(value) => value && setTimeZone(value)} error={fieldError(schedule.error, 'when.time_zone')} />
          <ErrorAlert error={schedule.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!localTime} loading={schedule.isPending}>
              Schedule
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function levels(profiles: Profile[] | undefined): Map<number, Profile> {
  return new Map((profiles ?? []).map((profile) => [profile.id, profile]));
}

function PostsBody({ org }: { org: Organization }) {
  const { from, until } = useWindow();
  const [state, setState] = useState<string | null>(null);
  const [profileFilter, setProfileFilter] = useState<string | null>(null);
  const [teamFilter, setTeamFilter] = useState<string | null>(null);
  const [view, setView] = useState('list');
  const filter = {
    from,
    until,
    states: state ? [state as PostState] : [],
    profile: profileFilter ? Number(profileFilter) : null,
    team: teamFilter ? Number(teamFilter) : null,
  };
  const posts = useCalendarPosts(org.id, filter);
  const exportQuery = calendarQuery(filter).toString();
  const profiles = useProfiles(org.id);
  const teams = useTeams(org.id);
  const { user } = useSession();
  const queryClient = useQueryClient();
  const [cancelling, setCancelling] = useState<CalendarPost | null>(null);
  const [scheduling, setScheduling] = useState<CalendarPost | null>(null);
  const [droppedAt, setDroppedAt] = useState<string | undefined>(undefined);
  const submit = useMutation({
    mutationFn: (post: CalendarPost) =>
      api<Post>(`/orgs/${org.id}/posts/${post.id}/submit`, {
        method: 'POST',
        json: { confirm_profiles: post.targets.filter((t) => byId.get(t.profile_id)?.requires_confirmation).map((t) => t.profile_id) },
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: postKeys.all(org.id) }),
  });
  const cancel = useMutation({
    mutationFn: (post: CalendarPost) => api<Post>(`/orgs/${org.id}/posts/${post.id}/cancel`, { method: 'POST' }),
    onSuccess: () => {
      setCancelling(null);
      void queryClient.invalidateQueries({ queryKey: postKeys.all(org.id) });
    },
  });
  const byId = levels(profiles.data);
  const isAdmin = org.role === 'owner' || org.role === 'admin';
  // The server decides (author, or a publisher of every target); the button is offered to
  // whoever it would accept.
  const publishesAll = (post: CalendarPost) =>
    post.targets.every((target) => {
      const profile = byId.get(target.profile_id);
      return profile !== undefined && canPublish(profile);
    });
  const maySchedule = (post: CalendarPost) => schedulable.includes(post.state) && publishesAll(post);
  const maySubmit = (post: CalendarPost) =>
    submittable.includes(post.state) && post.author?.id === user?.id && !publishesAll(post);
  // PATCH /posts/{id}: the author rewrites a draft, or a rejected or expired post.
  const mayEdit = (post: CalendarPost) => submittable.includes(post.state) && post.author?.id === user?.id;
  const mayCancel = (post: CalendarPost) =>
    cancellable.includes(post.state) &&
    (post.author?.id === user?.id || isAdmin ||
      post.targets.every((target) => {
        const profile = byId.get(target.profile_id);
        return profile !== undefined && canPublish(profile);
      }));

  return (
    <>
      <Group justify="space-between">
        <Group>
          <Select aria-label="Filter by state" placeholder="Every state" clearable w={200} value={state} onChange={setState}
            data={Object.entries(stateLabels).map(([value, { label }]) => ({ value, label }))} />
          <Select aria-label="Filter by profile" placeholder="Every profile" clearable searchable w={200} value={profileFilter}
            onChange={setProfileFilter}
            data={(profiles.data ?? []).map((profile) => ({ value: String(profile.id), label: `@${profile.handle}` }))} />
          <Select aria-label="Filter by team" placeholder="Every team" clearable searchable w={180} value={teamFilter}
            onChange={setTeamFilter} data={(teams.data ?? []).map((team) => ({ value: String(team.id), label: team.name }))} />
          <SegmentedControl aria-label="View" value={view} onChange={setView}
            data={[{ value: 'list', label: 'List' }, { value: 'week', label: 'Week' }, { value: 'month', label: 'Month' }]} />
        </Group>
        <Group gap="xs">
          <Anchor href={`/api/v1/orgs/${org.id}/posts/export.csv?${exportQuery}`} download size="sm">
            Export CSV
          </Anchor>
          <Anchor href={`/api/v1/orgs/${org.id}/posts/export.ics?${exportQuery}`} download size="sm">
            Export iCalendar
          </Anchor>
          <Button component={Link} to={`/orgs/${org.id}/compose`} variant="light">
            Compose
          </Button>
        </Group>
      </Group>
      {posts.isPending && <Loader aria-label="Loading posts" />}
      <ErrorAlert error={submit.error} />
      {scheduling && (
        <ScheduleDialog org={org} post={scheduling} initial={droppedAt} byId={byId} onClose={() => {
          setScheduling(null);
          setDroppedAt(undefined);
        }} />
      )}
      <ErrorAlert error={posts.error} />
      {posts.data && view !== 'list' && (
        <CalendarView posts={posts.data} span={view as 'week' | 'month'} canMove={maySchedule}
          onMove={(post, day) => {
            setDroppedAt(droppedWallTime(post, day));
            setScheduling(post);
          }} />
      )}
      {posts.data && view === 'list' && (
        <>
          <Table striped aria-label="Posts">
            <TableHead columns={['When', 'Text', 'Profiles', 'State', 'Author']} actions />
            <Table.Tbody>
              {posts.data.map((post) => (
                <Table.Tr key={post.id}>
                  <Table.Td>{postWhen(post)}</Table.Td>
                  <Table.Td maw={360}>
                    <Text size="sm" lineClamp={3}>
                      {post.text}
                    </Text>
                    {post.image_count > 0 && (
                      <Text size="xs" c="dimmed">
                        {post.image_count} image{post.image_count > 1 ? 's' : ''}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {post.targets.map((target) => (
                      <TargetLine key={target.profile_id} target={target} />
                    ))}
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={post.state} />
                  </Table.Td>
                  <Table.Td>{post.author?.display_name ?? post.author?.email ?? '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      {mayEdit(post) && (
                        <Button size="xs" variant="subtle" component={Link} to={`/orgs/${org.id}/compose?edit=${post.id}`}
                          aria-label={`Edit post ${post.id}`}>
                          Edit
                        </Button>
                      )}
                      {maySchedule(post) && (
                        <Button size="xs" variant="light" aria-label={`Schedule post ${post.id}`} onClick={() => setScheduling(post)}>
                          {post.state === 'scheduled' ? 'Move' : 'Schedule'}
                        </Button>
                      )}
                      {maySubmit(post) && (
                        <Button size="xs" variant="light" aria-label={`Submit post ${post.id} for approval`}
                          loading={submit.isPending && submit.variables?.id === post.id} onClick={() => submit.mutate(post)}>
                          Submit
                        </Button>
                      )}
                      {mayCancel(post) && (
                        <Button size="xs" variant="subtle" color="red" aria-label={`Cancel post ${post.id}`}
                          onClick={() => setCancelling(post)}>
                          Cancel
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {posts.data.length === 0 && <Text c="dimmed">No posts in this period.</Text>}
        </>
      )}
      <Modal opened={cancelling !== null} onClose={() => setCancelling(null)} title="Cancel the post?">
        <Stack>
          <Text size="sm">
            Post {cancelling?.id} will not be published to{' '}
            {cancelling?.targets.map((target) => `@${target.handle}`).join(', ')}.
          </Text>
          <ErrorAlert error={cancel.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setCancelling(null)}>
              Keep it
            </Button>
            <Button color="red" loading={cancel.isPending} onClick={() => cancelling && cancel.mutate(cancelling)}>
              Cancel the post
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

export function PostsPage() {
  return <OrgPage title="Posts">{(org) => <PostsBody org={org} />}</OrgPage>;
}

interface Decision {
  post: CalendarPost;
  target: CalendarTarget;
}

function ApprovalsBody({ org }: { org: Organization }) {
  const { from, until } = useWindow();
  const posts = useCalendarPosts(org.id, { from, until, states: ['pending_approval'] });
  const profiles = useProfiles(org.id);
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState<Decision | null>(null);
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: ({ post, target, decision, text }: Decision & { decision: 'approve' | 'reject'; text: string }) =>
      api<Post>(`/orgs/${org.id}/posts/${post.id}/targets/${target.profile_id}/${decision}`, {
        method: 'POST',
        json: text ? { comment: text } : {},
      }),
    onSuccess: () => {
      setRejecting(null);
      setComment('');
      void queryClient.invalidateQueries({ queryKey: postKeys.all(org.id) });
    },
  });
  if (posts.isPending || profiles.isPending) return <Loader aria-label="Loading approvals" />;
  if (posts.error) return <ErrorAlert error={posts.error} />;
  if (profiles.error) return <ErrorAlert error={profiles.error} />;
  const byId = levels(profiles.data);
  const decidable = profiles.data.some(canPublish);
  const queue: Decision[] = posts.data.flatMap((post) =>
    post.targets
      .filter((target) => target.approval === null)
      .filter((target) => {
        const profile = byId.get(target.profile_id);
        return profile !== undefined && canPublish(profile);
      })
      .map((target) => ({ post, target })),
  );
  if (!decidable) {
    return (
      <Text c="dimmed" role="note">
        Approving needs the publisher level on a profile, and you have it on none. Posts you submit wait here for a
        publisher.
      </Text>
    );
  }
  const busyFor = (entry: Decision) =>
    decide.isPending && decide.variables?.post.id === entry.post.id && decide.variables.target.profile_id === entry.target.profile_id;
  return (
    <>
      <ErrorAlert error={rejecting ? null : decide.error} />
      <Table striped aria-label="Approval queue">
        <TableHead columns={['When', 'Text', 'Profile', 'Author']} actions />
        <Table.Tbody>
          {queue.map((entry) => (
            <Table.Tr key={`${entry.post.id}-${entry.target.profile_id}`}>
              <Table.Td>{postWhen(entry.post)}</Table.Td>
              <Table.Td maw={400}>
                <Text size="sm">{entry.target.text ?? entry.post.text}</Text>
              </Table.Td>
              <Table.Td>@{entry.target.handle}</Table.Td>
              <Table.Td>{entry.post.author?.display_name ?? entry.post.author?.email ?? '—'}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Button size="xs" color="green" loading={busyFor(entry) && decide.variables?.decision === 'approve'}
                    aria-label={`Approve post ${entry.post.id} for @${entry.target.handle}`}
                    onClick={() => decide.mutate({ ...entry, decision: 'approve', text: '' })}>
                    Approve
                  </Button>
                  <Button size="xs" variant="light" color="red"
                    aria-label={`Reject post ${entry.post.id} for @${entry.target.handle}`}
                    onClick={() => {
                      decide.reset();
                      setRejecting(entry);
                    }}>
                    Reject
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {queue.length === 0 && <Text c="dimmed">Nothing waits for your approval.</Text>}
      <Modal opened={rejecting !== null} onClose={() => setRejecting(null)} title="Reject the post?">
        <form onSubmit={(event) => {
          event.preventDefault();
          if (rejecting) decide.mutate({ ...rejecting, decision: 'reject', text: comment.trim() });
        }}>
          <Stack>
            <Text size="sm">
              Its author is told, with your comment, and may edit it and submit it again.
            </Text>
            <Textarea label="Comment for the author" required value={comment} maxLength={2000}
              onChange={(event) => setComment(event.currentTarget.value)} />
            <ErrorAlert error={decide.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRejecting(null)}>
                Cancel
              </Button>
              <Button type="submit" color="red" disabled={!comment.trim()} loading={decide.isPending}>
                Reject
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

export function ApprovalsPage() {
  return <OrgPage title="Approvals">{(org) => <ApprovalsBody org={org} />}</OrgPage>;
}
