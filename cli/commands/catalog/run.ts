import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../../errors.js";
import { recordAudit } from "../../stack/audit.js";
import { loadStack } from "../../stack/load.js";
import { compose } from "../../stack/handle.js";

/**
 * Catalogue jobs run inside the stack with the API image (`docker compose run` of the migrate service), since only
 * the stack's internal network reaches the database. Each prints JSON lines; the last one is the result.
 */
export interface CatalogJobResult {
  events: Record<string, unknown>[];
  result: Record<string, unknown>;
}

async function runTask(
  dir: string,
  args: string[],
  mounts: string[] = [],
  onEvent?: (e: Record<string, unknown>) => void,
): Promise<CatalogJobResult> {
  const { paths, config } = await loadStack(dir);
  const events: Record<string, unknown>[] = [];
  let buffer = "";
  const r = await compose(
    paths,
    config.projectName,
    [
      "run",
      "--rm",
      "--no-deps",
      "-T",
      ...mounts.flatMap((m) => ["-v", m]),
      "migrate",
      "node",
      "/app/tasks.mjs",
      ...args,
    ],
    {
      reject: false,
      timeoutMs: 60 * 60_000,
      onLine: (line) => {
        buffer = line;
        if (!line.startsWith("{")) return;
        try {
          const e = JSON.parse(line) as Record<string, unknown>;
          events.push(e);
          onEvent?.(e);
        } catch {
          // not one of ours
        }
      },
    },
  );
  const error = events.find((e) => e.event === "error");
  if (r.exitCode !== 0 || error) {
    throw new UserError(
      `catalogue job failed: ${String(error?.message ?? (r.stderr.split("\n").pop() || buffer || `exit code ${r.exitCode}`))}`,
      "fix the cause and run the command again; nothing was changed by a failed import",
    );
  }
  return { events, result: events[events.length - 1] ?? {} };
}

export async function runCatalogImport(
  opts: { dir: string; file: string; dryRun: boolean },
  onEvent?: (e: Record<string, unknown>) => void,
): Promise<CatalogJobResult> {
  const file = resolve(opts.file);
  if (!existsSync(file))
    throw new UserError(
      `no such file: ${file}`,
      "give the path of a catalogue JSON file in the format of server/catalog/data/catalog.json",
    );
  const imported = await runTask(
    opts.dir,
    ["catalog-import", "/import/catalog.json", ...(opts.dryRun ? ["--dry-run"] : [])],
    [`${file}:/import/catalog.json:ro`],
    onEvent,
  );
  if (opts.dryRun) return imported;
  const r = imported.result as {
    version?: string;
    previousVersion?: string | null;
    added?: string[];
    updated?: string[];
    removed?: string[];
  };
  const { stack } = await loadStack(opts.dir);
  await recordAudit(stack, {
    action: "catalog.import",
    target: file,
    details: {
      version: r.version,
      previousVersion: r.previousVersion,
      added: r.added?.length ?? 0,
      updated: r.updated?.length ?? 0,
      removed: r.removed?.length ?? 0,
    },
  });
  const embedded = await runTask(opts.dir, ["catalog-embed"], [], onEvent);
  return {
    events: [...imported.events, ...embedded.events],
    result: { ...imported.result, embedded: embedded.result },
  };
}

export function runCatalogEmbed(
  opts: { dir: string },
  onEvent?: (e: Record<string, unknown>) => void,
): Promise<CatalogJobResult> {
  return runTask(opts.dir, ["catalog-embed"], [], onEvent);
}
