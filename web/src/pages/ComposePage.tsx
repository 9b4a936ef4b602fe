import {
  Alert,
  Anchor,
  Avatar,
  Badge,
  Button,
  Checkbox,
  CloseButton,
  Group,
  Loader,
  Modal,
  Paper,
  Radio,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../api/client';
import { describeDetail, fieldError } from '../api/errors';
import {
  blueskyGraphemeLimit,
  canCompose,
  canPublish,
  graphemeCount,
  postKeys,
  stateLabels,
  type ComposeBody,
  type Post,
  type WhenMode,
} from '../api/posts';
import { useProfiles } from '../api/queries';
import type { Organization, Profile } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { OrgPage } from '../components/OrgPage';
import { browserTimeZone, timeZones } from '../components/timeZones';

// Bluesky's image rules (the server checks them again): PNG, JPEG or WebP, at most four,
// 1,000,000 bytes each, each with alt text.
const imagesMax = 4;
const imageBytesMax = 1_000_000;
const imageTypes = ['image/png', 'image/jpeg', 'image/webp'];
const languageSuggestions = ['en', 'fr', 'de', 'es', 'it', 'pt', 'nl', 'sv', 'da', 'nb', 'fi', 'pl', 'ja', 'ko', 'zh'];

interface ImageDraft {
  name: string;
  data: string; // base64, no data: prefix
  alt: string;
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error(`${file.name} could not be read`));
    reader.readAsDataURL(file);
  });
}

function ProfileOption({ profile }: { profile: Profile }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Avatar src={profile.avatar_url || null} alt="" size="sm" />
      <Text size="sm">@{profile.handle}</Text>
      {!canPublish(profile) && (
        <Badge size="xs" color="yellow" variant="light">
          needs approval
        </Badge>
      )}
      {profile.status === 'needs_reconnect' && (
        <Badge size="xs" color="red" variant="light">
          needs reconnect
        </Badge>
      )}
    </Group>
  );
}

type Action = 'draft' | 'publish' | 'schedule' | 'submit';

function actionVerb(action: Action): string {
  switch (action) {
    case 'draft':
      return 'Save draft';
    case 'publish':
      return 'Publish now';
    case 'schedule':
      return 'Schedule';
    case 'submit':
      return 'Submit for approval';
  }
}

function outcome(post: Post): string {
  if (post.state === 'draft') return `Draft ${post.id} saved.`;
  if (post.state === 'pending_approval') return `Post ${post.id} is waiting for approval.`;
  if (post.state === 'scheduled' && post.schedule?.wall_time) return `Post ${post.id} is scheduled for ${post.schedule.wall_time}.`;
  return `Post ${post.id}: ${stateLabels[post.state]?.label.toLowerCase() ?? post.state}.`;
}

// A post as GET /posts/{id} answers it, with what the composer fills itself with.
export interface EditedPost extends Post {
  langs?: string[];
  targets: (Post['targets'][number] & { text?: string | null })[];
}

