import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from './client';
import type {
  AuditEvent,
  Invitation,
  Member,
  Notification,
  Organization,
  Profile,
  Team,
  TeamMember,
} from './types';

// One query key per resource, so that a mutation invalidates exactly what it changed.
export const keys = {
  orgs: ['orgs'] as const,
  org: (orgId: number) => ['orgs', orgId] as const,
  members: (orgId: number) => ['orgs', orgId, 'members'] as const,
  orgInvitations: (orgId: number) => ['orgs', orgId, 'invitations'] as const,
  teams: (orgId: number) => ['orgs', orgId, 'teams'] as const,
  team: (orgId: number, teamId: number) => ['orgs', orgId, 'teams', teamId] as const,
  teamProfiles: (orgId: number, teamId: number) => ['orgs', orgId, 'teams', teamId, 'profiles'] as const,
  profiles: (orgId: number) => ['orgs', orgId, 'profiles'] as const,
  audit: (orgId: number, action: string) => ['orgs', orgId, 'audit', action] as const,
  myInvitations: ['me', 'invitations'] as const,
  notifications: ['me', 'notifications'] as const,
};

export function canManageOrg(org: Organization | undefined): boolean {
  return org?.role === 'owner' || org?.role === 'admin';
}

export function useOrgs() {
  return useQuery({
    queryKey: keys.orgs,
    queryFn: () => api<{ organizations: Organization[] }>('/orgs').then((r) => r.organizations),
  });
}

export function useOrg(orgId: number) {
  return useQuery({ queryKey: keys.org(orgId), queryFn: () => api<Organization>(`/orgs/${orgId}`) });
}

const pageSize = 100;
// The largest page the members endpoint gives (docs/api/openapi.yaml), for fewer round trips.
const allMembersPageSize = 200;

export function useMembers(orgId: number) {
  return useInfiniteQuery({
    queryKey: keys.members(orgId),
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      api<{ members: Member[]; next_cursor: string | null }>(
        `/orgs/${orgId}/members?limit=${pageSize}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

// Every member of the organization, all pages fetched in turn: for the pickers and name
// lookups, where a member beyond the first page must not be missing. The key sits under
// keys.members, so what invalidates the paged list invalidates this one too.
export function useAllMembers(orgId: number) {
  return useQuery({
    queryKey: [...keys.members(orgId), 'all'] as const,
    queryFn: async ({ signal }) => {
      const all: Member[] = [];
      let cursor = '';
      do {
        const page = await api<{ members: Member[]; next_cursor: string | null }>(
          `/orgs/${orgId}/members?limit=${allMembersPageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { signal },
        );
        all.push(...page.members);
        cursor = page.next_cursor ?? '';
      } while (cursor);
      return all;
    },
  });
}

export function useOrgInvitations(orgId: number, enabled: boolean) {
  return useQuery({
    queryKey: keys.orgInvitations(orgId),
    enabled,
    queryFn: () => api<{ invitations: Invitation[] }>(`/orgs/${orgId}/invitations`).then((r) => r.invitations),
  });
}

export function useTeams(orgId: number) {
  return useQuery({
    queryKey: keys.teams(orgId),
    queryFn: () => api<{ teams: Team[] }>(`/orgs/${orgId}/teams`).then((r) => r.teams),
  });
}

export function useTeam(orgId: number, teamId: number) {
  return useQuery({
    queryKey: keys.team(orgId, teamId),
    queryFn: () => api<Team & { members: TeamMember[] }>(`/orgs/${orgId}/teams/${teamId}`),
  });
}

export function useTeamProfiles(orgId: number, teamId: number) {
  return useQuery({
    queryKey: keys.teamProfiles(orgId, teamId),
    queryFn: () =>
      api<{ profiles: Profile[] }>(`/orgs/${orgId}/teams/${teamId}/profiles`).then((r) => r.profiles),
  });
}

export function useProfiles(orgId: number) {
  return useQuery({
    queryKey: keys.profiles(orgId),
    queryFn: () => api<{ profiles: Profile[] }>(`/orgs/${orgId}/profiles`).then((r) => r.profiles),
  });
}

export function useAudit(orgId: number, action: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: keys.audit(orgId, action),
    enabled,
    initialPageParam: '',
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: '50' });
      if (action) query.set('action', action);
      if (pageParam) query.set('cursor', pageParam);
      return api<{ events: AuditEvent[]; next_cursor: string | null }>(`/orgs/${orgId}/audit?${query}`);
    },
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

export function useMyInvitations(enabled = true) {
  return useQuery({
    queryKey: keys.myInvitations,
    enabled,
    queryFn: () => api<{ invitations: Invitation[] }>('/me/invitations').then((r) => r.invitations),
  });
}

// Polled, and fetched again on a live notification.* event while an organization screen is
// open (api/liveSync.ts): the poll covers the screens outside an organization.
const notificationPollMs = 30_000;

export function useNotifications(enabled: boolean) {
  return useQuery({
    queryKey: keys.notifications,
    enabled,
    refetchInterval: notificationPollMs,
    queryFn: () =>
      api<{ notifications: Notification[]; unread_count: number }>('/me/notifications?limit=20'),
  });
}
