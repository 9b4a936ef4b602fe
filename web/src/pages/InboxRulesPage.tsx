import { ActionIcon, Badge, Button, Group, Loader, Modal, Paper, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { fieldError } from '../api/errors';
import { inboxKeys, inboxPriorities, useInboxRules, type InboxPriority, type InboxRule, type InboxRuleBody } from '../api/inbox';
import { canManageOrg, useProfiles, useTeams } from '../api/queries';
import type { Organization, Profile, Team } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { OnlyAdmins, OrgPage } from '../components/OrgPage';

const emptyRule: InboxRuleBody = { name: '', keywords: [], regex: '', author: '', profile_id: null, assign_team_id: null, tags: [], priority: null };

function bodyOf(rule: InboxRule): InboxRuleBody {
  const { name, keywords, regex, author, profile_id, assign_team_id, tags, priority } = rule;
  return { name, keywords, regex, author, profile_id, assign_team_id, tags, priority };
}

// A rule's author as people read it: a handle with its '@', a DID as it is.
function authorLabel(author: string): string {
  return author.startsWith('did:') ? author : `@${author.replace(/^@/, '')}`;
}

// What the author field says under it: the account a saved handle names, or how it works.
function authorHint(rule: InboxRule | null, typed: string): string {
  const saved = rule && rule.author === typed && !typed.startsWith('did:') ? rule : null;
  if (saved?.author_did) return `Resolves to ${saved.author_did}`;
  if (saved?.author) return 'Not resolved yet: save the rule to look the handle up again';
  return 'A handle (looked up when you save) or a DID';
}

function RuleEditor({ org, rule, profiles, teams, onClose }: {
  org: Organization;
  rule: InboxRule | null;
  profiles: Profile[];
  teams: Team[];
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<InboxRuleBody>(rule ? bodyOf(rule) : emptyRule);
  const set = (change: Partial<InboxRuleBody>) => setDraft((current) => ({ ...current, ...change }));
  const save = useMutation({
    mutationFn: () =>
      rule
        ? api<InboxRule>(`/orgs/${org.id}/inbox-rules/${rule.id}`, { method: 'PUT', json: draft })
        : api<InboxRule>(`/orgs/${org.id}/inbox-rules`, { method: 'POST', json: draft }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: inboxKeys.rules(org.id) });
      onClose();
    },
  });
  const error = save.error;
  const fieldOf = (name: string) => fieldError(error, name) ?? (error as { details?: { field?: string; message: string }[] } | null)?.details
    ?.find((detail) => detail.field?.startsWith(`${name}[`))?.message;
  return (
    <Modal opened onClose={onClose} title={rule ? `Edit rule ${rule.name}` : 'New routing rule'} size="lg">
      <Stack component="form" onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}>
        <TextInput label="Name" required value={draft.name} onChange={(event) => set({ name: event.currentTarget.value })} error={fieldOf('name')} />
        <Text fw={600} size="sm">When (every condition set must hold; none: every item)</Text>
        <TagsInput label="Any of these keywords" value={draft.keywords} onChange={(keywords) => set({ keywords })} error={fieldOf('keywords')} />
        <TextInput label="Regular expression" description="Case-insensitive" value={draft.regex} ff="monospace"
          onChange={(event) => set({ regex: event.currentTarget.value })} error={fieldOf('regex')} />
        <TextInput label="Author" description={authorHint(rule, draft.author)} value={draft.author} onChange={(event) => set({ author: event.currentTarget.value })}
          error={fieldOf('author')} />
        <Select label="Profile" placeholder="Any profile" clearable value={draft.profile_id ? String(draft.profile_id) : null}
          data={profiles.map((profile) => ({ value: String(profile.id), label: `@${profile.handle}` }))}
          onChange={(value) => set({ profile_id: value ? Number(value) : null })} error={fieldOf('profile_id')} />
        <Text fw={600} size="sm">Then</Text>
        <Select label="Assign to team" placeholder="No team" clearable value={draft.assign_team_id ? String(draft.assign_team_id) : null}
          data={teams.map((team) => ({ value: String(team.id), label: team.name }))}
          onChange={(value) => set({ assign_team_id: value ? Number(value) : null })} error={fieldOf('assign_team_id')} />
        <TagsInput label="Add tags" value={draft.tags} onChange={(tags) => set({ tags })} error={fieldOf('tags')} />
        <Select label="Set priority" placeholder="Leave as is" clearable value={draft.priority}
          data={inboxPriorities} onChange={(value) => set({ priority: value as InboxPriority | null })} error={fieldOf('priority')} />
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button type="submit" loading={save.isPending} disabled={!draft.name.trim()}>Save rule</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function describeRule(rule: InboxRule, profiles: Profile[], teams: Team[]): { when: string; then: string } {
  const when: string[] = [];
  if (rule.keywords.length) when.push(`mentions ${rule.keywords.map((k) => `“${k}”`).join(' or ')}`);
  if (rule.regex) when.push(`matches /${rule.regex}/`);
  if (rule.author) when.push(rule.author_did ? `by ${authorLabel(rule.author)}` : `by ${authorLabel(rule.author)} (handle not resolved yet)`);
  if (rule.profile_id) when.push(`to @${profiles.find((p) => p.id === rule.profile_id)?.handle ?? rule.profile_id}`);
  const then: string[] = [];
  if (rule.assign_team_id) then.push(`assign to ${teams.find((t) => t.id === rule.assign_team_id)?.name ?? `team ${rule.assign_team_id}`}`);
  if (rule.tags.length) then.push(`tag ${rule.tags.join(', ')}`);
  if (rule.priority) then.push(`priority ${rule.priority}`);
  return { when: when.join(', ') || 'every item', then: then.join('; ') || 'nothing' };
}

function Rules({ org }: { org: Organization }) {
  const queryClient = useQueryClient();
  const rules = useInboxRules(org.id, true);
  const profiles = useProfiles(org.id);
  const teams = useTeams(org.id);
  const [editing, setEditing] = useState<InboxRule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<number | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: inboxKeys.rules(org.id) });
  // Moving a rule saves it at its new place (positions are 1-based on the server).
  const move = useMutation({
    mutationFn: ({ rule, position }: { rule: InboxRule; position: number }) =>
      api(`/orgs/${org.id}/inbox-rules/${rule.id}`, { method: 'PUT', json: { ...bodyOf(rule), position } }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: number) => api(`/orgs/${org.id}/inbox-rules/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      setDeleting(null);
      void refresh();
    },
  });
  if (rules.isPending) return <Loader aria-label="Loading the rules" />;
  if (rules.error) return <ErrorAlert error={rules.error} />;
  const list = [...rules.data].sort((a, b) => a.position - b.position);
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Each new inbox item goes through the rules in order: the first matching rule that names a team assigns it, the first
        that sets a priority sets it, and every matching rule adds its tags. An item no rule assigns goes to the profile's owner.
      </Text>
      <Group>
        <Button onClick={() => setEditing('new')}>New rule</Button>
      </Group>
      <ErrorAlert error={move.error ?? remove.error ?? profiles.error ?? teams.error} />
      {list.length === 0 && <Text c="dimmed">No rule yet.</Text>}
      <ol aria-label="Routing rules" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {list.map((rule, index) => {
          const text = describeRule(rule, profiles.data ?? [], teams.data ?? []);
          return (
            <li key={rule.id} style={{ marginBottom: 8 }}>
              <Paper withBorder p="sm">
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <div>
                    <Group gap="xs">
                      <Badge variant="light">{index + 1}</Badge>
                      <Text fw={600}>{rule.name}</Text>
                    </Group>
                    <Text size="sm">When {text.when}: {text.then}.</Text>
                  </div>
                  <Group gap={4} wrap="nowrap">
                    <ActionIcon variant="subtle" aria-label={`Move ${rule.name} up`} disabled={index === 0 || move.isPending}
                      onClick={() => move.mutate({ rule, position: index })}>↑</ActionIcon>
                    <ActionIcon variant="subtle" aria-label={`Move ${rule.name} down`} disabled={index === list.length - 1 || move.isPending}
                      onClick={() => move.mutate({ rule, position: index + 2 })}>↓</ActionIcon>
                    <Button size="xs" variant="subtle" aria-label={`Edit rule ${rule.name}`} onClick={() => setEditing(rule)}>Edit</Button>
                    {deleting === rule.id ? (
                      <Button size="xs" color="red" loading={remove.isPending} onClick={() => remove.mutate(rule.id)}>Confirm delete</Button>
                    ) : (
                      <Button size="xs" variant="subtle" color="red" aria-label={`Delete rule ${rule.name}`} onClick={() => setDeleting(rule.id)}>Delete</Button>
                    )}
                  </Group>
                </Group>
              </Paper>
            </li>
          );
        })}
      </ol>
      {editing !== null && (
        <RuleEditor org={org} rule={editing === 'new' ? null : editing} profiles={profiles.data ?? []} teams={teams.data ?? []}
          onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}

export function InboxRulesPage() {
  return (
    <OrgPage title="Inbox routing rules">
      {(org) => (canManageOrg(org) ? <Rules org={org} /> : <OnlyAdmins action="set the inbox routing rules" />)}
    </OrgPage>
  );
}
