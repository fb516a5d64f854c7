import { describe, expect, it } from "vitest";
import { forgetInvite, inviteToken, readOffer } from "./invite";

// As the server signs it: base64url of the payload's UTF-8 bytes.
const body = (o: object): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(o))))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

const tab = (): Pick<Storage, "getItem" | "setItem" | "removeItem"> => {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
};

describe("invite links", () => {
  it("reads the token from the fragment and keeps it for after signing in", () => {
    const storage = tab();
    expect(inviteToken("#token=abc.def", storage)).toBe("abc.def");
    expect(inviteToken("", storage)).toBe("abc.def");
    forgetInvite(storage);
    expect(inviteToken("", storage)).toBeNull();
  });

  it("shows what the invite offers, and nothing for a token it cannot read", () => {
    expect(readOffer(`${body({ team: "ml", role: "viewer", email: "a@b.test", exp: 1 })}.mac`)).toEqual({ team: "ml", role: "viewer", email: "a@b.test" });
    expect(readOffer(`${body({ team: "ml ü 視覚", role: "admin" })}.mac`)).toEqual({ team: "ml ü 視覚", role: "admin", email: null });
    expect(readOffer("%%%.mac")).toBeNull();
    expect(readOffer(`${body({ role: "admin" })}.mac`)).toBeNull();
  });
});
