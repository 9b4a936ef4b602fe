import { useState } from 'react';
import { Alert, Anchor, Button, PasswordInput, Text, TextInput } from '@mantine/core';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { goToNext, safeNext } from '../api/next';
import { api, ApiError } from '../api/client';
import type { SessionLogin } from '../api/types';
import { useSession } from '../api/session';
import { useSubmit } from '../api/useSubmit';
import { AuthCard } from '../components/AuthCard';
import { ErrorAlert } from '../components/ErrorAlert';

type Step = 'password' | 'totp' | 'recovery';

// Sent by the sign-up page (router state) when it created the account but could not log in.
export interface LoginNotice {
  createdEmail: string;
  reason: string;
}

// Login in one or two steps: the password, then (for an account with two-factor
// authentication, answered 401 totp_required) the authenticator's code or a recovery code.
export function LoginPage() {
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNext(searchParams.get('next'));
  const notice = useLocation().state as LoginNotice | null;
  const [email, setEmail] = useState(notice?.createdEmail ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<Step>('password');
  const { busy, error, submit } = useSubmit(async () => {
    const body: Record<string, string> = { email, password };
    if (step === 'totp') body.totp_code = code.trim();
    if (step === 'recovery') body.recovery_code = code.trim();
    try {
      const login = await api<SessionLogin>('/sessions', { method: 'POST', json: body });
      signedIn(login);
      goToNext(next, navigate);
    } catch (caught) {
      // The password was right: ask for the second factor, which is not an error to show.
      if (caught instanceof ApiError && caught.code === 'totp_required') {
        setStep('totp');
        return;
      }
      throw caught;
    }
  });

  return (
    <AuthCard
      label="Log in"
      title="Log in to Roost"
      onSubmit={submit}
      other={{ prompt: 'New to Roost?', path: '/signup', text: 'Create an account' }}
    >
      {notice && step === 'password' && (
        <Alert color="blue" title="Your account was created">
          Logging in right after creating {notice.createdEmail} failed: {notice.reason} Log in here to continue.
        </Alert>
      )}
      {step === 'password' ? (
        <>
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
          />
        </>
      ) : (
        <>
          <Text size="sm">
            {step === 'totp'
              ? 'Two-factor authentication is on for this account. Enter the 6-digit code from your authenticator app.'
              : 'Enter one of your recovery codes. Each works once.'}
          </Text>
          <TextInput
            label={step === 'totp' ? 'Authentication code' : 'Recovery code'}
            autoComplete="one-time-code"
            inputMode={step === 'totp' ? 'numeric' : 'text'}
            required
            autoFocus
            value={code}
            onChange={(event) => setCode(event.currentTarget.value)}
          />
          <Anchor
            component="button"
            type="button"
            size="sm"
            onClick={() => {
              setCode('');
              setStep(step === 'totp' ? 'recovery' : 'totp');
            }}
          >
            {step === 'totp' ? 'Use a recovery code instead' : 'Use the authenticator code instead'}
          </Anchor>
        </>
      )}
      <ErrorAlert error={error} />
      <Button type="submit" loading={busy}>
        {step === 'password' ? 'Log in' : 'Verify'}
      </Button>
    </AuthCard>
  );
}
