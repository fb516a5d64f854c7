/** Invite links (`/invite#token=...`): the token rides in the fragment, which browsers never send to
 * a server. It is kept in this tab's sessionStorage while the user signs in (single sign-on leaves the
 * page), and what it offers is read from its signed body for display only: the server checks it. */
const KEY = "tw:invite";

export interface InviteOffer {
  team: string;
  role: string;
  email: string | null;
}

type TabStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function inviteToken(hash: string = window.location.hash, storage: TabStorage = sessionStorage): string | null {
  const fromHash = new URLSearchParams(hash.replace(/^#/, "")).get("token");
  if (fromHash) {
    storage.setItem(KEY, fromHash);
    return fromHash;
  }
  return storage.getItem(KEY);
}

export function forgetInvite(storage: TabStorage = sessionStorage): void {
  storage.removeItem(KEY);
}

export function readOffer(token: string): InviteOffer | null {
  try {
    const body = token.split(".")[0] ?? "";
    const bytes = atob(body.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (body.length % 4)) % 4));
    const json = new TextDecoder().decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0)));
    const data = JSON.parse(json) as Record<string, unknown>;
    if (typeof data.team !== "string" || typeof data.role !== "string") return null;
    return { team: data.team, role: data.role, email: typeof data.email === "string" ? data.email : null };
  } catch {
    return null;
  }
}
