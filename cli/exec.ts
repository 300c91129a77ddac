import { spawn } from "node:child_process";
import { execa } from "execa";
import { CommandError } from "./errors.js";
import { redact, registeredSecrets } from "./secret.js";

/** The only module that starts processes. Commands are argument arrays, never shell strings. */

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  timeoutMs?: number;
  /** Values to blank out of the command line and output when reporting an error. */
  secrets?: string[];
  /** Stream the child's output to ours (for long builds). */
  inherit?: boolean;
  /** Called with each line of combined output, for progress display. */
  onLine?: (line: string) => void;
  /** Don't throw on a non-zero exit; return it. */
  reject?: boolean;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the command was killed at its timeoutMs; exitCode is then never 0 (124, as timeout(1) says). */
  timedOut?: boolean;
}

/** The exit code of a command killed at its timeout, when it reported none of its own. */
export const TIMED_OUT = 124;

export async function run(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const secrets = [...registeredSecrets(), ...(opts.secrets ?? [])];
  const printable = redact([file, ...args].join(" "), secrets);
  if (process.env.STEVIE_DEBUG_EXEC) process.stderr.write(`$ ${printable}\n`);
  const child = execa(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: true,
    input: opts.input,
    timeout: opts.timeoutMs ?? 10 * 60_000,
    reject: false,
    all: Boolean(opts.onLine),
    stdio: opts.inherit ? "inherit" : "pipe",
    stripFinalNewline: true,
  });
  if (opts.onLine && child.all) {
    let buf = "";
    child.all.on("data", (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) opts.onLine?.(redact(l, secrets));
    });
  }
  const r = await child;
  const stdout = typeof r.stdout === "string" ? r.stdout : "";
  const stderr = typeof r.stderr === "string" ? r.stderr : "";
  if (r.failed && opts.reject !== false) {
    const tail = redact((stderr || stdout).split("\n").slice(-15).join("\n"), secrets);
    if (r.code === "ENOENT") throw new CommandError(printable, undefined, `${file}: command not found`);
    throw new CommandError(printable, r.exitCode, tail, Boolean(r.timedOut));
  }
  // A killed `docker exec` client exits 0 on the signal: the command did not finish, whatever the client says.
  if (r.timedOut) return { exitCode: r.exitCode || TIMED_OUT, stdout, stderr, timedOut: true };
  return { exitCode: r.exitCode ?? (r.failed ? 1 : 0), stdout, stderr };
}

/** True if the program can be started at all (found on PATH). */
export async function which(file: string): Promise<boolean> {
  const r = await execa("sh", ["-c", 'command -v "$1"', "sh", file], { reject: false });
  return r.exitCode === 0;
}

/** Start a long-lived program in the background, detached from us, its output appended to a log file. */
export async function startDetached(file: string, args: string[], logFile: string): Promise<number | undefined> {
  const { openSync, closeSync } = await import("node:fs");
  const fd = openSync(logFile, "a", 0o600);
  try {
    // Plain spawn: execa would tie the child's lifetime to ours.
    const child = spawn(file, args, { detached: true, stdio: ["ignore", fd, fd] });
    child.on("error", () => undefined);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
