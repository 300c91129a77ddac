import { afterEach, describe, expect, it, vi } from "vitest";
import { throttledWarn } from "./logger.js";

afterEach(() => vi.useRealTimers());

describe("throttledWarn", () => {
  it("logs the first warning, drops the next ones for the interval, then logs again", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const warn = throttledWarn(
      { warn: (_fields: object, message: string) => void lines.push(message) } as never,
      30_000,
    );
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

describe("createLogger", () => {
  it(
    "never blocks the event loop on a full stdout, and loses nothing it was given once the reader catches up and it flushes (issue 22)",
    { timeout: 30_000 },
    async () => {
      const { spawn } = await import("node:child_process");
      const logger = new URL("./logger.ts", import.meta.url).pathname;
      // 2,000 lines of ~400 bytes: ten times what the pipe and Node's buffer hold while nobody reads.
      const script = `import { createLogger } from ${JSON.stringify(logger)};
const log = createLogger("info");
const started = performance.now();
for (let i = 0; i < 2000; i++) log.info({ i, pad: "x".repeat(300) }, "line");
process.stderr.write("logged in " + Math.round(performance.now() - started) + " ms\\n");
log.flush(() => process.exit(0));`;
      const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      p.stdout.pause();
      let stderr = "";
      p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      // Nobody reads stdout yet: a synchronous logger would still be stuck in its first hundred lines here.
      const deadline = Date.now() + 10_000;
      while (!/logged in \d+ ms/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toMatch(/logged in \d+ ms/);
      let stdout = "";
      const closed = new Promise((r) => p.stdout.on("close", r));
      const exited = new Promise<number | null>((resolve) => p.on("exit", resolve));
      p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      p.stdout.resume();
      const [code] = await Promise.all([exited, closed]);
      expect(code).toBe(0);
      const lines = stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { i: number; msg: string });
      expect(lines).toHaveLength(2000);
      expect(lines.at(-1)).toMatchObject({ i: 1999, msg: "line" });
    },
  );
});
