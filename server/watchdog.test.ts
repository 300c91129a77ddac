import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const WATCHDOG = fileURLToPath(new URL("./watchdog.ts", import.meta.url));

/**
 * A child Node process that starts the watchdog, then runs `body` (its main thread's behaviour) and prints
 * "survived" if it gets to the end. `during` acts on the child meanwhile (e.g. SIGSTOP/SIGCONT).
 */
function child(
  options: string,
  body: string,
  during?: (pid: number) => Promise<void>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }> {
  const script = `import { startWatchdog } from ${JSON.stringify(WATCHDOG)};\nstartWatchdog(${options});\n${body}`;
  const started = Date.now();
  const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  void during?.(p.pid!);
  return new Promise((resolve) =>
    p.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started })),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The main thread does not turn for 4 s (after 500 ms, when the watchdog has started), then says so.
const BLOCK = `setTimeout(() => { const end = Date.now() + 4000; while (Date.now() < end); console.log("survived"); }, 500);`;

describe("event-loop watchdog (issue 23)", () => {
  it("kills a process whose main thread stops turning, with one line saying why", { timeout: 30_000 }, async () => {
    const r = await child("{ stallMs: 1000, tickMs: 100 }", BLOCK);
    expect(r.signal).toBe("SIGKILL");
    expect(r.stdout).not.toContain("survived");
    const line = JSON.parse(r.stderr.trim().split("\n").at(-1)!) as { level: number; msg: string; stalledMs: number };
    expect(line).toMatchObject({ level: 60, msg: expect.stringMatching(/event loop stalled/) });
    expect(line.stalledMs).toBeGreaterThanOrEqual(1000);
  });

  it("leaves a busy main thread alone while it still turns", { timeout: 30_000 }, async () => {
    // 3 s of work in 50-ms slices: every slice ends, so the counter moves.
    const r = await child(
      "{ stallMs: 1000, tickMs: 100 }",
      `let left = 60; const slice = () => { const end = Date.now() + 50; while (Date.now() < end); if (--left > 0) setImmediate(slice); else console.log("survived"); }; slice();`,
    );
    expect(r.signal).toBeNull();
    expect(r.stdout).toContain("survived");
  });

  it("leaves a frozen process alone once it thaws (docker pause is not a stall)", { timeout: 30_000 }, async () => {
    const r = await child(
      "{ stallMs: 1500, tickMs: 100, frozenMs: 1000 }",
      `setTimeout(() => console.log("survived"), 4000);`,
      async (pid) => {
        await sleep(800);
        process.kill(pid, "SIGSTOP");
        await sleep(3000);
        process.kill(pid, "SIGCONT");
      },
    );
    expect(r.signal).toBeNull();
    expect(r.stdout).toContain("survived");
  });

  it("is off with stallMs 0", { timeout: 30_000 }, async () => {
    const r = await child("{ stallMs: 0 }", BLOCK);
    expect(r.signal).toBeNull();
    expect(r.stdout).toContain("survived");
  });
});
