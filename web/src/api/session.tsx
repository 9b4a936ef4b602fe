import { createContext, useContext, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken } from './client';
import type { Account, SessionLogin } from './types';

interface SessionState {
  user: Account | null;
  loading: boolean;
  signedIn: (login: SessionLogin) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

// The current session (GET /sessions/current): its user and CSRF token. 401 means signed
// out, which is a state, not an error.
async function currentSession(): Promise<SessionLogin | null> {
  try {
    const login = await api<SessionLogin>('/sessions/current');
    setCsrfToken(login.csrf_token);
    return login;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  // Another user's data must not outlive their session; the session query itself stays
  // (its observer would miss a fresh one).
  const forgetOtherQueries = () => queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
  const session = useQuery({ queryKey: ['session'], queryFn: currentSession, staleTime: Infinity });
  const value: SessionState = {
    user: session.data?.user ?? null,
    loading: session.isPending,
    signedIn: (login) => {
      setCsrfToken(login.csrf_token);
      forgetOtherQueries();
      queryClient.setQueryData(['session'], login);
    },
    signOut: async () => {
      try {
        await api('/sessions/current', { method: 'DELETE' });
      } finally {
        setCsrfToken(null);
        forgetOtherQueries();
        queryClient.setQueryData(['session'], null);
      }
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
