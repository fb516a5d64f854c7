/** The sign-in API the sign-in, invite and password pages use (docs/sign-in.md). */
import { request, type SessionInfo } from "../api/client";
import type { components } from "../api/generated/schema";

export type AuthMethods = components["schemas"]["AuthMethods"];

export const signinApi = {
  methods: () => request<AuthMethods>("GET", "/api/v1/auth/methods"),
  withPassword: (username: string, password: string) => request<SessionInfo>("POST", "/api/v1/session", { username, password }),
  withKey: (apiKey: string) => request<SessionInfo>("POST", "/api/v1/session", { api_key: apiKey }),
  changePassword: (currentPassword: string | null, newPassword: string) =>
    request<void>("PUT", "/api/v1/session/password", { current_password: currentPassword || null, new_password: newPassword }),
  acceptInvite: (token: string, username: string | null, password: string | null) =>
    request<SessionInfo>("POST", "/api/v1/invites/accept", { token, username: username || null, password: password || null }),
};

/** Where single sign-on starts: a full-page navigation to the server, which sends the browser on to
 * the provider and back to `next` (a path in this UI). */
export function ssoHref(loginUrl: string, next: string): string {
  return `${loginUrl}?${new URLSearchParams({ next }).toString()}`;
}
