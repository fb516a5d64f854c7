import { describe, expect, it } from "vitest";
import cases from "../../../tests/cases/smoothing.json";
import { smooth, type SmoothingKind } from "./smoothing";

// The UI's smoothing and the exported report's (src/trackwell/service/smoothing.py) run these cases.
describe("smoothing cases shared with the server", () => {
  for (const c of cases.cases) {
    it(`${c.kind}(${c.param}) over ${c.xs.length} points`, () => {
      const got = smooth(c.xs, c.ys, { kind: c.kind as SmoothingKind, param: c.param });
      expect(got.length).toBe(c.expected.length);
      got.forEach((v, i) => {
        const want = c.expected[i];
        if (want === null || want === undefined) expect(v).toBeNull();
        else expect(v).toBeCloseTo(want, 9);
      });
    });
  }
});
