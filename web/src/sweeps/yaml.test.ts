import { describe, expect, it } from "vitest";
import { toYaml, yamlScalar } from "./yaml";

describe("toYaml", () => {
  it("writes a sweep config as it is usually written by hand", () => {
    const yaml = toYaml({
      parameters: {
        learning_rate: { distribution: "log_uniform_values", min: 1e-5, max: 0.01 },
        batch_size: { values: [32, 64, 128] },
        optimizer: { values: ["adamw", "sgd"] },
      },
      metric: { name: "val/loss", goal: "minimize" },
      method: "bayes",
      command: ["${env}", "${interpreter}", "${program}", "${args}"],
    });
    expect(yaml).toBe(
      [
        "method: bayes",
        "metric:",
        "  name: val/loss",
        "  goal: minimize",
        "parameters:",
        "  learning_rate:",
        "    distribution: log_uniform_values",
        "    min: 0.00001",
        "    max: 0.01",
        "  batch_size:",
        "    values: [32, 64, 128]",
        "  optimizer:",
        "    values: [adamw, sgd]",
        'command: ["${env}", "${interpreter}", "${program}", "${args}"]',
        "",
      ].join("\n"),
    );
  });

  it("quotes what YAML would read as something else", () => {
    expect(yamlScalar("yes")).toBe('"yes"');
    expect(yamlScalar("123")).toBe('"123"');
    expect(yamlScalar("a: b")).toBe('"a: b"');
    expect(yamlScalar("")).toBe('""');
    expect(yamlScalar("<script>")).toBe('"<script>"');
    expect(yamlScalar(true)).toBe("true");
    expect(yamlScalar(-2e-7)).toBe("-2.0e-7");
    expect(yamlScalar(1.5e-7)).toBe("1.5e-7");
  });

  it("writes lists of mappings as blocks", () => {
    expect(toYaml({ early_terminate: { type: "hyperband", min_iter: 3 }, x: [{ a: 1, b: 2 }] })).toBe(
      "early_terminate:\n  type: hyperband\n  min_iter: 3\nx:\n  - a: 1\n    b: 2\n",
    );
  });
});
