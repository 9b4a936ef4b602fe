// The shapes of docs/api/openapi.yaml that the screens use.
export type OrgRole = 'owner' | 'admin' | 'member';
export type TeamRole = 'team_admin' | 'member';
export type ProfileLevel = 'viewer' | 'limited' | 'publisher' | 'manager';

export interface Account {
  id: number;
  email: string;
  display_name: string;
  created_at: string;
  two_factor_enabled?: boolean;
}

export interface SessionLogin {
  user: Account;
  csrf_token: string;
}

export interface Organization {
  id: number;
  name: string;
  role: OrgRole;
  plan: { profile_limit: number; seat_limit: number };
  usage: { seats_used: number };
  logo_url: string | null;
  created_at: string;
}

export interface Member {
  user_id: number;
  email: string;
  display_name: string;
  role: OrgRole;
  joined_at: string;
}

export interface Team {
  id: number;
  name: string;
  created_at: string;
}

export interface TeamMember {
  user_id: number;
  email: string;
  display_name: string;
  team_role: TeamRole;
  added_at: string;
}

export interface Profile {
  id: number;
  network: string;
  handle: string;
  display_name: string;
  avatar_url: string;
  status: 'active' | 'needs_reconnect';
  owner_user_id: number | null;
  requires_confirmation: boolean;
  my_level?: ProfileLevel;
  level?: ProfileLevel;
}

export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'revoked' | 'expired';

export interface Invitation {
  id: number;
  org_id: number;
  org_name: string;
  email: string;
  role: 'admin' | 'member';
  status: InvitationStatus;
  invited_by: { user_id: number | null; display_name: string };
  teams: { id: number; name: string }[];
  created_at: string;
  expires_at: string;
  invite_url?: string;
}

export interface ProblemDetail {
  field?: string;
  message: string;
  line?: number;
  column?: number;
}

interface ImportRow {
  line: number;
  email: string;
  status: 'ok' | 'error';
  role?: 'admin' | 'member';
  teams?: string[];
  errors?: ProblemDetail[];
  invitation_id?: number;
  invite_url?: string;
}

export interface MemberImportReport {
  dry_run: boolean;
  applied: boolean;
  rows_total: number;
  rows_ok: number;
  rows_with_errors: number;
  teams_created: string[];
  seats: { used: number; limit: number };
  seat_limit_error: string | null;
  rows: ImportRow[];
}

export interface AuditEvent {
  id: number;
  actor: { id: number; email: string | null; display_name: string | null } | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
  request_id: string;
  time: string;
}

export interface Notification {
  id: number;
  org_id: number | null;
  kind: string;
  payload: Record<string, unknown>;
  created_at: string;
  read_at: string | null;
}

