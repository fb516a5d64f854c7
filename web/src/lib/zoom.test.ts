import { describe, expect, it } from "vitest";
import { formatZooms, parseZooms, withZoom } from "./zoom";

describe("zoom in the URL", () => {
  it("round-trips several panels, keys with ':' and ';' included", () => {
    const zooms = { "train/loss": [100, 250.5] as [number, number], "a:b;c": [-1, 2e6] as [number, number] };
    const text = formatZooms(zooms);
    expect(text).toBe("a%3Ab%3Bc:-1:2000000;train/loss:100:250.5");
    expect(parseZooms(text)).toEqual(zooms);
  });

  it("is encoded once in the address bar, and reads links from before", () => {
    const url = new URL("http://x/e/p");
    url.searchParams.set("zoom", formatZooms({ "train/loss": [0, 10], "50% done": [1, 2] }) ?? "");
    expect(url.search).toBe("?zoom=50%2525+done%3A1%3A2%3Btrain%2Floss%3A0%3A10");
    expect(parseZooms(new URL(url.href).searchParams.get("zoom"))).toEqual({ "train/loss": [0, 10], "50% done": [1, 2] });
    // Earlier links encoded every id (train%2Floss inside the parameter): the same zoom.
    expect(parseZooms("train%2Floss:0:10")).toEqual({ "train/loss": [0, 10] });
  });

  it("keeps links short and ignores parts it cannot read", () => {
    expect(formatZooms({ x: [1 / 3, 2 / 3] })).toBe("x:0.333333:0.666667");
    expect(parseZooms("x:1:2;broken;y:5:1;z:a:b;w::3;%E0%A4%A:1:2")).toEqual({ x: [1, 2] });
    expect(parseZooms(null)).toEqual({});
    expect(formatZooms({})).toBeNull();
  });

  it("zooms one panel in or out without touching the others", () => {
    const z = withZoom({ a: [0, 1] }, "b", [2, 3]);
    expect(z).toEqual({ a: [0, 1], b: [2, 3] });
    expect(withZoom(z, "a", null)).toEqual({ b: [2, 3] });
  });
});
