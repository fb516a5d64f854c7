import { describe, expect, it } from "vitest";
import { boxLabel, boxRect, classColor, colorMask, maskClasses, parseBoxes } from "./mediaOverlays";

describe("boxes", () => {
  it("places relative corner boxes, pixel boxes and centre boxes in image pixels", () => {
    expect(boxRect({ position: { minX: 0.1, maxX: 0.5, minY: 0.25, maxY: 0.75 }, class_id: 1 }, 200, 100)).toEqual({ x: 20, y: 25, w: 80, h: 50 });
    expect(boxRect({ position: { minX: 3, maxX: 10, minY: 4, maxY: 8 }, class_id: 1, domain: "pixel" }, 200, 100)).toEqual({ x: 3, y: 4, w: 7, h: 4 });
    expect(boxRect({ position: { middle: [0.5, 0.5], width: 0.2, height: 0.4 }, class_id: 1 }, 100, 100)).toEqual({ x: 40, y: 30, w: 20, h: 40 });
  });

  it("labels a box by caption or class name, with its scores", () => {
    expect(boxLabel({ position: {}, class_id: 2, scores: { score: 0.91234 } }, { "2": "dog" })).toBe("dog (score 0.912)");
    expect(boxLabel({ position: {}, class_id: 2, box_caption: "good dog" }, { "2": "dog" })).toBe("good dog");
    expect(boxLabel({ position: {}, class_id: 7 }, {})).toBe("class 7");
  });

  it("drops malformed boxes from a file", () => {
    expect(parseBoxes({ box_data: [{ position: { minX: 0 }, class_id: 1 }, { class_id: 2 }, null], class_labels: { "1": "a" } })).toEqual({ box_data: [{ position: { minX: 0 }, class_id: 1 }], class_labels: { "1": "a" } });
    expect(parseBoxes("nope")).toEqual({ box_data: [], class_labels: {} });
  });
});

describe("masks", () => {
  // Three pixels of an 8-bit class-id PNG decoded to RGBA: ids 0, 1, 1.
  const rgba = [0, 0, 0, 255, 1, 1, 1, 255, 1, 1, 1, 255];

  it("counts the pixels of each class", () => {
    expect([...maskClasses(rgba)]).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it("colours shown classes at the opacity and leaves the others transparent", () => {
    const out = colorMask(rgba, new Set([1]), 0.5);
    const [r, g, b] = [parseInt(classColor(1).slice(1, 3), 16), parseInt(classColor(1).slice(3, 5), 16), parseInt(classColor(1).slice(5, 7), 16)];
    expect([...out]).toEqual([0, 0, 0, 0, r, g, b, 128, r, g, b, 128]);
    expect([...colorMask(rgba, new Set(), 1)].every((v) => v === 0)).toBe(true);
  });

  it("gives neighbouring class ids different colours", () => {
    expect(classColor(0)).not.toBe(classColor(1));
    expect(classColor(20)).toBe(classColor(0));
  });
});
