import { Command } from "commander";
import { EXIT_CODES, UserError } from "./errors.js";
import { packageVersion } from "./package-root.js";
import type { GlobalFlags } from "./commands/shared.js";
import * as alerts from "./commands/alerts/command.js";
import * as apikey from "./commands/apikey/command.js";
import * as audit from "./commands/audit/command.js";
import * as backup from "./commands/backup/command.js";
import * as catalog from "./commands/catalog/command.js";
import * as config from "./commands/config/command.js";
import * as dev from "./commands/dev/command.js";
import * as doctor from "./commands/doctor/command.js";
import * as forward from "./commands/forward/command.js";
import * as history from "./commands/history/command.js";
import * as host from "./commands/host/command.js";
import * as install from "./commands/install/command.js";
import * as logs from "./commands/logs/command.js";
import * as ops from "./commands/ops/command.js";
import * as restore from "./commands/restore/command.js";
import * as rollback from "./commands/rollback/command.js";
import * as rotate from "./commands/rotate/command.js";
import * as scale from "./commands/scale/command.js";
import * as status from "./commands/status/command.js";
import * as switchover from "./commands/switchover/command.js";
import * as uninstall from "./commands/uninstall/command.js";
import * as upgrade from "./commands/upgrade/command.js";

/**
 * The program: every command registers itself from cli/commands/NAME/command.ts, in the order `--help` lists them.
 * A definition only turns flags into a typed options object and calls the module that does the work (loaded lazily,
 * so `--help` stays fast).
 */
const COMMANDS = [
  install,
  status,
  forward,
  doctor,
  upgrade,
  rollback,
  history,
  scale,
  rotate,
  audit,
  alerts,
  apikey,
  switchover,
  logs,
  backup,
  restore,
  uninstall,
  dev,
  catalog,
  host,
  config,
  ops,
];

export function buildProgram(): Command {
  const program = new Command("stevie-stack")
    .description("Install and operate the Stevie Awards Recommendation API on this host")
    .version(packageVersion())
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (s, write) => write(s) })
    .addHelpText(
      "after",
      `\nExit codes:\n${EXIT_CODES.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join("\n")}\n`,
    );
  program.exitOverride();
  program.hook("preAction", async (_program, action) => {
    if (action.optsWithGlobals<GlobalFlags>().json) (await import("./output.js")).reserveStdoutForJson();
  });
  for (const command of COMMANDS) command.register(program);
  return program;
}

export { UserError };
