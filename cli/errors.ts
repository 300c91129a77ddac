/**
 * The CLI's small error set. A UserError is something the operator can fix: it carries a message and
 * the next thing to try, and is printed without a stack. Anything else is an internal error and keeps its stack
 * (shown with --verbose). Only cli/bin.ts turns these into an exit code.
 */
export class UserError extends Error {
  override readonly name = "UserError";
  constructor(
    message: string,
    readonly fix?: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * What the CLI's exit status means, for scripts. `--help` prints this table and the README carries the same one (a
 * test compares them). cli/bin.ts and the commands that report a verdict are the only places that set these.
 */
export const EXIT_CODES: readonly (readonly [code: number, meaning: string])[] = [
  [0, "done; `status` and `doctor`: the stack is healthy"],
  [
    1,
    "failed for a reason the message names, with the next thing to try (a bad config, a host problem, a dead container); `host check`: a check failed",
  ],
  [2, "wrong command line: an unknown command or flag, a bad or missing value"],
  [3, "`status`: a service is not healthy; `doctor`: problems found"],
  [4, "`upgrade` rolled itself back, or `rollback` could not complete; `drill`: the restored copy failed verification"],
  [70, "internal error (a bug): run again with --verbose and report the stack trace"],
  [130, "cancelled at a question (Ctrl+C)"],
];

/** Several problems reported at once (config validation, preflight). */
export class ProblemsError extends UserError {
  constructor(
    headline: string,
    readonly problems: string[],
    fix?: string,
  ) {
    super(`${headline}\n${problems.map((p) => `  - ${p}`).join("\n")}`, fix);
  }
}

/** A child process that failed; the message names the command (secrets redacted), exit code and stderr tail. */
export class CommandError extends Error {
  override readonly name = "CommandError";
  constructor(
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly stderrTail: string,
    readonly timedOut = false,
  ) {
    const why = timedOut ? "timed out" : `exited with code ${exitCode ?? "unknown"}`;
    super(`\`${command}\` ${why}${stderrTail ? `:\n${stderrTail}` : ""}`);
  }
}

export function formatError(err: unknown, verbose: boolean): string {
  if (err instanceof UserError) {
    const fix = err.fix ? `\nFix: ${err.fix}` : "";
    return `Error: ${err.message}${fix}${verbose && err.stack ? `\n${err.stack}` : ""}`;
  }
  if (err instanceof Error) {
    return verbose
      ? `Internal error: ${err.stack ?? err.message}`
      : `Internal error: ${err.message}\n(run again with --verbose for details)`;
  }
  return `Internal error: ${String(err)}`;
}
