import { Center, Loader } from '@mantine/core';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useSearchParams } from 'react-router-dom';
import { isServerPage, safeNext } from './api/next';
import { useSession } from './api/session';
import { ErrorAlert } from './components/ErrorAlert';
import { Layout } from './components/Layout';
import { AuditPage } from './pages/AuditPage';
import { HomePage } from './pages/HomePage';
import { ImportPage } from './pages/ImportPage';
import { InvitationLinkPage } from './pages/InvitationLinkPage';
import { InvitationsPage } from './pages/InvitationsPage';
import { LoginPage } from './pages/LoginPage';
import { MembersPage } from './pages/MembersPage';
import { NewOrgPage } from './pages/NewOrgPage';
import { ProfilesPage } from './pages/ProfilesPage';
import { SignUpPage } from './pages/SignUpPage';
import { TeamPage } from './pages/TeamPage';
import { TeamsPage } from './pages/TeamsPage';

// Publishing's screens load on first use: the first load stays within its budget.
const ComposePage = lazy(() => import('./pages/ComposePage').then((m) => ({ default: m.ComposePage })));
const PostsPage = lazy(() => import('./pages/PostsPage').then((m) => ({ default: m.PostsPage })));
const StreamsPage = lazy(() => import('./pages/StreamsPage').then((m) => ({ default: m.StreamsPage })));
const InboxPage = lazy(() => import('./pages/InboxPage').then((m) => ({ default: m.InboxPage })));
const InboxRulesPage = lazy(() => import('./pages/InboxRulesPage').then((m) => ({ default: m.InboxRulesPage })));
const ApprovalsPage = lazy(() => import('./pages/PostsPage').then((m) => ({ default: m.ApprovalsPage })));

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loader aria-label="Loading" />}>{children}</Suspense>;
}

function SignedIn({ children }: { children: ReactNode }) {
  const { user, loading } = useSession();
  const location = useLocation();
  if (loading) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (!user) {
    const next = location.pathname === '/' ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  return <Layout>{children}</Layout>;
}

function SignedOut({ children }: { children: ReactNode }) {
  const { user, loading } = useSession();
  const [searchParams] = useSearchParams();
  if (loading) return null;
  if (user) {
    const next = safeNext(searchParams.get('next'));
    return isServerPage(next) ? <LoadServerPage path={next} /> : <Navigate to={next} replace />;
  }
  return <>{children}</>;
}

// A page the server answers itself (the OAuth callback): a full load, not a client route.
function LoadServerPage({ path }: { path: string }) {
  useEffect(() => window.location.replace(path), [path]);
  return null;
}

function NotFound() {
  return <ErrorAlert error={new Error('There is no page at this address.')} />;
}

// Every organization route names its organization: switching is navigating.
export function App() {
  return (
    <Routes>
      <Route path="/login" element={<SignedOut><LoginPage /></SignedOut>} />
      <Route path="/signup" element={<SignedOut><SignUpPage /></SignedOut>} />
      <Route path="/" element={<SignedIn><HomePage /></SignedIn>} />
      <Route path="/invitations" element={<SignedIn><InvitationsPage /></SignedIn>} />
      <Route path="/invitations/:token" element={<InvitationLinkPage />} />
      <Route path="/orgs/new" element={<SignedIn><NewOrgPage /></SignedIn>} />
      <Route path="/orgs/:orgId" element={<Navigate to="members" replace />} />
      <Route path="/orgs/:orgId/members" element={<SignedIn><MembersPage /></SignedIn>} />
      <Route path="/orgs/:orgId/import" element={<SignedIn><ImportPage /></SignedIn>} />
      <Route path="/orgs/:orgId/teams" element={<SignedIn><TeamsPage /></SignedIn>} />
      <Route path="/orgs/:orgId/teams/:teamId" element={<SignedIn><TeamPage /></SignedIn>} />
      <Route path="/orgs/:orgId/profiles" element={<SignedIn><ProfilesPage /></SignedIn>} />
      <Route path="/orgs/:orgId/audit" element={<SignedIn><AuditPage /></SignedIn>} />
      <Route path="/orgs/:orgId/compose" element={<SignedIn><Lazy><ComposePage /></Lazy></SignedIn>} />
      <Route path="/orgs/:orgId/posts" element={<SignedIn><Lazy><PostsPage /></Lazy></SignedIn>} />
      <Route path="/orgs/:orgId/approvals" element={<SignedIn><Lazy><ApprovalsPage /></Lazy></SignedIn>} />
      <Route path="/orgs/:orgId/streams" element={<SignedIn><Lazy><StreamsPage /></Lazy></SignedIn>} />
      <Route path="/orgs/:orgId/inbox" element={<SignedIn><Lazy><InboxPage /></Lazy></SignedIn>} />
      <Route path="/orgs/:orgId/inbox-rules" element={<SignedIn><Lazy><InboxRulesPage /></Lazy></SignedIn>} />
      <Route path="*" element={<SignedIn><NotFound /></SignedIn>} />
    </Routes>
  );
}
