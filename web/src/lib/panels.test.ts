import { expect, it } from "vitest";
import { assignGroupColors, assignRunColors, buildSections, groupColor, hasPickedColor, PALETTE, runColor, setPickedColors, withPickedColor } from "./panels";

it("groups metrics into sections by prefix in a useful order", () => {
  const s = buildSections(["system/cpu", "val/loss", "lr", "train/loss10", "train/loss2", "zeta/x", "_step"]);
  expect(s).toEqual([
    { name: "Charts", keys: ["lr"] },
    { name: "train", keys: ["train/loss2", "train/loss10"] },
    { name: "val", keys: ["val/loss"] },
    { name: "zeta", keys: ["zeta/x"] },
    { name: "system", keys: ["system/cpu"] },
  ]);
});

it("filters panels by search, regex or plain text", () => {
  expect(buildSections(["train/loss", "val/acc"], "LOSS").map((x) => x.keys)).toEqual([["train/loss"]]);
  expect(buildSections(["a(b", "c"], "a(").map((x) => x.keys)).toEqual([["a(b"]]);
});

it("gives a run the same colour every time", () => {
  expect(runColor("abc123")).toBe(runColor("abc123"));
  expect(new Set(["r1", "r2", "r3", "r4", "r5"].map(runColor)).size).toBeGreaterThan(2);
});

/** Red, green and blue of a #rrggbb colour. */
const rgb = (c: string): [number, number, number] => {
  const n = parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};
/** A rough perceptual distance (the "redmean" weighting of RGB). */
function distance(a: string, b: string): number {
  const [r1, g1, b1] = rgb(a);
  const [r2, g2, b2] = rgb(b);
  const r = (r1 + r2) / 2;
  return Math.sqrt((2 + r / 256) * (r1 - r2) ** 2 + 4 * (g1 - g2) ** 2 + (2 + (255 - r) / 256) * (b1 - b2) ** 2);
}

it("gives 20 runs of a project 20 different colours, neighbours far apart, by creation order", () => {
  const runs = Array.from({ length: 20 }, (_, i) => ({ key: `e/p/run${i}`, created: 1000 + (i * 7) % 20 }));
  assignRunColors(runs);
  const byAge = [...runs].sort((a, b) => a.created - b.created).map((r) => runColor(r.key));
  expect(new Set(byAge).size).toBe(20);
  expect(byAge).toEqual(PALETTE);
  // Runs created one after the other (next to each other in the table) look clearly different.
  for (let i = 1; i < byAge.length; i++) expect(distance(byAge[i - 1] as string, byAge[i] as string)).toBeGreaterThan(150);
  // Any two colours of the palette differ, not only neighbours (no near-identical reds).
  for (const a of PALETTE) for (const b of PALETTE) if (a !== b) expect(distance(a, b)).toBeGreaterThan(60);
  // A new run takes the next colour; the others keep theirs.
  const before = runs.map((r) => runColor(r.key));
  assignRunColors([...runs, { key: "e/p/new", created: 5000 }]);
  expect(runs.map((r) => runColor(r.key))).toEqual(before);
  expect(runColor("e/p/new")).toBe(PALETTE[0]);
});

it("gives every group its own colour", () => {
  assignGroupColors(["sgd", "adam", "lion", "adam"]);
  const colors = ["adam", "lion", "sgd"].map(groupColor);
  expect(new Set(colors).size).toBe(3);
  expect(colors).toEqual(PALETTE.slice(0, 3));
});

it("a picked colour wins over the automatic one, for runs and groups alike, and reset brings it back", () => {
  assignRunColors([{ key: "e/p/a", created: 1 }, { key: "e/p/b", created: 2 }]);
  assignGroupColors(["adam", "sgd"]);
  const auto = [runColor("e/p/a"), runColor("e/p/b"), groupColor("adam")];
  setPickedColors("e", "p", { a: "#E91E63", "group:adam": "#00897b", b: "red" });
  expect(runColor("e/p/a")).toBe("#e91e63");
  expect(runColor("e/p/b")).toBe(auto[1]); // not a hex colour: ignored
  expect(groupColor("adam")).toBe("#00897b");
  expect(hasPickedColor("e/p/a")).toBe(true);
  expect(runColor("other/p/a")).not.toBe("#e91e63"); // another project's run of the same id
  setPickedColors("e", "p", undefined);
  expect([runColor("e/p/a"), runColor("e/p/b"), groupColor("adam")]).toEqual(auto);
});

it("editing run_colors sets, resets and refuses what is not #rrggbb", () => {
  expect(withPickedColor(undefined, "a", "#ABCDEF")).toEqual({ a: "#abcdef" });
  expect(withPickedColor({ a: "#abcdef", b: "#000000" }, "a", null)).toEqual({ b: "#000000" });
  expect(withPickedColor({ a: "#abcdef" }, "a", null)).toBeUndefined();
  expect(() => withPickedColor({}, "a", "blue")).toThrow(/#rrggbb/);
});

it("a picked colour goes into the layout by run id, or group:<label>, and out again", async () => {
  const { pickColor } = await import("./runColors");
  const base = { version: 1 as const, panels: [], removed: [] };
  const one = pickColor(base, "e/p/abc", "#123456");
  expect(one.run_colors).toEqual({ abc: "#123456" });
  expect(pickColor(one, "group:adam", "#00897B").run_colors).toEqual({ abc: "#123456", "group:adam": "#00897b" });
  expect(pickColor(one, "e/p/abc", null)).toEqual(base);
});
