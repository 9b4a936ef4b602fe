import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { browser } from '../api/browser';
import { api } from '../api/client';
import { fieldError } from '../api/errors';
import type { Organization } from '../api/types';
import { ErrorAlert } from './ErrorAlert';

interface Started {
  authorize_url: string;
}

// Starts AT Protocol OAuth (ADR 0031): the server pushes the authorization and answers the
// account's sign-in page; the browser goes there and comes back to /oauth/bluesky/callback,
// which lands on this page with ?oauth=... or ?oauth_error=... (OAuthOutcome).
export function useStartOAuth(org: Organization) {
  return useMutation({
    mutationFn: (json: { handle?: string; profile_id?: number }) =>
      api<Started>(`/orgs/${org.id}/profiles/oauth`, { method: 'POST', json }),
    onSuccess: (started) => browser.go(started.authorize_url),
  });
}

// Beside the app-password form: the preferred way, no password leaves the account's server.
export function OAuthConnectForm({ org }: { org: Organization }) {
  const [handle, setHandle] = useState('');
  const start = useStartOAuth(org);
  function submit(event: FormEvent) {
    event.preventDefault();
    start.mutate({ handle: handle.trim().replace(/^@/, '') });
  }
  return (
    <Paper withBorder p="md" component="form" aria-label="Connect with Bluesky (OAuth)" onSubmit={submit}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Connect with Bluesky (OAuth)
        </Title>
        <Text size="sm" c="dimmed">
          Recommended: you sign in on the account&apos;s own server and approve Roost there. No app password needed.
        </Text>
        <TextInput label="Bluesky handle" placeholder="team.bsky.social" required value={handle}
          error={fieldError(start.error, 'handle')} onChange={(event) => setHandle(event.currentTarget.value)} />
        <ErrorAlert error={start.error} />
        <Group>
          <Button type="submit" loading={start.isPending || start.isSuccess}>
            Continue to Bluesky
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

// What the callback's ?oauth_error= codes mean to the person who came back.
export const oauthErrorMessages: Record<string, string> = {
  denied: 'You declined the authorization on Bluesky, so no profile was connected.',
  unknown_state: 'This sign-in link is not known (or was already used). Start the connection again.',
  expired_state: 'The sign-in took more than 10 minutes and expired. Start the connection again.',
  wrong_account: 'You signed in as another account than the profile you are reconnecting. Sign in as that account.',
  limit_reached: 'Every profile of the plan is in use: remove one, or ask the operator for a larger plan.',
  already_connected: 'This account is already a profile of the organization.',
  forbidden: 'You may no longer connect or reconnect this profile.',
  failed: 'Bluesky did not complete the connection. Try again in a moment.',
};

// The outcome the callback sent the browser back with.
export function OAuthOutcome() {
  const [params] = useSearchParams();
  const error = params.get('oauth_error');
  const done = params.get('oauth');
  if (error) {
    return (
      <Alert color="red" title="The profile was not connected">
        {oauthErrorMessages[error] ?? oauthErrorMessages.failed}
      </Alert>
    );
  }
  if (done === 'connected' || done === 'reconnected') {
    // A piece of news, not a problem: a status region around Mantine's Alert (role alert).
    return (
      <div role="status">
        <Alert color="green" title={done === 'connected' ? 'Profile connected' : 'Profile reconnected'}>
          {done === 'connected' ? 'The Bluesky profile is connected with OAuth. You are its owner.' : 'The profile is active again.'}
        </Alert>
      </div>
    );
  }
  return null;
}
