import {
  ActionIcon,
  Alert,
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  NavLink,
  Select,
  Text,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link, NavLink as RouterNavLink, useLocation, useNavigate, useParams } from 'react-router-dom';
import { useLiveStatus } from '../api/events';
import { useLiveCacheSync } from '../api/liveSync';
import { useMyInvitations, useOrgs } from '../api/queries';
import { useSession } from '../api/session';
import { MoonIcon, SunIcon } from './Icons';
import { NotificationBell } from './NotificationBell';

export const lastOrgKey = 'roost.lastOrg';

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <ActionIcon variant="default" size="lg" aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`}
      onClick={() => setColorScheme(next)}>
      {scheme === 'dark' ? <SunIcon /> : <MoonIcon />}
    </ActionIcon>
  );
}

function OrgSwitcher() {
  const orgs = useOrgs();
  const navigate = useNavigate();
  const { orgId } = useParams();
  const options = (orgs.data ?? []).map((org) => ({ value: String(org.id), label: org.name }));
  return (
    <Select
      aria-label="Organization"
      placeholder={options.length ? 'Choose an organization' : 'No organization yet'}
      data={[...options, { value: 'new', label: '+ New organization' }]}
      value={orgId ?? null}
      allowDeselect={false}
      w={220}
      onChange={(value) => {
        if (value === 'new') navigate('/orgs/new');
        else if (value) {
          localStorage.setItem(lastOrgKey, value);
          navigate(`/orgs/${value}/members`);
        }
      }}
    />
  );
}

const orgSections = [
  { path: 'streams', label: 'Streams' },
  { path: 'inbox', label: 'Inbox' },
  { path: 'compose', label: 'Compose' },
  { path: 'posts', label: 'Posts' },
  { path: 'approvals', label: 'Approvals' },
  { path: 'members', label: 'Members' },
  { path: 'import', label: 'Import members' },
  { path: 'teams', label: 'Teams' },
  { path: 'profiles', label: 'Social profiles' },
  { path: 'inbox-rules', label: 'Inbox rules' },
  { path: 'audit', label: 'Audit log' },
];

// The organization's live events keep its screens current while any of them is open; when
// the server ends the stream (1008), the user is told rather than left with a frozen page.
function LiveEvents({ orgId }: { orgId: number }) {
  useLiveCacheSync(orgId);
  const status = useLiveStatus(orgId);
  if (status !== 'ended') return null;
  return (
    <Alert color="orange" title="Live updates stopped" role="alert" mb="md">
      The server ended the live connection: your session has ended or you are no longer a member of this
      organization. Reload the page or sign in again to see new items.
    </Alert>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { user, signOut } = useSession();
  const [opened, { toggle }] = useDisclosure();
  const { orgId } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const invitations = useMyInvitations(user !== null);
  const pending = invitations.data?.length ?? 0;
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={orgId ? { width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } } : undefined}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            {orgId && <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />}
            <Text component={Link} to="/" fw={700} size="lg">
              Roost
            </Text>
            <OrgSwitcher />
          </Group>
          <Group wrap="nowrap" gap="xs">
            <Button component={Link} to="/invitations" variant="subtle" size="sm"
              rightSection={pending > 0 ? <Badge size="sm" circle>{pending}</Badge> : undefined}>
              Invitations
            </Button>
            <NotificationBell />
            <ThemeToggle />
            <Text size="sm" visibleFrom="md" c="dimmed">
              {user?.display_name}
            </Text>
            <Button variant="default" size="sm" onClick={() => signOut().then(() => navigate('/login'))}>
              Log out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      {orgId && (
        <AppShell.Navbar p="xs" aria-label="Organization settings">
          {orgSections.map((section) => {
            const to = `/orgs/${orgId}/${section.path}`;
            return (
              <NavLink key={section.path} component={RouterNavLink} to={to} label={section.label}
                active={location.pathname === to || location.pathname.startsWith(`${to}/`)} />
            );
          })}
        </AppShell.Navbar>
      )}
      <AppShell.Main>
        {orgId && Number.isFinite(Number(orgId)) && <LiveEvents orgId={Number(orgId)} />}
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
