import { useState, type FormEvent } from 'react';
import { Anchor, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { safeNext } from '../api/next';
import { api } from '../api/client';
import { fieldError } from '../api/errors';
import type { Account, SessionLogin } from '../api/types';
import { useSession } from '../api/session';
import { ErrorAlert } from '../components/ErrorAlert';

// Sign-up, then an immediate login with the same credentials.
export function SignUpPage() {
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNext(searchParams.get('next'));
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api<Account>('/accounts', {
        method: 'POST',
        json: { email, display_name: displayName, password },
      });
      const login = await api<SessionLogin>('/sessions', { method: 'POST', json: { email, password } });
      signedIn(login);
      navigate(next);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper maw={420} mx="auto" mt="xl" p="xl" withBorder>
      <form onSubmit={submit} aria-label="Create an account">
        <Stack>
          <Title order={1} size="h2">
            Create your Roost account
          </Title>
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            required
            value={email}
            error={fieldError(error, 'email')}
            onChange={(event) => setEmail(event.currentTarget.value)}
          />
          <TextInput
            label="Display name"
            autoComplete="name"
            required
            maxLength={100}
            value={displayName}
            error={fieldError(error, 'display_name')}
            onChange={(event) => setDisplayName(event.currentTarget.value)}
          />
          <PasswordInput
            label="Password"
            description="At least 8 characters; common passwords are refused."
            autoComplete="new-password"
            required
            value={password}
            error={fieldError(error, 'password')}
            onChange={(event) => setPassword(event.currentTarget.value)}
          />
          <ErrorAlert error={error} />
          <Button type="submit" loading={busy}>
            Create account
          </Button>
          <Text size="sm">
            Already have an account?{' '}
            <Anchor component={Link} to={`/login${searchParams.has('next') ? `?next=${encodeURIComponent(next)}` : ''}`}>
              Log in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </Paper>
  );
}
