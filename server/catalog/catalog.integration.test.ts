import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { embedCatalog } from "./embed.js";
import { loadCatalog } from "./load.js";
import { seedCatalog } from "./seed.js";
import { createOfflineEmbedder } from "../embeddings/offline.js";

const pool = new pg.Pool({ ...inject("services").pg, max: 4 });
afterAll(() => pool.end());
const catalog = loadCatalog();

describe("catalogue seed and embeddings", () => {
  it("is idempotent: loading the same file again changes nothing", async () => {
    const r = await seedCatalog(pool, catalog);
    expect(r).toMatchObject({ added: [], updated: [], removed: [], unchanged: catalog.categories.length });
  });

  it("reports what an import would add, change and remove, and a dry run changes nothing", async () => {
    const changed = structuredClone(catalog);
    changed.version = "2099.1";
    changed.categories[0]!.description += " Updated wording for this year.";
    const removed = changed.categories.pop()!;
    changed.categories.push({
      ...structuredClone(removed),
      code: "ABA-NEW-001",
      groupCode: removed.groupCode,
      programCode: removed.programCode,
      name: "A brand-new category",
    });
    const r = await seedCatalog(pool, changed, { dryRun: true });
    expect(r.added).toEqual(["ABA-NEW-001"]);
    expect(r.updated).toEqual([catalog.categories[0]!.code]);
    expect(r.removed).toEqual([removed.code]);
    expect(r.previousVersion).toBe(catalog.version);
    const still = await pool.query("select value from catalog_state where key = 'catalog_version'");
    expect(still.rows[0].value).toBe(catalog.version);
    expect((await pool.query("select 1 from categories where code = 'ABA-NEW-001'")).rowCount).toBe(0);
  });

  it("stores model and dimension with every vector, and re-embeds only what is missing", async () => {
    const dims = await pool.query(
      "select model, dimension, count(*)::int n, bool_and(vector_dims(embedding) = dimension) ok from category_embeddings group by 1, 2",
    );
    expect(dims.rows).toEqual([{ model: "use-lite-512", dimension: 512, n: catalog.categories.length, ok: true }]);
    await pool.query(
      "delete from category_embeddings where category_id in (select id from categories order by id limit 7)",
    );
    const embedder = createOfflineEmbedder();
    const p = await embedCatalog(pool, embedder);
    await embedder.close?.();
    expect(p).toEqual({ done: 7, total: 7 });
    expect((await pool.query("select count(*)::int n from category_embeddings")).rows[0].n).toBe(
      catalog.categories.length,
    );
  });

  it("uses the HNSW index for a top-10 vector search, and every index is valid", async () => {
    const v = (await pool.query("select embedding::text v from category_embeddings limit 1")).rows[0].v as string;
    const plan = await pool.query(
      `explain select category_id from category_embeddings e where e.model = 'use-lite-512'
        order by e.embedding::vector(512) <=> $1::vector(512) limit 10`,
      [v],
    );
    expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(/category_embeddings_use_lite_512_hnsw/);
    const invalid = await pool.query("select indexrelid::regclass::text from pg_index where not indisvalid");
    expect(invalid.rows).toEqual([]);
  });
});

describe("audit log", () => {
  it("accepts inserts and refuses UPDATE, DELETE and TRUNCATE", async () => {
    await pool.query("insert into audit_log (actor, action, target) values ('test', 'test.write', 'x')");
    await expect(pool.query("update audit_log set actor = 'mallory'")).rejects.toThrow(/append-only: UPDATE/);
    await expect(pool.query("delete from audit_log")).rejects.toThrow(/append-only: DELETE/);
    await expect(pool.query("truncate audit_log")).rejects.toThrow(/append-only: TRUNCATE/);
  });

  it("keeps a year: only rows older than that can be deleted (what the scheduler's purge does), none changed", async () => {
    const old = await pool.query<{ id: string }>(
      "insert into audit_log (at, actor, action) values (now() - interval '400 days', 'test', 'test.old') returning id",
    );
    const young = await pool.query<{ id: string }>(
      "insert into audit_log (at, actor, action) values (now() - interval '360 days', 'test', 'test.young') returning id",
    );
    await expect(pool.query("update audit_log set actor = 'mallory' where id = $1", [old.rows[0]!.id])).rejects.toThrow(
      /append-only: UPDATE/,
    );
    await expect(pool.query("delete from audit_log where id = $1", [young.rows[0]!.id])).rejects.toThrow(
      /append-only: DELETE/,
    );
    const purged = await pool.query("delete from audit_log where at < now() - interval '1 year'");
    expect(purged.rowCount).toBe(1);
    const left = await pool.query("select action from audit_log where id = any($1::bigint[])", [
      [old.rows[0]!.id, young.rows[0]!.id],
    ]);
    expect(left.rows).toEqual([{ action: "test.young" }]);
  });
});
