import { describe, expect, it } from "vitest";
import { alignXY, binValues, buildChart, chartSpecs, confusionLayout, nearestPoint, parseJsonLoose, sortedByX, type ChartSpec } from "./mediaCharts";
import { parseTable } from "./media";

// The metadata the SDK writes for run.log({"cm": trackwell.plot.confusion_matrix(...)}) (abridged
// from CustomChart.visualize_config).
const visualize = {
  visualize: {
    cm: {
      panel_type: "Vega2",
      panel_config: {
        panelDefId: "wandb/confusion_matrix/v1",
        fieldSettings: { Actual: "Actual", Predicted: "Predicted", nPredictions: "nPredictions" },
        stringSettings: { title: "Confusions" },
        userQuery: { queryFields: [{ name: "runSets", fields: [{ name: "summaryTable", args: [{ name: "tableKey", value: "cm_table" }] }] }] },
      },
    },
    roc: { panel_type: "Vega2", panel_config: { panelDefId: "wandb/area-under-curve/v0", fieldSettings: { x: "fpr", y: "tpr", class: "class" }, stringSettings: { "x-axis-title": "False positive rate" } } },
    broken: { panel_type: "Vega2", panel_config: {} },
  },
};

const spec = (panelDefId: string, fields: Record<string, string>, strings: Record<string, string> = {}): ChartSpec => ({ key: "k", panelDefId, fields, strings });

describe("chartSpecs", () => {
  it("keys each chart by its table's history key and skips malformed entries", () => {
    const specs = chartSpecs(visualize);
    expect([...specs.keys()]).toEqual(["cm_table", "roc_table"]);
    expect(specs.get("cm_table")).toEqual({ key: "cm", panelDefId: "wandb/confusion_matrix/v1", fields: { Actual: "Actual", Predicted: "Predicted", nPredictions: "nPredictions" }, strings: { title: "Confusions" } });
    expect(chartSpecs(null).size).toBe(0);
    expect(chartSpecs({ visualize: "x" }).size).toBe(0);
  });
});

describe("confusion matrix layout", () => {
  it("puts actual classes on rows and predicted on columns, in class order, summing repeats", () => {
    const t = parseTable({
      columns: ["Actual", "Predicted", "nPredictions"],
      data: [["cat", "cat", 5], ["cat", "dog", 2], ["dog", "cat", 1], ["dog", "dog", 7], ["bird", "dog", 3], ["cat", "dog", 1]],
    });
    const m = confusionLayout(t, "Actual", "Predicted", "nPredictions");
    expect(m.actual).toEqual(["cat", "dog", "bird"]);
    expect(m.predicted).toEqual(["cat", "dog", "bird"]);
    expect(m.counts).toEqual([
      [5, 3, 0],
      [1, 7, 0],
      [0, 3, 0],
    ]);
    expect(m.max).toBe(7);
  });
});