function Composer({ org, profiles, editing }: { org: Organization; profiles: Profile[]; editing?: EditedPost }) {
  const queryClient = useQueryClient();
  const composable = profiles.filter(canCompose);
  const [selected, setSelected] = useState<string[]>(
    editing ? editing.targets.map((target) => String(target.profile_id)) : composable.length === 1 ? [String(composable[0].id)] : []);
  const [text, setText] = useState(editing?.text ?? '');
  // Per-profile text, when the post says it differently on some profiles.
  const editedOwn = Object.fromEntries((editing?.targets ?? []).filter((target) => target.text).map((target) => [target.profile_id, target.text!]));
  const [perProfile, setPerProfile] = useState(Object.keys(editedOwn).length > 0);
  const [ownText, setOwnText] = useState<Record<number, string>>(editedOwn);
  const [images, setImages] = useState<ImageDraft[]>([]);
  const [imageError, setImageError] = useState<string | null>(null);
  const [langs, setLangs] = useState<string[]>(editing?.langs ?? []);
  const [timing, setTiming] = useState<'now' | 'schedule'>('now');
  const [localTime, setLocalTime] = useState('');
  const [timeZone, setTimeZone] = useState(browserTimeZone);
  const [confirming, setConfirming] = useState<Action | null>(null);
  const [done, setDone] = useState<Post | null>(null);
  const zones = useMemo(timeZones, []);

  const targets = composable.filter((profile) => selected.includes(String(profile.id)));
  const publishesDirectly = targets.length > 0 && targets.every(canPublish);
  const count = graphemeCount(text);
  const textFor = (profile: Profile) => (perProfile ? (ownText[profile.id] ?? text) : text);
  const tooLong = count > blueskyGraphemeLimit || targets.some((p) => graphemeCount(textFor(p)) > blueskyGraphemeLimit);
  const missingAlt = images.some((image) => !image.alt.trim());

  const create = useMutation({
    mutationFn: ({ mode, allowDuplicate }: { mode: WhenMode; allowDuplicate: boolean }) => {
      const body: ComposeBody = {
        text,
        targets: targets.map((profile) =>
          perProfile && ownText[profile.id] !== undefined && ownText[profile.id] !== text
            ? { profile_id: profile.id, text: ownText[profile.id] }
            : { profile_id: profile.id },
        ),
        when: { mode },
      };
      if (mode === 'schedule' || (mode === 'draft' && timing === 'schedule' && localTime)) {
        body.when.local_time = localTime;
        body.when.time_zone = timeZone;
      }
      if (langs.length > 0) body.langs = langs;
      if (images.length > 0) body.images = images.map(({ data, alt }) => ({ data, alt }));
      // The dialog named every account: that is the confirmation the profiles ask for.
      if (mode !== 'draft') body.confirm_profiles = targets.filter((p) => p.requires_confirmation).map((p) => p.id);
      if (allowDuplicate) body.allow_duplicate = true;
      // An edited post stays a draft (PATCH takes no other `when`); it is submitted or
      // scheduled from the posts. Left out, `images` keeps the post's images.
      if (editing) return api<Post>(`/orgs/${org.id}/posts/${editing.id}`, { method: 'PATCH', json: body });
      return api<Post>(`/orgs/${org.id}/posts`, { method: 'POST', json: body });
    },
    onSuccess: (post) => {
      setDone(post);
      if (editing) {
        void queryClient.invalidateQueries({ queryKey: postKeys.all(org.id) });
        return;
      }
      setText('');
      setOwnText({});
      setPerProfile(false);
      setImages([]);
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey: postKeys.all(org.id) });
    },
    onError: () => setConfirming(null),
  });
  const lastMode = create.variables?.mode ?? 'now';

  function send(action: Action, allowDuplicate = false) {
    setDone(null);
    const mode: WhenMode = action === 'draft' ? 'draft' : timing === 'schedule' ? 'schedule' : 'now';
    create.mutate({ mode, allowDuplicate });
  }

  async function addImages(files: FileList | null) {
    setImageError(null);
    if (!files) return;
    const added: ImageDraft[] = [];
    for (const file of Array.from(files)) {
      if (images.length + added.length >= imagesMax) {
        setImageError(`At most ${imagesMax} images per post.`);
        break;
      }
      if (!imageTypes.includes(file.type)) {
        setImageError(`${file.name}: only PNG, JPEG or WebP images.`);
        continue;
      }
      if (file.size > imageBytesMax) {
        setImageError(`${file.name} is ${file.size.toLocaleString()} bytes: at most ${imageBytesMax.toLocaleString()}.`);
        continue;
      }
      added.push({ name: file.name, data: await readBase64(file), alt: '' });
    }
    setImages((current) => [...current, ...added]);
  }

  if (composable.length === 0) {
    return (
      <Text c="dimmed" role="note">
        {profiles.length === 0
          ? 'No social profile is shared with you yet.'
          : 'You can see these profiles\' posts but not write as them: composing needs the limited level or more. Ask a manager of a profile.'}
      </Text>
    );
  }

  const primary: Action = publishesDirectly ? (timing === 'schedule' ? 'schedule' : 'publish') : 'submit';
  const ready = targets.length > 0 && (text.trim().length > 0 || images.length > 0) && !tooLong && !missingAlt &&
    (timing === 'now' || localTime !== '');
  const error = create.error;
  const duplicate = error instanceof ApiError && error.code === 'duplicate_post';
  const handles = targets.map((profile) => `@${profile.handle}`).join(', ');

  return (
    <Paper withBorder p="md" component="form" aria-label="Compose a post" onSubmit={(event) => {
      event.preventDefault();
      if (editing) send('draft');
      else if (ready) setConfirming(primary);
    }}>
      <Stack>
        <Checkbox.Group label="Post as" value={selected} onChange={setSelected} error={fieldError(error, 'targets')}>
          <Stack gap={6} mt="xs">
            {composable.map((profile) => (
              <Checkbox key={profile.id} value={String(profile.id)} label={<ProfileOption profile={profile} />}
                aria-label={`@${profile.handle}`} />
            ))}
          </Stack>
        </Checkbox.Group>
        <div>
          <Textarea label="Text" autosize minRows={4} value={text} onChange={(event) => setText(event.currentTarget.value)}
            error={fieldError(error, 'text') ?? (tooLong ? `Bluesky allows ${blueskyGraphemeLimit} characters.` : undefined)} />
          <Text size="xs" c={tooLong ? 'red' : 'dimmed'} ta="right" aria-live="polite" aria-label="Characters used">
            Bluesky: {count} / {blueskyGraphemeLimit}
          </Text>
        </div>
        {targets.length > 0 && (
          <Switch label="Different text per profile" checked={perProfile} onChange={(event) => setPerProfile(event.currentTarget.checked)} />
        )}
        {perProfile &&
          targets.map((profile) => {
            const own = textFor(profile);
            const ownCount = graphemeCount(own);
            const index = targets.indexOf(profile);
            return (
              <div key={profile.id}>
                <Textarea label={`Text for @${profile.handle}`} autosize minRows={2} value={own}
                  onChange={(event) => {
                    const value = event.currentTarget.value;
                    setOwnText((current) => ({ ...current, [profile.id]: value }));
                  }}
                  error={fieldError(error, `targets[${index}].text`) ??
                    (ownCount > blueskyGraphemeLimit ? `Bluesky allows ${blueskyGraphemeLimit} characters.` : undefined)} />
                <Text size="xs" c={ownCount > blueskyGraphemeLimit ? 'red' : 'dimmed'} ta="right" aria-label={`Characters used for @${profile.handle}`}>
                  Bluesky: {ownCount} / {blueskyGraphemeLimit}
                </Text>
              </div>
            );
          })}
        {editing ? (
          <Text size="sm" c="dimmed" role="note">
            The post's images stay as they are. Once saved, submit or schedule it from the posts.
          </Text>
        ) : (
        <Stack gap="xs">
          <TextInput type="file" label="Images" description="PNG, JPEG or WebP, up to 4, each with a description for people who cannot see it"
            accept={imageTypes.join(',')} multiple disabled={images.length >= imagesMax} value=""
            onChange={(event) => void addImages(event.currentTarget.files)} error={imageError ?? fieldError(error, 'images')} />
          {images.map((image, index) => (
            <Group key={`${image.name}-${index}`} align="flex-end" wrap="nowrap">
              <TextInput style={{ flex: 1 }} label={`Alt text for ${image.name}`} required value={image.alt}
                error={fieldError(error, `images[${index}].alt`)}
                onChange={(event) => {
                  const alt = event.currentTarget.value;
                  setImages((current) => current.map((item, i) => (i === index ? { ...item, alt } : item)));
                }} />
              <CloseButton aria-label={`Remove ${image.name}`} mb={6}
                onClick={() => setImages((current) => current.filter((_, i) => i !== index))} />
            </Group>
          ))}
        </Stack>
        )}
        <TagsInput label="Languages" description="Up to 3 BCP 47 tags, e.g. en, fr, pt-BR" maxTags={3}
          data={languageSuggestions} value={langs} onChange={setLangs} error={fieldError(error, 'langs')} />
        {!editing && (
        <Radio.Group label="When" value={timing} onChange={(value) => setTiming(value as 'now' | 'schedule')}>
          <Group mt="xs">
            <Radio value="now" label={publishesDirectly ? 'Now' : 'As soon as approved'} />
            <Radio value="schedule" label="At a date and time" />
          </Group>
        </Radio.Group>
        )}
        {timing === 'schedule' && (
          <Group grow align="flex-start">
            <TextInput type="datetime-local" label="Date and time" required value={localTime}
              onChange={(event) => setLocalTime(event.currentTarget.value)} error={fieldError(error, 'when.local_time')} />
            <Select label="Time zone" searchable data={zones} value={timeZone} allowDeselect={false}
              onChange={(value) => value && setTimeZone(value)} error={fieldError(error, 'when.time_zone')} />
          </Group>
        )}
        {targets.length > 0 && !publishesDirectly && (
          <Text size="sm" c="dimmed" role="note">
            Your level on {targets.filter((p) => !canPublish(p)).map((p) => `@${p.handle}`).join(', ')} is limited: a publisher of
            each must approve the post before it goes out.
          </Text>
        )}
        {duplicate ? (
          <Alert color="yellow" title="This looks like a duplicate" role="alert">
            {error.message}
            <Stack gap={4} mt="xs">
              {error.details.map((detail) => (
                <Text key={describeDetail(detail)} size="sm">
                  {detail.message}
                </Text>
              ))}
              <Group>
                <Button size="xs" variant="light" color="yellow"
                  onClick={() => create.mutate({ mode: lastMode, allowDuplicate: true })}>
                  Post it anyway
                </Button>
              </Group>
            </Stack>
          </Alert>
        ) : (
          <ErrorAlert error={error} />
        )}
        {done && (
          <Text c="green" role="status">
            {outcome(done)}{' '}
            <Anchor component={Link} to={`/orgs/${org.id}/posts`}>
              See the posts
            </Anchor>
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" disabled={targets.length === 0 || tooLong} loading={create.isPending && lastMode === 'draft'}
            onClick={() => send('draft')}>
            {editing ? 'Save changes' : 'Save draft'}
          </Button>
          {!editing && (
            <Button type="submit" disabled={!ready} loading={create.isPending && lastMode !== 'draft'}>
              {actionVerb(primary)}
            </Button>
          )}
        </Group>
      </Stack>
      <Modal opened={confirming !== null} onClose={() => setConfirming(null)} title={confirming ? `${actionVerb(confirming)}?` : ''}>
        <Stack>
          <Text size="sm">
            {confirming === 'submit'
              ? `This post goes to approval; once approved it is published as ${handles}.`
              : confirming === 'schedule'
                ? `This post will be published as ${handles} at ${localTime.replace('T', ' ')} (${timeZone}).`
                : `This post is published now as ${handles}.`}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(null)}>
              Cancel
            </Button>
            <Button loading={create.isPending} onClick={() => confirming && send(confirming)}>
              {confirming ? actionVerb(confirming) : ''}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

// ?edit=ID: the author's draft (or rejected or expired post) in the composer.
function EditBody({ org, profiles, postId }: { org: Organization; profiles: Profile[]; postId: string }) {
  const post = useQuery({
    queryKey: [...postKeys.all(org.id), 'one', postId],
    queryFn: () => api<EditedPost>(`/orgs/${org.id}/posts/${encodeURIComponent(postId)}`),
  });
  if (post.isPending) return <Loader aria-label="Loading the post" />;
  if (post.error) return <ErrorAlert error={post.error} />;
  if (!['draft', 'rejected', 'expired'].includes(post.data.state)) {
    return (
      <Text role="note">
        Post {post.data.id} is {stateLabels[post.data.state]?.label.toLowerCase() ?? post.data.state}: only a draft, or a rejected
        or expired post, can be edited.
      </Text>
    );
  }
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Editing post {post.data.id}{post.data.state !== 'draft' ? `, ${stateLabels[post.data.state]?.label.toLowerCase()}: saving makes it a draft again` : ''}.
      </Text>
      <Composer org={org} profiles={profiles} editing={post.data} />
    </Stack>
  );
}

function ComposeBody({ org }: { org: Organization }) {
  const profiles = useProfiles(org.id);
  const [searchParams] = useSearchParams();
  const edit = searchParams.get('edit');
  if (profiles.isPending) return <Loader aria-label="Loading profiles" />;
  if (profiles.error) return <ErrorAlert error={profiles.error} />;
  if (edit) return <EditBody key={edit} org={org} profiles={profiles.data} postId={edit} />;
  return <Composer org={org} profiles={profiles.data} />;
}

export function ComposePage() {
  return <OrgPage title="Compose">{(org) => <ComposeBody org={org} />}</OrgPage>;
}
