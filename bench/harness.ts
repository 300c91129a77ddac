/**
 * What the in-process bench scripts (server.ts, retention.ts) share: the stack's PostgreSQL image holding the
 * catalogue and its offline vectors, one latency row of a table, and the table printed and appended to
 * docs/performance.md under a heading that names the machine.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import pg from "pg";
import { packageVersion } from "../cli/package-root.js";
import { createPrisma } from "../server/db.js";
import { createOfflineEmbedder } from "../server/embeddings/offline.js";
import { percentile } from "../test/eval/eval.js";
import { prepareServicesData, startTestServices, stopTestServices, type TestServices } from "../test/setup/services.js";

export interface Catalogue {
  services: TestServices;
  pool: pg.Pool;
  prisma: ReturnType<typeof createPrisma>;
  embedder: ReturnType<typeof createOfflineEmbedder>;
}

/** FN against a fresh PostgreSQL (stack image) with the catalogue loaded and embedded; everything removed after. */
export async function withCatalogue<T>(fn: (c: Catalogue) => Promise<T>, poolOptions: pg.PoolConfig = {}): Promise<T> {
  const project = `stevietest-bench-${process.pid}`;
  process.stderr.write("starting PostgreSQL (stack image) and loading the catalogue…\n");
  const services = await startTestServices(project, packageVersion());
  try {
    await prepareServicesData(services);
    const pool = new pg.Pool({ ...services.pg, max: 10, ...poolOptions });
    const prisma = createPrisma(pool);
    const embedder = createOfflineEmbedder();
    try {
      return await fn({ services, pool, prisma, embedder });
    } finally {
      await prisma.$disconnect();
      await pool.end();
      await embedder.close?.();
    }
  } finally {
    await stopTestServices(project);
  }
}

const fmt = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));

/** One table row: name, count, p50, p95 and p99 in ms, and a note. */
export const latencyRow = (name: string, ms: number[], note = "") => [
  name,
  String(ms.length),
  fmt(percentile(ms, 50)),
  fmt(percentile(ms, 95)),
  fmt(percentile(ms, 99)),
  note,
];

/** TABLE under "### TITLE — date" and the machine (with ABOUT after it), printed and appended to docs/performance.md. */
export function recordResult(title: string, table: string, about = ""): void {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Node ${process.version}`;
  const header = `### ${title} — ${new Date().toISOString()}\n\nMachine: ${machine}; PostgreSQL in Docker (stevie-stack/postgres ${packageVersion()}), client in this process.${about ? ` ${about}` : ""}\n\n`;
  process.stdout.write(`\n${header}${table}\n`);
  mkdirSync("docs", { recursive: true });
  appendFileSync("docs/performance.md", `\n${header}${table}\n`);
}
