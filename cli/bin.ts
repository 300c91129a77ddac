#!/usr/bin/env node
import { CommanderError } from "commander";
import { formatError, UserError } from "./errors.js";
import { buildProgram } from "./program.js";

/** The only place that decides the exit code. */
const verbose = process.argv.includes("--verbose");
try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // commander already printed help, the version, or what was wrong with the arguments.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  if ((err as Error)?.name === "ExitPromptError") {
    process.stderr.write("Cancelled.\n");
    process.exit(130);
  }
  process.stderr.write(`${formatError(err, verbose)}\n`);
  process.exit(err instanceof UserError ? err.exitCode : 70);
}
