import { expect, it } from "vitest";
import { parseAnsi } from "./ansi";

it("turns SGR codes into classes and drops them from the text", () => {
  expect(parseAnsi("a\x1b[31mred\x1b[0m b")).toEqual([
    { text: "a", cls: "" },
    { text: "red", cls: "ansi-fg-red" },
    { text: " b", cls: "" },
  ]);
  expect(parseAnsi("\x1b[1;32mok")).toEqual([{ text: "ok", cls: "ansi-bold ansi-fg-green" }]);
});
