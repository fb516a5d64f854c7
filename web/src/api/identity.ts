/**
 * The identity routes the admin and settings pages call (users, keys, teams, audit log, storage;
 * docs/server.md, "Users, teams and keys"). Kept apart from client.ts, which holds the run and
 * chart routes. A key's value arrives once, in NewKeyOut/ServiceAccountOut, and is never stored.
 */
import { request } from "./client";

export type Role = "admin" | "member" | "viewer";
export const ROLES: Role[] = ["admin", "member", "viewer"];

export interface UserOut {
  username: string;
  email: string | null;
  display_name: string | null;
  is_admin: boolean;
  kind: string;
  disabled: boolean;
  entity: string;
}
export interface ViewerOut {
  username: string;
  email?: string | null;
  display_name?: string | null;
  is_admin: boolean;
  kind?: string;
  entity: string;
  teams: ({ name: string; role: Role } | string)[];
}
export interface KeyOut {
  id: number | string;
  name: string;
  key_prefix: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
export interface NewKeyOut {
  id: number | string;
  name: string;
  key_prefix: string;
  key: string;
}
export interface TeamOut {
  name: string;
  role: Role | null;
  members_count: number;
}
export interface MemberOut {
  username: string;
  email: string | null;
  role: Role;
  kind: string;
  since: number;
}
export interface TeamDetailOut {
  name: string;
  members: MemberOut[];
}
export interface InviteOut {
  url: string;
  token: string;
  expires_at: number;
}
export interface ServiceAccountOut {
  username: string;
  api_key: string;
}
export interface AuditEventOut {
  id: number;
  at: number;
  actor: string | null;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
  detail: Record<string, unknown> | null;
}
export interface StorageOut {
  entity: string;
  project: string;
  runs: number;
  files_bytes: number;
  artifacts_bytes: number;
  history_rows: number;
}

const seg = encodeURIComponent;
const V1 = "/api/v1";

export const identity = {
  viewer: () => request<ViewerOut>("GET", `${V1}/viewer`),
  users: () => request<UserOut[]>("GET", `${V1}/users`),
  createUser: (body: { email: string; username?: string; admin: boolean }) => request<UserOut>("POST", `${V1}/users`, body),
  updateUser: (username: string, body: { admin?: boolean; disabled?: boolean }) => request<UserOut>("PATCH", `${V1}/users/${seg(username)}`, body),
  keys: (username: string) => request<KeyOut[]>("GET", `${V1}/users/${seg(username)}/keys`),
  createKey: (username: string, description: string) => request<NewKeyOut>("POST", `${V1}/users/${seg(username)}/keys`, { description }),
  revokeKey: (id: number | string) => request<void>("DELETE", `${V1}/keys/${seg(String(id))}`),
  teams: () => request<TeamOut[]>("GET", `${V1}/teams`),
  createTeam: (name: string, adminUsername?: string) =>
    request<TeamOut>("POST", `${V1}/teams`, adminUsername ? { name, admin_username: adminUsername } : { name }),
  team: (name: string) => request<TeamDetailOut>("GET", `${V1}/teams/${seg(name)}`),
  setMember: (team: string, user: string, role: Role) => request<MemberOut>("PUT", `${V1}/teams/${seg(team)}/members/${seg(user)}`, { role }),
  removeMember: (team: string, username: string) => request<void>("DELETE", `${V1}/teams/${seg(team)}/members/${seg(username)}`),
  createInvite: (team: string, email: string | null, role: Role) =>
    request<InviteOut>("POST", `${V1}/teams/${seg(team)}/invites`, email ? { email, role } : { role }),
  createServiceAccount: (team: string, description: string) =>
    request<ServiceAccountOut>("POST", `${V1}/teams/${seg(team)}/service-accounts`, { description }),
  audit: (params: { limit: number; before?: number | null; action?: string | null }) => {
    const sp = new URLSearchParams({ limit: String(params.limit) });
    if (params.before) sp.set("before", String(params.before));
    if (params.action) sp.set("action", params.action);
    return request<AuditEventOut[]>("GET", `${V1}/admin/audit?${sp.toString()}`);
  },
  storage: () => request<StorageOut[]>("GET", `${V1}/admin/storage`),
};

/** The team names of a viewer answer (plain names before the identity routes, {name, role} after). */
export function viewerTeams(viewer: ViewerOut): { name: string; role: Role | null }[] {
  return viewer.teams.map((t) => (typeof t === "string" ? { name: t, role: null } : t)).filter((t) => t.name !== viewer.username);
}
