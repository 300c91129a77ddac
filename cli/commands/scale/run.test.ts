import { describe, expect, it } from "vitest";
import { parseScaleSpec } from "./run.js";

describe("scale api=N", () => {
  it("takes api=N between 2 and 20, and says why it refuses anything else", () => {
    expect(parseScaleSpec("api=2")).toBe(2);
    expect(parseScaleSpec("api=20")).toBe(20);
    expect(() => parseScaleSpec("api=1")).toThrow(/out of range: between 2 and 20/);
    expect(() => parseScaleSpec("api=21")).toThrow(/out of range/);
    expect(() => parseScaleSpec("redis=3")).toThrow(/only the API scales, as api=N/);
    expect(() => parseScaleSpec(undefined)).toThrow(/only the API scales/);
  });
});
