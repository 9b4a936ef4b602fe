import { useQueries } from '@tanstack/react-query';
import { api } from './client';
import { canManageOrg, keys } from './queries';
import { useSession } from './session';
import type { Organization, Team, TeamMember } from './types';

// The teams whose shared things (streams, templates) the caller may change: every team for
// an owner or admin, else the teams where the caller is a team admin. A member's team list
// holds only their teams, so this costs one request per team they are in.
export function useManagedTeamIds(org: Organization, teams: Team[]): Set<number> {
  const { user } = useSession();
  const orgWide = canManageOrg(org);
  return useQueries({
    queries: teams.map((team) => ({
      queryKey: keys.team(org.id, team.id),
      enabled: !orgWide,
      queryFn: () => api<Team & { members: TeamMember[] }>(`/orgs/${org.id}/teams/${team.id}`),
    })),
    combine: (results) => {
      if (orgWide) return new Set(teams.map((team) => team.id));
      const managed = new Set<number>();
      results.forEach((result, index) => {
        const role = result.data?.members.find((member) => member.user_id === user?.id)?.team_role;
        if (role === 'team_admin') managed.add(teams[index].id);
      });
      return managed;
    },
  });
}
