import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { encodeSortParam, filterError, groupFilter, pagesFor, parseSortParam, sortSpec, statNumber, tableApi, toggleSort } from "./tableQuery";

const run = { entity: "me", project: "p q", id: "r1" };

describe("table sort in the URL", () => {
  it("reads old single-column links and writes several keys as a JSON list", () => {
    expect(parseSortParam(null)).toEqual([]);
    expect(parseSortParam("confidence")).toEqual([{ col: "confidence", desc: false }]);
    expect(parseSortParam("-confidence")).toEqual([{ col: "confidence", desc: true }]);
    expect(parseSortParam("+-odd")).toEqual([{ col: "-odd", desc: false }]);
    const keys = [
      { col: "label", desc: false },
      { col: "loss", desc: true },
    ];
    expect(encodeSortParam(keys)).toBe('["label","-loss"]');
    expect(parseSortParam(encodeSortParam(keys))).toEqual(keys);
    expect(encodeSortParam([{ col: "[x]", desc: false }])).toBe('["[x]"]');
    expect(parseSortParam('["[x]"]')).toEqual([{ col: "[x]", desc: false }]);
    expect(parseSortParam("[not json")).toEqual([{ col: "[not json", desc: false }]);
    expect(encodeSortParam([])).toBeNull();
  });

  it("cycles a header asc, desc, off; shift-click keeps the other keys", () => {
    let keys = toggleSort([], "a", false);
    expect(keys).toEqual([{ col: "a", desc: false }]);
    keys = toggleSort(keys, "a", false);
    expect(keys).toEqual([{ col: "a", desc: true }]);
    expect(toggleSort(keys, "a", false)).toEqual([]);
    keys = toggleSort(keys, "b", true);
    expect(keys).toEqual([
      { col: "a", desc: true },
      { col: "b", desc: false },
    ]);
    expect(toggleSort(keys, "a", true)).toEqual([{ col: "b", desc: false }]);
    expect(toggleSort(keys, "c", false)).toEqual([{ col: "c", desc: false }]);
  });

  it("spells sort keys the way the server reads them", () => {
    expect(sortSpec({ col: "x", desc: false })).toBe("x");
    expect(sortSpec({ col: "x", desc: true })).toBe("-x");
    expect(sortSpec({ col: "-x", desc: false })).toBe("+-x");
    expect(sortSpec({ col: "-x", desc: true })).toBe("--x");
  });
});

describe("table requests", () => {
  it("builds query strings with repeated sort keys and no empty filter", () => {
    const ask = { path: "media/table/a b.table.json", filter: 'row["c"] < 0.5', sort: [{ col: "c", desc: true }, { col: "id", desc: false }] };
    const url = tableApi.csvUrl(run, ask);
    expect(url.startsWith("/api/v1/runs/me/p%20q/r1/tables/csv?")).toBe(true);
    const sp = new URLSearchParams(url.split("?")[1]);
    expect(sp.get("path")).toBe("media/table/a b.table.json");
    expect(sp.get("filter")).toBe('row["c"] < 0.5');
    expect(sp.getAll("sort")).toEqual(["-c", "id"]);
    expect(new URLSearchParams(tableApi.csvUrl(run, { ...ask, filter: "  " }).split("?")[1]).has("filter")).toBe(false);
  });

  it("asks for the pages a virtual window covers", () => {
    expect(pagesFor(0, 30, 200)).toEqual([0]);
    expect(pagesFor(190, 230, 200)).toEqual([0, 1]);
    expect(pagesFor(400, 400, 200)).toEqual([2]);
    expect(pagesFor(5, 1, 200)).toEqual([]);
  });
});

describe("groups and errors", () => {
  it("turns a clicked group into a filter joined with the current one", () => {
    expect(groupFilter("", "label", "cat")).toBe('row["label"] == "cat"');
    expect(groupFilter('row["x"] > 1 or row["y"]', 'say "hi"', 3)).toBe('(row["x"] > 1 or row["y"]) and row["say \\"hi\\""] == 3');
    expect(groupFilter("", "ok", false)).toBe('row["ok"] == false');
    expect(groupFilter("", "img", null)).toBe('row["img"] == null');
    expect(groupFilter("keep", "img", { _type: "image-file" })).toBe("keep");
  });

  it("shows the server's filter message only for filter errors", () => {
    expect(filterError(new ApiError(400, "invalid_argument", 'unexpected character ";" at 12', "filter"))).toBe('unexpected character ";" at 12');
    expect(filterError(new ApiError(404, "not_found", "no file", "path"))).toBeNull();
    expect(filterError(null)).toBeNull();
  });

  it("formats stats compactly", () => {
    expect(statNumber(1234)).toBe("1,234");
    expect(statNumber(0.123456)).toBe("0.1235");
    expect(statNumber(0.5)).toBe("0.5");
    expect(statNumber(1e-5)).toBe("1.000e-5");
    expect(statNumber("NaN")).toBe("NaN");
    expect(statNumber(null)).toBe("–");
  });
});
