import { describe, expect, it } from "vitest";
import type { RunOut } from "../../api/client";
import { runRefOf } from "../../lib/panelEdit";
import { runColor } from "../../lib/panels";
import { filterProblem, gridRuns, newRunset, runsetView, type Runset } from "./runsets";

let t = 0;
function run(id: string, config: Record<string, unknown>, summary: Record<string, unknown> = {}, state = "finished", project = "mnist"): RunOut {
  t += 1;
  return { id, entity: "team", project, display_name: id, state, config, summary, created_at: t, history_count: 0, next_seq: 0, tags: [] } as unknown as RunOut;
}
const rs = (over: Partial<Runset> = {}): Runset => ({ name: "Run set", entity: "team", project: "mnist", filters: null, group_by: [], ...over });

// Newest first, as the runs list answers.
const RUNS = [run("a", { lr: 0.001, opt: "adam" }, { acc: 0.8 }), run("b", { lr: 0.01, opt: "adam" }, { acc: 0.9 }), run("c", { lr: 0.1, opt: "sgd" }, { acc: 0.7 })].reverse();

describe("a report's run set", () => {
  it("selects the runs its filter selects, with the runs table's short form and bare config names", () => {
    const v = runsetView(rs({ filters: "lr<0.05" }), RUNS);
    expect(v.filtered.map((r) => r.run.id)).toEqual(["b", "a"]);
    expect(v.filterError).toBeNull();
    expect(v.runFilter).toEqual({ "config.lr": { $lt: 0.05 } });
  });

  it("shows every run and says why when the filter does not parse, with the runs table's message", () => {
    const v = runsetView(rs({ filters: "nosuch>1" }), RUNS);
    expect(v.filtered).toHaveLength(3);
    expect(v.filterError).toContain('unknown field "nosuch"');
    expect(v.runFilter).toBeNull();
    expect(filterProblem("nosuch>1", RUNS)).toBe(v.filterError);
    expect(filterProblem("opt=adam", RUNS)).toBeNull();
  });

  it("groups by its keys, written as the server's (config.opt) and drawn as the workspace's columns", () => {
    const v = runsetView(rs({ group_by: ["config.opt"] }), RUNS);
    expect(v.groupBy).toEqual(["c:opt"]);
    const grid = gridRuns([v]);
    expect(grid.grouped?.groups.map((g) => g.label).sort()).toEqual(["adam", "sgd"]);
    // Grouped bar/scatter rows carry their group; the line charts' runs carry its label.
    expect(grid.summaryRuns.map((r) => r.group).sort()).toEqual(["adam", "adam", "sgd"]);
    expect(grid.plotted.find((r) => r.id === "c")?.group).toBe("sgd");
  });

  it("draws the newest runs of every shown run set, coloured as the workspace colours them", () => {
    const other = [run("x", { lr: 1 }, {}, "running", "cifar")];
    const a = runsetView(rs(), RUNS);
    const b = runsetView(rs({ project: "cifar" }), other);
    const grid = gridRuns([a, b], 2);
    expect(grid.plotted.map((r) => r.key)).toEqual(["team/cifar/x", "team/mnist/b", "team/mnist/c"]);
    expect(grid.plotted.every((r) => r.color === runColor(r.key))).toBe(true);
    expect(grid.allRuns).toHaveLength(4);
    expect(grid.live).toBe(true);
    // Two run sets shown: grouping waits until a grouped one is shown alone.
    expect(gridRuns([runsetView(rs({ group_by: ["config.opt"] }), RUNS), b]).grouped).toBeNull();
  });

  it("a run logged later that matches joins the grid", () => {
    const before = gridRuns([runsetView(rs({ filters: "opt=adam" }), RUNS)]);
    const after = gridRuns([runsetView(rs({ filters: "opt=adam" }), [run("d", { lr: 0.5, opt: "adam" }), ...RUNS])]);
    expect(after.plotted.length).toBe(before.plotted.length + 1);
    expect(after.plotted.some((r) => r.id === "d")).toBe(true);
  });

  it("links a run of any run set to its own project", () => {
    const grid = gridRuns([runsetView(rs({ project: "cifar" }), [run("x", {}, {}, "finished", "cifar")])]);
    expect(runRefOf(grid.plotted[0]?.key ?? "")).toEqual(["team", "cifar", "x"]);
  });

  it("names a new run set after the ones there are", () => {
    expect(newRunset("team", "mnist", [rs({ name: "Run set 2" })]).name).toBe("Run set 3");
    expect(newRunset("team", "mnist", [rs()])).toEqual({ name: "Run set 2", entity: "team", project: "mnist", filters: null, group_by: [] });
  });
});