describe("spec -> chart", () => {
  it("draws ROC tables as one line per class in logged order, with the chance line", () => {
    const t = parseTable({ columns: ["class", "fpr", "tpr"], data: [["a", 0, 0], ["a", 0, 0.5], ["a", 1, 1], ["b", 0, 0], ["b", 0.5, 0.5], ["b", 1, 1]] });
    const c = buildChart(spec("wandb/area-under-curve/v0", { x: "fpr", y: "tpr", class: "class" }, { "x-axis-title": "False positive rate", "y-axis-title": "True positive rate", title: "ROC" }), t);
    expect(c).toEqual({
      type: "xy",
      title: "ROC",
      xLabel: "False positive rate",
      yLabel: "True positive rate",
      lines: true,
      unit: true,
      diagonal: true,
      series: [
        { name: "a", x: [0, 0, 1], y: [0, 0.5, 1] },
        { name: "b", x: [0, 0.5, 1], y: [0, 0.5, 1] },
      ],
    });
  });

  it("sorts PR curves by recall, without a chance line", () => {
    const t = parseTable({ columns: ["class", "precision", "recall"], data: [["a", 0.5, 1], ["a", 0.8, 0.5], ["a", 1, 0]] });
    const c = buildChart(spec("wandb/area-under-curve/v0", { x: "recall", y: "precision", class: "class" }, { "x-axis-title": "Recall" }), t);
    expect(c.type === "xy" && c.diagonal).toBe(false);
    expect(c.type === "xy" && c.series[0]).toEqual({ name: "a", x: [0, 0.5, 1], y: [1, 0.8, 0.5] });
  });

  it("maps line (with stroke), scatter, line_series, bar and histogram presets", () => {
    const t = parseTable({ columns: ["x", "y", "g"], data: [[2, 4, "u"], [1, 1, "u"], [1, 3, "v"], [null, 2, "v"], ["3", 9, "v"]] });
    const line = buildChart(spec("wandb/line/v0", { x: "x", y: "y", stroke: "g" }), t);
    expect(line.type === "xy" && line.series).toEqual([
      { name: "u", x: [1, 2], y: [1, 4] },
      { name: "v", x: [1, 3], y: [3, 9] },
    ]);
    const scatter = buildChart(spec("wandb/scatter/v0", { x: "x", y: "y" }), t);
    expect(scatter.type === "xy" && !scatter.lines && scatter.series).toEqual([{ name: "y", x: [2, 1, 1, 3], y: [4, 1, 3, 9] }]);
    const ls = parseTable({ columns: ["step", "lineKey", "lineVal"], data: [[0, "a", 1], [1, "a", 2], [0, "b", 5]] });
    const series = buildChart(spec("wandb/lineseries/v0", { step: "step", lineKey: "lineKey", lineVal: "lineVal" }, { xname: "epoch" }), ls);
    expect(series.type === "xy" && [series.xLabel, series.series.map((s) => s.name)]).toEqual(["epoch", ["a", "b"]]);
    const bar = buildChart(spec("wandb/bar/v0", { label: "g", value: "y" }, { title: "Bars" }), t);
    expect(bar).toEqual({ type: "bar", title: "Bars", valueLabel: "y", bars: [{ label: "u", value: 4 }, { label: "u", value: 1 }, { label: "v", value: 3 }, { label: "v", value: 2 }, { label: "v", value: 9 }] });
    const hist = buildChart(spec("wandb/histogram/v0", { value: "y" }), t);
    expect(hist.type === "histogram" && hist.bars.reduce((a, b) => a + b.count, 0)).toBe(5);
  });

  it("draws wandb.sklearn's class proportions as bars grouped by data set", () => {
    const t = parseTable({ columns: ["class", "dataset", "count"], data: [["cat", "train", 40], ["cat", "test", 10], ["dog", "train", 35], ["dog", "test", "n/a"]] });
    const chart = buildChart(spec("wandb/class_proportions/v1", { class: "class", dataset: "dataset", count: "count" }, { title: "Class Proportions" }), t);
    expect(chart).toEqual({
      type: "bar",
      title: "Class Proportions",
      valueLabel: "count",
      bars: [{ label: "cat", value: 40, group: "train" }, { label: "cat", value: 10, group: "test" }, { label: "dog", value: 35, group: "train" }],
      groups: ["train", "test"],
    });
  });

  it("names a field that points at no column, and unknown presets", () => {
    const t = parseTable({ columns: ["a"], data: [[1]] });
    expect(buildChart(spec("wandb/line/v0", { x: "a", y: "b" }), t)).toMatchObject({ type: "unsupported", panelDefId: 'wandb/line/v0 (field "y" names no column of the table)' });
    expect(buildChart(spec("me/custom/v3", {}), t)).toMatchObject({ type: "unsupported", panelDefId: "me/custom/v3" });
  });
});

describe("helpers", () => {
  it("reads Python's bare NaN and Infinity in table files, leaving strings alone", () => {
    expect(parseJsonLoose('{"data":[[1,NaN,0.5],[2,Infinity,-Infinity]],"s":"NaN \\" Infinity"}')).toEqual({ data: [[1, null, 0.5], [2, Infinity, -Infinity]], s: 'NaN " Infinity' });
    // A class with no negatives: its ROC points have NaN rates and are left out.
    const t = parseTable(parseJsonLoose('{"columns":["class","fpr","tpr"],"data":[[1,NaN,0.0],[1,NaN,1.0]]}'));
    expect(buildChart(spec("wandb/area-under-curve/v0", { x: "fpr", y: "tpr", class: "class" }), t)).toMatchObject({ type: "xy", series: [] });
  });

  it("bins values into equal-width bins, the maximum in the last", () => {
    expect(binValues([0, 1, 2, 3, 4, 10], 5)).toEqual([
      { x0: 0, x1: 2, count: 2 },
      { x0: 2, x1: 4, count: 2 },
      { x0: 4, x1: 6, count: 1 },
      { x0: 6, x1: 8, count: 0 },
      { x0: 8, x1: 10, count: 1 },
    ]);
    expect(binValues([3, 3])).toEqual([{ x0: 2.5, x1: 3.5, count: 2 }]);
    expect(binValues([])).toEqual([]);
  });

  it("keeps equal x in logged order when sorting", () => {
    expect(sortedByX({ name: "s", x: [1, 0, 0], y: [1, 0, 0.5] })).toEqual({ name: "s", x: [0, 0, 1], y: [0, 0.5, 1] });
  });

  it("aligns series with their own x into one row per point", () => {
    const a = alignXY([
      { name: "a", x: [0, 1], y: [10, 11] },
      { name: "b", x: [0.5, 1], y: [20, 21] },
    ]);
    expect(a).toEqual({ x: [0, 0.5, 1, 1], ys: [[10, null, 11, null], [null, 20, null, 21]] });
    // Hover: each series finds its nearest own point.
    expect(nearestPoint(a.ys[0] as (number | null)[], 1, a.x)).toBe(0);
    expect(nearestPoint(a.ys[1] as (number | null)[], 0, a.x)).toBe(1);
    expect(nearestPoint([null, null], 0, [0, 1])).toBeNull();
  });
});
