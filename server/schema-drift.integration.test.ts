import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createPrisma } from "./db.js";

/**
 * The Prisma schema (the typed client) and the SQL migrations (the real tables) are written separately;
 * this proves they agree: every model field is a column of a compatible type, and every column is modelled
 * (or is one of the few that only raw SQL touches).
 */
const pool = new pg.Pool({ ...inject("services").pg, max: 2 });
const prisma = createPrisma(pool);
afterAll(async () => {
  await prisma.$disconnect();
  await pool.end();
});

interface RuntimeField {
  name: string;
  kind: string;
  type: string;
  dbName?: string;
}
interface RuntimeModel {
  dbName: string;
  fields: RuntimeField[];
}

const PG_TYPES: Record<string, string[]> = {
  Int: ["integer", "smallint"],
  BigInt: ["bigint"],
  String: ["text", "ARRAY"],
  DateTime: ["timestamp with time zone"],
  Json: ["jsonb"],
  Float: ["real", "double precision"],
};
/** Columns the typed client deliberately leaves to raw SQL (Unsupported types in schema.prisma). */
const RAW_ONLY = new Set(["categories.search", "category_embeddings.embedding"]);

describe("schema drift", () => {
  it("the Prisma models match the migrated tables column for column", async () => {
    const models = (prisma as unknown as { _runtimeDataModel: { models: Record<string, RuntimeModel> } })
      ._runtimeDataModel.models;
    const cols = await pool.query<{ table_name: string; column_name: string; data_type: string }>(
      "select table_name, column_name, data_type from information_schema.columns where table_schema = 'public' and table_name <> 'pgmigrations'",
    );
    const db = new Map(cols.rows.map((c) => [`${c.table_name}.${c.column_name}`, c.data_type]));
    const modelled = new Set<string>();
    const problems: string[] = [];
    for (const [name, model] of Object.entries(models)) {
      for (const f of model.fields.filter((x) => x.kind === "scalar")) {
        const key = `${model.dbName}.${f.dbName ?? f.name}`;
        modelled.add(key);
        const type = db.get(key);
        if (!type) problems.push(`${name}.${f.name}: no column ${key}`);
        else if (!PG_TYPES[f.type]?.includes(type)) problems.push(`${name}.${f.name}: ${f.type} but column is ${type}`);
      }
    }
    const tables = new Set(Object.values(models).map((m) => m.dbName));
    for (const key of db.keys()) {
      if (tables.has(key.split(".")[0]!) && !modelled.has(key) && !RAW_ONLY.has(key))
        problems.push(`column ${key} is not in schema.prisma`);
    }
    const allTables = new Set(cols.rows.map((c) => c.table_name));
    for (const t of allTables) if (!tables.has(t)) problems.push(`table ${t} has no model`);
    expect(problems).toEqual([]);
    expect(Object.keys(models).length).toBe(8);
  });
});
