import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { PROJECT_LABEL } from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { imageRef } from "../../cli/stack/services/common.js";
import { freePort } from "./ports.js";

/**
 * PostgreSQL (with pgvector) and Redis for the integration tests: the stack's own images, run as plain containers
 * published on 127.0.0.1 so tests on the host can reach them (the stack's data network is internal).
 */
export interface TestServices {
  project: string;
  pg: { host: string; port: number; user: string; database: string; password: string };
  redis: { host: string; port: number; password: string };
}

async function waitFor(what: string, probe: () => Promise<unknown>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probe();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what} did not come up: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function startTestServices(project: string, version: string): Promise<TestServices> {
  const dir = await mkdtemp(join(tmpdir(), "stevie-svc-"));
  const pgPassword = randomBytes(16).toString("hex");
  const redisPassword = randomBytes(16).toString("hex");
  await writeFile(join(dir, "pg"), pgPassword, { mode: 0o600 });
  await writeFile(join(dir, "redis"), redisPassword, { mode: 0o600 });
  await chmod(dir, 0o755);
  const pgPort = await freePort();
  const redisPort = await freePort();
  const common = ["run", "-d", "--label", `${PROJECT_LABEL}=${project}`, "--restart", "no"];
  await run("docker", [
    ...common,
    "--name",
    `${project}-postgres`,
    "-p",
    `127.0.0.1:${pgPort}:5432`,
    "-v",
    `${dir}/pg:/run/secrets/pw:ro`,
    "-e",
    "POSTGRES_DB=stevie",
    "-e",
    "POSTGRES_USER=stevie",
    "-e",
    "POSTGRES_PASSWORD_FILE=/run/secrets/pw",
    "--shm-size",
    "256m",
    imageRef("postgres", version),
  ]);
  await run("docker", [
    ...common,
    "--name",
    `${project}-redis`,
    "-p",
    `127.0.0.1:${redisPort}:6379`,
    "-v",
    `${dir}/redis:/run/secrets/pw:ro`,
    "-e",
    "REDIS_PASSWORD_FILE=/run/secrets/pw",
    imageRef("redis", version),
  ]);
  const services: TestServices = {
    project,
    pg: { host: "127.0.0.1", port: pgPort, user: "stevie", database: "stevie", password: pgPassword },
    redis: { host: "127.0.0.1", port: redisPort, password: redisPassword },
  };
  await waitFor("postgres", async () => {
    const c = new pg.Client(services.pg);
    await c.connect();
    await c.query("select 1");
    await c.end();
  });
  return services;
}

export async function stopTestServices(project: string): Promise<void> {
  await run("docker", ["rm", "-f", "-v", `${project}-postgres`, `${project}-redis`], { reject: false });
}

/** Apply the migrations, load the catalogue and embed it with the offline model: what the stack's migrate job does. */
export async function prepareServicesData(s: TestServices): Promise<void> {
  const { runMigrations } = await import("../../server/migrate.js");
  const { seedCatalog } = await import("../../server/catalog/seed.js");
  const { loadCatalog } = await import("../../server/catalog/load.js");
  const { embedCatalog } = await import("../../server/catalog/embed.js");
  const { createOfflineEmbedder } = await import("../../server/embeddings/offline.js");
  const { createLogger } = await import("../../server/logger.js");
  await runMigrations(s.pg, "prisma/migrations", createLogger("warn"));
  const pool = new pg.Pool({ ...s.pg, max: 4 });
  try {
    await seedCatalog(pool, loadCatalog());
    const embedder = createOfflineEmbedder();
    // The vectors `npm run build` computed for the image, as the stack's migrate job uses them.
    const { loadPrecomputed } = await import("../../server/catalog/precomputed.js");
    const precomputed = loadPrecomputed(
      "dist/server-bundle/embeddings/use-lite-512.json",
      embedder.model,
      embedder.dimension,
    );
    await embedCatalog(pool, embedder, { precomputed });
    await embedder.close?.();
  } finally {
    await pool.end();
  }
}
