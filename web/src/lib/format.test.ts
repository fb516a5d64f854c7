import { describe, expect, it } from "vitest";
import { duration, flatten, formatNumber, formatRelative, metricUnit, shortName, timeUnit, value } from "./format";

it("formats durations and values", () => {
  expect(duration(3725)).toBe("1h 2m");
  expect(duration(65)).toBe("1m 5s");
  expect(value(0.000012346)).toBe("1.235e-5");
  expect(value(0.123456789)).toBe("0.1235");
  expect(value("adam")).toBe("adam");
  expect(value(null)).toBe("");
});

describe("formatNumber: one way for the runs table, tooltips and axes", () => {
  it("keeps small integers exact and gives others four significant digits", () => {
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(199)).toBe("199");
    expect(formatNumber(9999)).toBe("9999");
    expect(formatNumber(0.03)).toBe("0.03");
    expect(formatNumber(0.0175)).toBe("0.0175");
    expect(formatNumber(0.995)).toBe("0.995");
    expect(formatNumber(1 / 3)).toBe("0.3333");
    expect(formatNumber(1234.5678)).toBe("1235");
    expect(formatNumber(-2.5)).toBe("-2.5");
    expect(formatNumber(0.001)).toBe("0.001");
  });

  it("writes small numbers as a short exponent, never 3.000e-4", () => {
    expect(formatNumber(3e-4)).toBe("3e-4");
    expect(formatNumber(0.00012346)).toBe("1.235e-4");
    expect(formatNumber(-5e-7)).toBe("-5e-7");
    expect(formatNumber(1e-12)).toBe("1e-12");
  });

  it("writes large numbers with SI suffixes, rounding across a suffix", () => {
    expect(formatNumber(10000)).toBe("10k");
    expect(formatNumber(12345)).toBe("12.35k");
    expect(formatNumber(1_500_000)).toBe("1.5M");
    expect(formatNumber(999_960)).toBe("1M");
    expect(formatNumber(9999.7)).toBe("10k");
    expect(formatNumber(2.5e9)).toBe("2.5G");
    expect(formatNumber(1_796_412_258_914)).toBe("1.796T");
    expect(formatNumber(-42_000)).toBe("-42k");
    expect(formatNumber(3e21)).toBe("3e21");
  });

  it("names the missing and non-finite", () => {
    expect(formatNumber(null)).toBe("–");
    expect(formatNumber(undefined)).toBe("–");
    expect(formatNumber(Number.NaN)).toBe("NaN");
    expect(formatNumber(Infinity)).toBe("∞");
    expect(formatNumber(-Infinity)).toBe("-∞");
  });

  it("takes fewer digits on request", () => {
    expect(formatNumber(0.123456, 2)).toBe("0.12");
    expect(formatNumber(123456, 2)).toBe("120k");
  });
});

it("picks a relative-time unit by the span", () => {
  expect(timeUnit(90)).toEqual({ unit: "s", seconds: 1 });
  expect(timeUnit(600)).toEqual({ unit: "min", seconds: 60 });
  expect(timeUnit(5 * 3600)).toEqual({ unit: "h", seconds: 3600 });
  expect(formatRelative(90)).toBe("90 s");
  expect(formatRelative(150)).toBe("2.5 min");
  expect(formatRelative(150, timeUnit(10))).toBe("150 s");
});

it("reads a system metric's unit from its name", () => {
  expect(metricUnit("system/cpu_percent")).toBe("%");
  expect(metricUnit("system/memory_used_mb")).toBe("MB");
  expect(metricUnit("system/gpu.0.temp")).toBe("°C");
  expect(metricUnit("train/loss")).toBe(null);
});

it("flattens nested config and unwraps wandb value entries", () => {
  expect(flatten({ a: { b: 1 }, lr: { value: 0.1, desc: "x" }, img: { _type: "image-file" } })).toEqual({
    "a.b": 1,
    lr: 0.1,
    img: { _type: "image-file" },
  });
});

it("shortens long names in the middle, keeping both ends", () => {
  expect(shortName("adam-03")).toBe("adam-03");
  const long = "resnet50-lr-0.001-batch-256-warmup-seed-7";
  const short = shortName(long);
  expect(short.length).toBe(26);
  expect(short.startsWith("resnet50-lr")).toBe(true);
  expect(short.endsWith("-seed-7")).toBe(true);
  expect(short).toContain("…");
});
