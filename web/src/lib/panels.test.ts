import { expect, it } from "vitest";
import { buildSections, runColor } from "./panels";

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
