import type { Command } from "commander";
import { type GlobalFlags, withShared, stackDir, print, note } from "../shared.js";

export function register(program: Command): void {
  const catalog = program.command("catalog").description("the Stevie Awards category catalogue inside the stack");
  withShared(catalog.command("import <file>"))
    .description("validate a catalogue file, load it (reporting what changed) and embed new or changed categories")
    .option("--dry-run", "report what would change and change nothing")
    .action(async (file: string, f: GlobalFlags & { dryRun?: boolean }) => {
      const { runCatalogImport } = await import("./run.js");
      const progress = (e: Record<string, unknown>) => {
        if (e.event === "embed-progress" && !f.json) note(`embedding ${String(e.done)}/${String(e.total)}`);
      };
      const r = await runCatalogImport({ dir: stackDir(f), file, dryRun: Boolean(f.dryRun) }, progress);
      print(f, r.result, () => renderImport(r.result, Boolean(f.dryRun)));
    });
  withShared(catalog.command("embed"))
    .description("(re)embed categories whose vectors are missing or stale; resumes after an interruption")
    .action(async (f: GlobalFlags) => {
      const { runCatalogEmbed } = await import("./run.js");
      const r = await runCatalogEmbed({ dir: stackDir(f) }, (e) => {
        if (e.event === "embed-progress" && !f.json) note(`embedding ${String(e.done)}/${String(e.total)}`);
      });
      print(f, r.result, () => `Embeddings up to date (${String(r.result.done ?? 0)} embedded now).`);
    });
}

interface ImportResult {
  version?: string;
  previousVersion?: string;
  added?: string[];
  updated?: string[];
  removed?: string[];
  unchanged?: number;
}

function renderImport(result: unknown, dryRun: boolean): string {
  const res = result as ImportResult;
  const lines = [
    `${dryRun ? "Would load" : "Loaded"} catalogue ${res.version ?? "?"} (was ${res.previousVersion ?? "none"}): ${res.added?.length ?? 0} added, ${res.updated?.length ?? 0} changed, ${res.removed?.length ?? 0} removed, ${res.unchanged ?? 0} unchanged.`,
  ];
  for (const [label, list] of [
    ["added", res.added],
    ["changed", res.updated],
    ["removed", res.removed],
  ] as const) {
    if (list?.length)
      lines.push(
        `  ${label}: ${list.slice(0, 20).join(", ")}${list.length > 20 ? ` and ${list.length - 20} more` : ""}`,
      );
  }
  return lines.join("\n");
}
