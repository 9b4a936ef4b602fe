import { useState } from 'react';
import { Button, PasswordInput, TextInput } from '@mantine/core';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { safeNext } from '../api/next';
import { api } from '../api/client';
import { describeError, fieldError } from '../api/errors';
import type { Account, SessionLogin } from '../api/types';
import { useSession } from '../api/session';
import { useSubmit } from '../api/useSubmit';
import { AuthCard } from '../components/AuthCard';
import { ErrorAlert } from '../components/ErrorAlert';
import type { LoginNotice } from './LoginPage';

// Sign-up, then an immediate login with the same credentials; if only that login fails,
// the login page takes over.
export function SignUpPage() {
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNext(searchParams.get('next'));
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    await api<Account>('/accounts', {
      method: 'POST',
      json: { email, display_name: displayName, password },
    });
    let login: SessionLogin;
    try {
      login = await api<SessionLogin>('/sessions', { method: 'POST', json: { email, password } });
    } catch (caught) {
      // The account exists now: this form could only say the email is taken. Logging in is
      // what is left to do, so go there and say why.
      const notice: LoginNotice = { createdEmail: email, reason: describeError(caught).message };
      const query = searchParams.has('next') ? `?next=${encodeURIComponent(next)}` : '';
      navigate(`/login${query}`, { state: notice });
      return;
    }
    signedIn(login);
    navigate(next);
  });

  return (
    <AuthCard
      label="Create an account"
      title="Create your Roost account"
      onSubmit={submit}
      other={{ prompt: 'Already have an account?', path: '/login', text: 'Log in' }}
    >
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
    </AuthCard>
  );
}
