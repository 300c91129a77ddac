import { describe, expect, it } from "vitest";
import { run, TIMED_OUT } from "./exec.js";

describe("run", () => {
  it("reports a command killed at its timeout as failed, even when it exits 0 on the signal (as docker exec does)", async () => {
    // A shell that traps SIGTERM and exits 0, like the docker client does when execa's timeout kills it.
    const r = await run("sh", ["-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"], {
      timeoutMs: 300,
      reject: false,
    });
    expect(r).toMatchObject({ exitCode: TIMED_OUT, timedOut: true });
  });

  it("returns the exit code and output of a command that finishes", async () => {
    expect(await run("sh", ["-c", "echo out; echo err >&2; exit 3"], { reject: false })).toEqual({
      exitCode: 3,
      stdout: "out",
      stderr: "err",
    });
  });
});
