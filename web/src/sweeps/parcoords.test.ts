import { describe, expect, it } from "vitest";
import { brushLabel, buildAxes, buildAxis, colorScale, decodeBrushes, encodeBrushes, moveAxis, orderAxes, selectRows, type PcRow } from "./parcoords";

const rows: PcRow[] = [
  { key: "a", name: "a", values: { lr: 1e-4, opt: "sgd", bs: 32, loss: 0.9 } },
  { key: "b", name: "b", values: { lr: 1e-3, opt: "adamw", bs: 64, loss: 0.5 } },
  { key: "c", name: "c", values: { lr: 1e-2, opt: "adamw", bs: 128, loss: 0.2 } },
  { key: "d", name: "d", values: { lr: 1e-2, opt: "sgd", bs: 64 } },
];

describe("axes", () => {
  it("a log axis puts decades evenly and labels them", () => {
    const axis = buildAxis({ key: "lr", log: true }, rows)!;
    expect(axis.kind).toBe("log");
    expect(axis.pos(1e-4)).toBeCloseTo(0);
    expect(axis.pos(1e-3)).toBeCloseTo(0.5);
    expect(axis.pos(1e-2)).toBeCloseTo(1);
    expect(axis.ticks.map((t) => t.label)).toEqual(["1.0e-4", "0.001", "0.01"]);
  });

  it("strings make a categorical axis labelled with its values, in natural order", () => {
    const axis = buildAxis({ key: "opt" }, rows)!;
    expect(axis.kind).toBe("category");
    expect(axis.ticks.map((t) => t.label)).toEqual(["adamw", "sgd"]);
    expect(axis.pos("adamw")).toBeCloseTo(0.25);
    expect(axis.pos("sgd")).toBeCloseTo(0.75);
    expect(axis.pos("rmsprop")).toBeNull();
    expect(buildAxis({ key: "bs", categorical: true }, rows)!.categories).toEqual(["32", "64", "128"]);
  });

  it("a linear axis spans the values with round ticks; a field nobody has makes no axis", () => {
    const axis = buildAxis({ key: "loss" }, rows)!;
    expect(axis.pos(0.2)).toBe(0);
    expect(axis.pos(0.9)).toBe(1);
    expect(axis.pos(undefined)).toBeNull();
    expect(axis.ticks.every((t) => t.at >= 0 && t.at <= 1)).toBe(true);
    expect(buildAxis({ key: "nope" }, rows)).toBeNull();
    expect(buildAxis({ key: "lr", log: true }, [{ key: "x", name: "x", values: { lr: 0 } }, ...rows])!.kind).toBe("linear");
  });
});

describe("brushes", () => {
  const axes = buildAxes([{ key: "lr", log: true }, { key: "opt" }, { key: "loss" }], rows);
  it("select the rows inside every brush; a run without a value on a brushed axis is out", () => {
    expect(selectRows(rows, axes, {})).toEqual(new Set(["a", "b", "c", "d"]));
    expect(selectRows(rows, axes, { lr: [0.4, 1] })).toEqual(new Set(["b", "c", "d"]));
    expect(selectRows(rows, axes, { lr: [0.4, 1], opt: [0, 0.5] })).toEqual(new Set(["b", "c"]));
    expect(selectRows(rows, axes, { loss: [0, 1] })).toEqual(new Set(["a", "b", "c"]));
  });

  it("are labelled in the axis's values and survive the URL", () => {
    expect(brushLabel(axes[0]!, [0.5, 1])).toBe("0.001 – 0.01");
    expect(brushLabel(axes[1]!, [0, 0.5])).toBe("adamw");
    const text = encodeBrushes({ "opt.lr|x~y": [0.25, 0.5], loss: [0, 1] });
    expect(decodeBrushes(text)).toEqual({ "opt.lr|x~y": [0.25, 0.5], loss: [0, 1] });
    expect(decodeBrushes("garbage|~1~0")).toEqual({});
  });
});

describe("order and colour", () => {
  it("moves an axis and keeps a saved order over new axes", () => {
    expect(moveAxis(["a", "b", "c"], "c", 0)).toEqual(["c", "a", "b"]);
    expect(moveAxis(["a", "b", "c"], "a", 9)).toEqual(["b", "c", "a"]);
    expect(orderAxes([{ key: "a" }, { key: "b" }, { key: "c" }], ["c", "a"]).map((a) => a.key)).toEqual(["c", "a", "b"]);
  });

  it("colours the better end amber whatever the goal", () => {
    const min = colorScale([0.2, 0.9], "minimize")!;
    const max = colorScale([0.2, 0.9], "maximize")!;
    expect(min.color(0.2)).toBe(max.color(0.9));
    expect(min.color(0.9)).toBe(max.color(0.2));
    expect(min.color(null)).toBe("#9aa1ad");
    expect(colorScale([null, "x"], "minimize")).toBeNull();
    expect(colorScale([0.5], "minimize")!.color(0.5)).toBe(max.color(0.9)); // a lone value is the best
  });
});

describe("listed values", () => {
  it("put the ticks of a values: axis at the values", () => {
    const axis = buildAxis({ key: "bs", values: [32, 64, 128] }, rows)!;
    expect(axis.ticks.map((t) => t.label)).toEqual(["32", "64", "128"]);
    expect(axis.ticks[0]!.at).toBe(0);
  });
});
