/**
 * The identity routes the admin and settings pages call (users, keys, teams, audit log, storage;
 * docs/server.md, "Users, teams and keys"). Kept apart from client.ts, which holds the run and
 * chart routes. A key's value arrives once, in NewKeyOut/ServiceAccountOut, and is never stored.
 */
import { request } from "./client";
import type { components } from "./generated/schema";

type S = components["schemas"];
export type ViewerOut = S["ViewerOut"];
export type UserOut = S["UserOut"];
export type KeyOut = S["KeyOut"];
export type NewKeyOut = S["NewKeyOut"];
export type TeamOut = S["TeamOut"];
export type MemberOut = S["MemberOut"];
export type TeamDetailOut = S["TeamDetailOut"];
export type InviteOut = S["InviteOut"];
export type ServiceAccountOut = S["ServiceAccountOut"];
export type AuditEventOut = S["AuditEventOut"];
export type StorageOut = S["ProjectUsageOut"];
export type Role = MemberOut["role"];
export const ROLES: Role[] = ["admin", "member", "viewer"];

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

/** The viewer's teams with their role; a person's own entity is a membership, not a team. */
export function viewerTeams(viewer: ViewerOut): { name: string; role: Role }[] {
  return viewer.teams.filter((t) => t.name !== viewer.username);
}
