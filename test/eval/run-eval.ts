/**
 * `npm run eval [-- --data-dir DIR] [--modes vector,fulltext,hybrid] [--worst N] [--json FILE]`
 *
 * Runs every labelled nominee of nominees.json through the real recommendation engine (`recommend()`, with the
 * nominee's profile) against a throw-away PGlite database holding the bundled catalogue embedded with the offline
 * model, once per retrieval mode, and prints recall@5, recall@10, MRR and server-side latency per mode, then the
 * worst nominees of each mode. With --data-dir the database (and so the category embeddings) is kept between runs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { programCache } from "../../server/catalog/programs.js";
import { createPrisma } from "../../server/db.js";
import { prepareDevDatabase } from "../../server/dev/prepare.js";
import { createOfflineEmbedder } from "../../server/embeddings/offline.js";
import { createLogger } from "../../server/logger.js";
import { eligibilityFilter, recommend, type RecommendDeps } from "../../server/recommend/engine.js";
import { recommendInput, type RecommendInput } from "../../server/recommend/input.js";
import { recallAtK, reciprocalRank, summarise, summaryTable, worstFirst, type NomineeRun } from "./eval.js";
import { EvalSetSchema, type EvalNominee } from "./nominees.schema.js";

const MODES = ["vector", "fulltext", "hybrid"] as const;
type Mode = (typeof MODES)[number];

const root = fileURLToPath(new URL("../../", import.meta.url));

function parseCli() {
  const { values } = parseArgs({
    options: {
      "data-dir": { type: "string" },
      modes: { type: "string", default: MODES.join(",") },
      worst: { type: "string", default: "6" },
      json: { type: "string" },
    },
  });
  const modes = values.modes.split(",").map((m) => m.trim());
  for (const m of modes)
    if (!(MODES as readonly string[]).includes(m)) throw new Error(`unknown mode ${m}; use ${MODES.join(", ")}`);
  const worst = Number(values.worst);
  if (!Number.isInteger(worst) || worst < 0) throw new Error("--worst must be a whole number");
  return { dataDir: values["data-dir"], modes: modes as Mode[], worst, json: values.json };
}

function inputFor(n: EvalNominee, mode: Mode, topK = 10): RecommendInput {
  return recommendInput.parse({ description: n.description, profile: n.profile, topK, mode });
}

async function main(): Promise<void> {
  const opts = parseCli();
  const log = createLogger(process.env.LOG_LEVEL ?? "warn");
  const nominees = EvalSetSchema.parse(JSON.parse(readFileSync(new URL("./nominees.json", import.meta.url), "utf8")));
  const embedder = createOfflineEmbedder();
  process.stderr.write(
    `preparing the database (${opts.dataDir ?? "in memory"}) and embedding the catalogue with ${embedder.model}…\n`,
  );
  const t0 = performance.now();
  const prepared = await prepareDevDatabase({
    dataDir: opts.dataDir,
    migrationsDir: `${root}prisma/migrations`,
    precomputedFile: `${root}dist/server-bundle/embeddings/${embedder.model}.json`,
    embedder,
    log,
  });
  const { pool, database } = prepared;
  const prisma = createPrisma(pool);
  process.stderr.write(
    `ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (${JSON.stringify(prepared.timings)}, embedded ${prepared.embedded.done})\n`,
  );

  try {
    const deps: RecommendDeps = { pool, embedder, programs: programCache(prisma) };
    const categories = new Map(
      (await pool.query<{ code: string; name: string }>("SELECT code, name FROM categories")).rows.map((r) => [
        r.code,
        r.name,
      ]),
    );
    // Warm up: the first call loads the program cache and compiles the model's graph for a new input shape.
    await recommend(deps, inputFor(nominees[0]!, "hybrid"));

    const runs = new Map<Mode, NomineeRun[]>();
    for (const mode of opts.modes) {
      const list: NomineeRun[] = [];
      for (const n of nominees) {
        const started = performance.now();
        const r = await recommend(deps, inputFor(n, mode));
        list.push({
          id: n.id,
          expected: n.expected,
          got: r.results.map((x) => x.category.code),
          latencyMs: performance.now() - started,
        });
      }
      runs.set(mode, list);
      process.stderr.write(`  ${mode}: done\n`);
    }

    const summaries = opts.modes.map((m) => summarise(m, runs.get(m)!));
    process.stdout.write(
      `\nRetrieval quality on ${nominees.length} labelled nominees (model ${embedder.model}; latency = recommend() wall time, in process)\n\n`,
    );
    process.stdout.write(`${summaryTable(summaries)}\n`);

    // Expected codes the profile filters exclude can never be found: a labelling or eligibility-data problem.
    const programs = await deps.programs();
    const excluded: string[] = [];
    for (const n of nominees) {
      const input = inputFor(n, "hybrid");
      const f = eligibilityFilter(input.profile, programs, 2);
      const ok = await pool.query<{ code: string }>(
        `SELECT c.code FROM categories c WHERE ${["c.code = ANY($1)", ...f.sql].join(" AND ")}`,
        [n.expected, ...f.params],
      );
      const found = new Set(ok.rows.map((r) => r.code));
      for (const code of n.expected)
        if (!found.has(code)) excluded.push(`${n.id}: ${code}${categories.has(code) ? "" : " (not in the catalogue)"}`);
    }
    process.stdout.write(
      `\nExpected codes the nominee's own profile filters out: ${excluded.length ? `\n  ${excluded.join("\n  ")}` : "none"}\n`,
    );

    if (opts.worst > 0) {
      for (const mode of opts.modes) {
        process.stdout.write(`\nWorst ${opts.worst} nominees, ${mode}:\n`);
        for (const r of worstFirst(runs.get(mode)!).slice(0, opts.worst)) {
          const n = nominees.find((x) => x.id === r.id)!;
          // Where the expected codes do land, looking further down the list.
          const deep = (await recommend(deps, inputFor(n, mode, 50))).results.map((x) => x.category.code);
          const expected = r.expected.map(
            (c) => `${c} "${categories.get(c) ?? "?"}" (rank ${deep.includes(c) ? deep.indexOf(c) + 1 : ">50"})`,
          );
          process.stdout.write(
            `  ${r.id}  recall@5 ${recallAtK(r.expected, r.got, 5).toFixed(2)}  RR ${reciprocalRank(r.expected, r.got).toFixed(2)}\n`,
          );
          process.stdout.write(`    expected: ${expected.join("; ")}\n`);
          process.stdout.write(
            `    got:      ${r.got
              .slice(0, 3)
              .map((c) => `${c} "${categories.get(c) ?? "?"}"`)
              .join("; ")}\n`,
          );
        }
      }
    }
    if (opts.json) {
      writeFileSync(
        opts.json,
        `${JSON.stringify({ model: embedder.model, summaries, runs: Object.fromEntries(runs) }, null, 2)}\n`,
      );
      process.stderr.write(`wrote ${opts.json}\n`);
    }
  } finally {
    await prisma.$disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await embedder.close?.().catch(() => undefined);
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`eval failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
