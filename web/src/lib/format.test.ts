import { expect, it } from "vitest";
import { duration, flatten, value } from "./format";

it("formats durations and values", () => {
  expect(duration(3725)).toBe("1h 2m");
  expect(duration(65)).toBe("1m 5s");
  expect(value(0.000012345)).toBe("1.234e-5");
  expect(value(0.123456789)).toBe("0.123457");
});

it("flattens nested config and unwraps wandb value entries", () => {
  expect(flatten({ a: { b: 1 }, lr: { value: 0.1, desc: "x" }, img: { _type: "image-file" } })).toEqual({
    "a.b": 1,
    lr: 0.1,
    img: { _type: "image-file" },
  });
});
