import { expect, it } from "vitest";
import { autoPanel, type LinePanel } from "./layout";
import { chartAxis, lineSettingsFor, parseSmoothing, parseX, type BaseSettings } from "./panelSettings";

const base: BaseSettings = { xAxis: "step", smoothing: { kind: "none", param: 0 }, logScale: false, grouped: false, live: false };

it("parses the URL and saved forms of x axes and smoothing", () => {
  expect([parseX(null), parseX("wall"), parseX("relative"), parseX("m:epoch"), parseX("junk")]).toEqual(["step", "wall", "relative", { metric: "epoch" }, "step"]);
  expect(parseSmoothing("ema:0.8")).toEqual({ kind: "ema", param: 0.8 });
  expect(parseSmoothing("bogus").kind).toBe("none");
});

it("auto panels follow the workspace; a panel's own axis, smoothing and log scale win", () => {
  const settings = lineSettingsFor(base);
  expect(settings(autoPanel("train/loss"))).toEqual({ ...base, stream: "history", autoStep: true });
  expect(settings(autoPanel("system/cpu_percent")).stream).toBe("system");
  const own: LinePanel = { ...autoPanel("a"), auto: false, x_axis: "m:epoch", smoothing: { kind: "gaussian" }, log_scale: true };
  const s = settings(own);
  expect(s.xAxis).toEqual({ metric: "epoch" });
  expect(s.smoothing.kind).toBe("gaussian");
  expect(s.smoothing.param).toBeGreaterThan(0); // the kind's default amount
  expect(s.logScale).toBe(true);
});

it("hands out the same settings object for the same values, so charts keep their data", () => {
  const settings = lineSettingsFor(base);
  expect(settings(autoPanel("a"))).toBe(settings(autoPanel("b")));
  expect(settings(autoPanel("a"))).not.toBe(settings({ ...autoPanel("a"), log_scale: true }));
});

it("the default Step becomes the runs' step metric; a chosen axis (workspace or panel) and system charts do not", () => {
  const hf = [{ name: "train/global_step" }, { name: "*", step_metric: "train/global_step" }];
  const runs = [{ key: "e/p/a", entity: "e", project: "p", id: "a", name: "a", color: "#000", definitions: hf }];
  const settings = lineSettingsFor(base);
  expect(chartAxis(settings(autoPanel("train/loss")), runs, ["train/loss"]).xAxis).toEqual({ metric: "train/global_step" });
  expect(chartAxis(settings({ ...autoPanel("train/loss"), x_axis: "wall" }), runs, ["train/loss"]).xAxis).toBe("wall");
  // Step chosen in a panel's own settings is the history row: the way to ignore step metrics.
  expect(chartAxis(settings({ ...autoPanel("train/loss"), x_axis: "step" }), runs, ["train/loss"]).xAxis).toBe("step");
  expect(chartAxis(settings(autoPanel("system/cpu")), runs, ["system/cpu"]).xAxis).toBe("relative");
  expect(chartAxis(lineSettingsFor({ ...base, xAxis: { metric: "epoch" } })(autoPanel("train/loss")), runs, ["train/loss"]).xAxis).toEqual({ metric: "epoch" });
});
