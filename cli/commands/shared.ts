import { InvalidArgumentError, type Command } from "commander";
import { defaultStackDir } from "../stack/paths.js";

/**
 * What every command definition shares: the common flags, the one way to find the stack directory, the one way to
 * print a result (JSON with --json, else a human line), and the prompts that only a terminal may answer.
 */
export interface GlobalFlags {
  dir?: string;
  yes?: boolean;
  json?: boolean;
  verbose?: boolean;
}

export const intArg = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

const UNITS: Record<string, number> = { m: 60_000, h: 3600_000, d: 86400_000 };

/** "90m", "2h", "7d" as milliseconds, from 1 minute to MAX_DAYS days. */
export const durationArg = (name: string, maxDays: number) => (v: string) => {
  const m = /^(\d{1,5})([mhd])$/.exec(v.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : NaN;
  if (!(ms >= 60_000 && ms <= maxDays * UNITS.d!))
    throw new InvalidArgumentError(
      `${name} must be a duration from 1m to ${maxDays}d: a number and a unit (30m, 2h, 7d)`,
    );
  return ms;
};

export const isTTY = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

/** The stack directory a command works on: --dir, else $STEVIE_STACK_DIR or the default. */
export const stackDir = (f: GlobalFlags): string => f.dir ?? defaultStackDir();

export const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Progress and warnings: stderr, so that stdout carries only the result. */
export const note = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** A command's result: the value as JSON with --json, else the human text (made only when it is needed). */
export function print<T>(f: GlobalFlags, value: T, human: () => string): void {
  out(f.json ? JSON.stringify(value, null, 2) : human());
}

/** A secret from stdin: typed behind a mask on a terminal, otherwise everything piped in (trimmed). */
export async function readSecretInput(what: string): Promise<string> {
  if (isTTY()) {
    const { password } = await import("@inquirer/prompts");
    return password({ message: what, mask: "*" });
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

/** A yes/no question; without a terminal the answer is no (destructive actions then need --yes). */
export async function confirmOrRefuse(question: string): Promise<boolean> {
  if (!isTTY()) return false;
  const { confirmPrompt } = await import("../wizard.js");
  return confirmPrompt(question);
}

/**
 * A subcommand's flags together with its parent's (`backup --dir X list` and `backup list --dir X` mean the same).
 */
export function flagsOf<T = object>(cmd: Command): GlobalFlags & T {
  return cmd.optsWithGlobals<GlobalFlags & T>();
}

export function withShared(cmd: Command): Command {
  return cmd
    .option(
      "--dir <path>",
      "stack directory (default: $STEVIE_STACK_DIR, else /opt/stevie-stack as root, else ./stevie-stack)",
    )
    .option("-y, --yes", "answer yes to every question (needed for destructive actions without a TTY)")
    .option("--json", "machine-readable output")
    .option("--verbose", "show stack traces and commands");
}
