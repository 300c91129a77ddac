import type { Command } from "commander";
import { type GlobalFlags, intArg, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("audit"))
    .description(
      "the audit log, newest first: every administrative CLI action and catalogue change (append-only: the database refuses to change or delete it)",
    )
    .option("-n, --limit <n>", "how many entries", intArg("--limit", 1, 100_000), 50)
    .option("--action <name>", "only this action, e.g. rotate-secrets, scale, restore")
    .action(async (f: GlobalFlags & { limit: number; action?: string }) => {
      const { readAudit } = await import("../../stack/audit.js");
      const { loadStack } = await import("../../stack/load.js");
      const { stack } = await loadStack(stackDir(f));
      const rows = await readAudit(stack, {
        limit: f.limit,
        ...(f.action ? { action: f.action } : {}),
      });
      print(f, rows, () =>
        rows.length
          ? rows
              .map(
                (e) =>
                  `${e.at}  ${e.actor}  ${e.action}${e.target ? ` ${e.target}` : ""}  ${JSON.stringify(e.details)}`,
              )
              .join("\n")
          : "No entries.",
      );
    });
}
