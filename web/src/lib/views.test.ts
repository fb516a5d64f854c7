import { describe, expect, it } from "vitest";
import { hasViewSettings, sameState, searchWithState, stateFromSearch } from "./views";

describe("saved views and the URL", () => {
  it("reads the workspace's settings from the URL under their wire names", () => {
    const search = new URLSearchParams("q=lr%3E0.01&group=c%3Aopt&x=m%3Aepoch&smooth=ema%3A0.6&band=std&max=50&sort=-s%3Aloss&panels=val&zoom=a%3A0%3A1&legend=right&tab=files");
    expect(stateFromSearch(search)).toEqual({
      filter: "lr>0.01",
      group_by: "c:opt",
      x_axis: "m:epoch",
      smoothing: "ema:0.6",
      band: "std",
      max_runs: 50,
      sort: "-s:loss",
      panel_search: "val",
      zoom: "a:0:1",
      legend: "right",
    });
  });

  it("leaves out defaults and values the server would refuse", () => {
    expect(stateFromSearch(new URLSearchParams("q=&band=minmax&max=zero&legend=left&view=abc"))).toEqual({});
  });

  it("replaces every setting with the view's, names the view and keeps other parameters", () => {
    const current = new URLSearchParams("q=old&group=c%3Aopt&zoom=a%3A0%3A1&tab=x");
    const next = new URLSearchParams(searchWithState(current, { filter: "new filter", max_runs: 100, band: null }, "v1"));
    expect(Object.fromEntries(next)).toEqual({ tab: "x", view: "v1", q: "new filter", max: "100" });
    expect(searchWithState(new URLSearchParams("view=v1&q=a"), {}, null)).toBe("");
  });

  it("round-trips a state through the URL", () => {
    const state = { filter: 'name ~ "a b" or lr>0.1', group_by: "group", x_axis: "wall", band: "std" as const };
    expect(sameState(stateFromSearch(new URLSearchParams(searchWithState(new URLSearchParams(), state, "v"))), state)).toBe(true);
  });

  it("knows a bare view link from one that carries settings", () => {
    expect(hasViewSettings(new URLSearchParams("view=v1"))).toBe(false);
    expect(hasViewSettings(new URLSearchParams("view=v1&group=c%3Aopt"))).toBe(true);
  });

  it("compares states with null and absent alike", () => {
    expect(sameState({ filter: "a", group_by: null }, { filter: "a" })).toBe(true);
    expect(sameState({ filter: "a" }, { filter: "b" })).toBe(false);
  });
});
