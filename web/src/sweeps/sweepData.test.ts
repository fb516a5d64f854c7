import { describe, expect, it } from "vitest";
import type { SweepRunOut } from "../api/sweeps";
import { agentCommand, joinTrials, runningBest, sweptParams } from "./sweepData";

describe("sweptParams", () => {
  it("draws the server's parsed parameters: log axes, categorical axes for non-numeric values", () => {
    const params = sweptParams([
      { name: "arch.act", distribution: "categorical", values: ["relu", "gelu"] },
      { name: "arch.depth", distribution: "int_uniform", log_scale: false, values: null },
      { name: "bs", distribution: "categorical", values: [32, 64] },
      { name: "lr", distribution: "log_uniform_values", log_scale: true, values: null },
    ]);
    expect(params).toEqual([
      { name: "arch.act", log: false, categorical: true },
      { name: "arch.depth", log: false, categorical: false },
      { name: "bs", log: false, categorical: false, values: [32, 64] },
      { name: "lr", log: true, categorical: false },
    ]);
  });
});

const trial = (run_id: string, value: number | null, created_at: number, state = "finished"): SweepRunOut => ({ run_id, value, created_at, state, params: { lr: created_at } });

describe("trials", () => {
  const trials = joinTrials(
    [trial("r1", 0.5, 1), trial("r2", 0.3, 2), trial("r3", null, 3, "crashed"), trial("r4", 0.4, 4), trial("r5", null, 5, "leased")],
    [{ id: "r1", display_name: "bright-sun-1", state: "finished" }, { id: "r2", display_name: "calm-sea-2", state: "stopped" }],
  );

  it("take their runs' names and states; a lease has no run yet", () => {
    expect(trials.map((t) => [t.name, t.state, t.started])).toEqual([
      ["bright-sun-1", "finished", true],
      ["calm-sea-2", "stopped", true],
      ["r3", "crashed", true],
      ["r4", "finished", true],
      ["r5", "leased", false],
    ]);
  });

  it("keep the running best in creation order", () => {
    expect(runningBest(trials, "minimize").map((p) => [p.order, p.value, p.best])).toEqual([
      [1, 0.5, 0.5],
      [2, 0.3, 0.3],
      [3, null, 0.3],
      [4, 0.4, 0.3],
      [5, null, 0.3],
    ]);
  });
});

describe("agentCommand", () => {
  it("quotes a path a shell would split", () => {
    expect(agentCommand("me", "sweep-demo", "ab12cd34")).toBe("trackwell agent me/sweep-demo/ab12cd34");
    expect(agentCommand("me", "my project's", "ab12cd34")).toBe("trackwell agent 'me/my project'\\''s/ab12cd34'");
  });
});
