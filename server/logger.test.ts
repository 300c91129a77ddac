import { afterEach, describe, expect, it, vi } from "vitest";
import { throttledWarn } from "./logger.js";

afterEach(() => vi.useRealTimers());

describe("throttledWarn", () => {
  it("logs the first warning, drops the next ones for the interval, then logs again", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const warn = throttledWarn({ warn: (_fields: object, message: string) => void lines.push(message) } as never, 30_000);
    warn({}, "redis down (1)");
    vi.advanceTimersByTime(29_000);
    warn({}, "redis down (2)");
    vi.advanceTimersByTime(2_000);
    warn({}, "redis down (3)");
    expect(lines).toEqual(["redis down (1)", "redis down (3)"]);
  });

  it("does nothing without a logger", () => {
    expect(() => throttledWarn(undefined)({}, "nobody listens")).not.toThrow();
  });
});
