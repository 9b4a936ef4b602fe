import { Button, Group, Modal, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { fieldError } from '../api/errors';
import { keys } from '../api/queries';
import type { Organization, Profile } from '../api/types';
import { ErrorAlert } from './ErrorAlert';
import { useStartOAuth } from './OAuthConnect';

interface Credentials {
  identifier: string;
  app_password: string;
  pds_url: string;
}

function body(credentials: Credentials) {
  const payload: Record<string, string> = { app_password: credentials.app_password };
  if (credentials.identifier.trim()) payload.identifier = credentials.identifier.trim();
  if (credentials.pds_url.trim()) payload.pds_url = credentials.pds_url.trim();
  return payload;
}

// The handle, app password and optional PDS fields, shared by connecting and reconnecting.
function CredentialFields({ values, onChange, error, identifierRequired }: {
  values: Credentials;
  onChange: (values: Credentials) => void;
  error: unknown;
  identifierRequired: boolean;
}) {
  return (
    <>
      <TextInput label="Bluesky handle or DID" placeholder="team.bsky.social" required={identifierRequired}
        description={identifierRequired ? undefined : 'Leave empty to sign in as the profile\'s own account'}
        value={values.identifier} error={fieldError(error, 'identifier')}
        onChange={(event) => onChange({ ...values, identifier: event.currentTarget.value })} />
      <PasswordInput label="App password" required autoComplete="off"
        description="Create one in Bluesky under Settings → Privacy and security → App passwords. Roost never shows it again."
        value={values.app_password} error={fieldError(error, 'app_password')}
        onChange={(event) => onChange({ ...values, app_password: event.currentTarget.value })} />
      <TextInput label="Service URL (optional)" placeholder="https://pds.example.com"
        description="Only for a self-hosted PDS; otherwise it is found from the handle"
        value={values.pds_url} error={fieldError(error, 'pds_url')}
        onChange={(event) => onChange({ ...values, pds_url: event.currentTarget.value })} />
    </>
  );
}

const empty: Credentials = { identifier: '', app_password: '', pds_url: '' };

// Owners and admins connect a Bluesky account with an app password: the server signs in
// first, so a wrong password (422), an unreachable PDS (503) or a full plan (409) is
// answered before anything is stored.
export function ConnectProfileForm({ org, used }: { org: Organization; used: number }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Credentials>(empty);
  const [connected, setConnected] = useState<string | null>(null);
  const connect = useMutation({
    mutationFn: (credentials: Credentials) =>
      api<Profile>(`/orgs/${org.id}/profiles`, { method: 'POST', json: { network: 'bluesky', ...body(credentials) } }),
    onSuccess: (profile) => {
      setValues(empty);
      setConnected(profile.handle);
      void queryClient.invalidateQueries({ queryKey: keys.profiles(org.id) });
    },
  });
  const full = used >= org.plan.profile_limit;
  function submit(event: FormEvent) {
    event.preventDefault();
    setConnected(null);
    connect.mutate(values);
  }
  return (
    <Paper withBorder p="md" component="form" aria-label="Connect a Bluesky profile" onSubmit={submit}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Connect a Bluesky profile
        </Title>
        {full && (
          <Text size="sm" c="red" role="note">
            Every profile of the plan is in use ({used} / {org.plan.profile_limit}): remove one, or ask the
            operator for a larger plan.
          </Text>
        )}
        <CredentialFields values={values} onChange={setValues} error={connect.error} identifierRequired />
        <ErrorAlert error={connect.error} />
        {connected && (
          <Text size="sm" c="green" role="status">
            @{connected} is connected. You are its owner.
          </Text>
        )}
        <Group>
          <Button type="submit" loading={connect.isPending}>
            Connect
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

// The row actions of a profile: reconnect (managers of it) and remove (owners and admins).
export function ProfileActions({ org, profile }: { org: Organization; profile: Profile }) {
  const queryClient = useQueryClient();
  const [reconnecting, setReconnecting] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [values, setValues] = useState<Credentials>(empty);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.profiles(org.id) });
  const reconnect = useMutation({
    mutationFn: (credentials: Credentials) =>
      api<Profile>(`/orgs/${org.id}/profiles/${profile.id}/reconnect`, { method: 'POST', json: body(credentials) }),
    onSuccess: () => {
      setReconnecting(false);
      setValues(empty);
      void refresh();
    },
  });
  const oauth = useStartOAuth(org);
  const remove = useMutation({
    mutationFn: () => api<unknown>(`/orgs/${org.id}/profiles/${profile.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      setRemoving(false);
      void refresh();
    },
  });
  const isManager = profile.my_level === 'manager';
  const isAdmin = org.role === 'owner' || org.role === 'admin';
  if (!isManager && !isAdmin) return null;
  return (
    <Group gap="xs" wrap="nowrap">
      {isManager && (
        <Button size="xs" variant={profile.status === 'needs_reconnect' ? 'filled' : 'default'}
          color={profile.status === 'needs_reconnect' ? 'red' : undefined}
          aria-label={`Reconnect @${profile.handle}`} onClick={() => setReconnecting(true)}>
          Reconnect
        </Button>
      )}
      {isAdmin && (
        <Button size="xs" variant="subtle" color="red" aria-label={`Remove @${profile.handle}`} onClick={() => setRemoving(true)}>
          Remove
        </Button>
      )}
      <Modal opened={reconnecting} onClose={() => setReconnecting(false)} title={`Reconnect @${profile.handle}`}>
        <Stack gap="sm" mb="md">
          <Button variant="light" loading={oauth.isPending || oauth.isSuccess}
            onClick={() => oauth.mutate({ handle: profile.handle, profile_id: profile.id })}>
            Reconnect with Bluesky (OAuth)
          </Button>
          <ErrorAlert error={oauth.error} />
          <Text size="xs" c="dimmed">
            Or with an app password:
          </Text>
        </Stack>
        <form aria-label={`Reconnect @${profile.handle}`} onSubmit={(event) => {
          event.preventDefault();
          reconnect.mutate(values);
        }}>
          <Stack gap="sm">
            <CredentialFields values={values} onChange={setValues} error={reconnect.error} identifierRequired={false} />
            <ErrorAlert error={reconnect.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setReconnecting(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={reconnect.isPending}>
                Reconnect
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <Modal opened={removing} onClose={() => setRemoving(false)} title="Remove the profile?">
        <Stack gap="sm">
          <Text size="sm">
            @{profile.handle} leaves the organization: its posts that go to it alone are cancelled, and their authors
            are told.
          </Text>
          <ErrorAlert error={remove.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(false)}>
              Cancel
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Group>
  );
}
