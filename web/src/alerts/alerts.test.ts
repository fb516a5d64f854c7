import { describe, expect, it } from "vitest";
import { describeRule, ruleProblems, type RuleIn } from "../api/alerts";

const threshold: RuleIn = { kind: "metric_threshold", metric_key: "loss", op: "<", value: 0.5, level: "WARN", webhook_ids: [], enabled: true };

describe("alert rules in the UI", () => {
  it("names what a threshold draft is missing, field by field", () => {
    expect(ruleProblems(threshold)).toEqual({});
    expect(ruleProblems({ ...threshold, metric_key: "  ", value: null })).toEqual({
      metric_key: "Name the metric to watch, e.g. loss",
      value: "Enter a number, e.g. 2.5",
    });
    expect(ruleProblems({ ...threshold, value: Number("abc") }).value).toBe("Enter a number, e.g. 2.5");
    expect(ruleProblems({ ...threshold, kind: "run_failed", metric_key: null, value: null })).toEqual({});
  });

  it("describes rules in words", () => {
    expect(describeRule(threshold)).toBe("loss < 0.5 (latest value, once per run)");
    expect(describeRule({ ...threshold, kind: "run_failed" })).toBe("A run fails");
  });
});
