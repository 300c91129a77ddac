import { createHash } from "node:crypto";
import type pg from "pg";
import type { Catalog, Category } from "./schema.js";

/** What an import changed, by category code. */
export interface SeedReport {
  version: string;
  previousVersion: string | null;
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
}

const categoryHash = (c: Category) =>
  createHash("sha256")
    .update(
      JSON.stringify([c.programCode, c.groupCode, c.name, c.description, c.keywords, c.eligibility, c.provenance]),
    )
    .digest("hex");

/**
 * Load a catalogue into the database in one transaction: programs, groups and categories are upserted by code,
 * categories no longer in the file are removed (with their embeddings). Idempotent: the same file twice changes
 * nothing the second time. `dryRun` computes the report and rolls back.
 */
export async function seedCatalog(
  pool: pg.Pool,
  catalog: Catalog,
  opts: { dryRun?: boolean } = {},
): Promise<SeedReport> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("LOCK TABLE categories IN SHARE ROW EXCLUSIVE MODE");
    const prev = await client.query<{ value: string }>("SELECT value FROM catalog_state WHERE key = 'catalog_version'");
    const existing = new Map<string, string>();
    const rows = await client.query<{
      code: string;
      program: string;
      grp: string;
      name: string;
      description: string;
      keywords: string[];
      nominee_types: string[];
      organization_types: string[];
      organization_sizes: string[];
      regions: string[];
      entry_formats: string[];
      provenance: Category["provenance"];
    }>(
      `SELECT c.code, p.code AS program, g.code AS grp, c.name, c.description, c.keywords, c.nominee_types, c.organization_types,
              c.organization_sizes, c.regions, c.entry_formats, c.provenance
         FROM categories c JOIN programs p ON p.id = c.program_id JOIN category_groups g ON g.id = c.group_id`,
    );
    for (const r of rows.rows) {
      existing.set(
        r.code,
        categoryHash({
          code: r.code,
          programCode: r.program,
          groupCode: r.grp,
          name: r.name,
          description: r.description,
          keywords: r.keywords,
          eligibility: {
            nomineeTypes: r.nominee_types as Category["eligibility"]["nomineeTypes"],
            organizationTypes: r.organization_types as Category["eligibility"]["organizationTypes"],
            organizationSizes: r.organization_sizes as Category["eligibility"]["organizationSizes"],
            regions: r.regions,
            entryFormats: r.entry_formats as Category["eligibility"]["entryFormats"],
          },
          provenance: r.provenance,
        }),
      );
    }

    for (const p of catalog.programs) {
      await client.query(
        `INSERT INTO programs (code, name, geography, season, description, url) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (code) DO UPDATE SET name=$2, geography=$3, season=$4, description=$5, url=$6, updated_at=now()
         WHERE (programs.name, programs.geography, programs.season, programs.description, programs.url) IS DISTINCT FROM ($2,$3,$4,$5,$6)`,
        [p.code, p.name, p.geography, p.season, p.description, p.url ?? null],
      );
    }
    for (const g of catalog.groups) {
      await client.query(
        `INSERT INTO category_groups (code, program_id, name) SELECT $1, id, $3 FROM programs WHERE code = $2
         ON CONFLICT (code) DO UPDATE SET program_id = EXCLUDED.program_id, name = EXCLUDED.name`,
        [g.code, g.programCode, g.name],
      );
    }
    const report: SeedReport = {
      version: catalog.version,
      previousVersion: prev.rows[0]?.value ?? null,
      added: [],
      updated: [],
      removed: [],
      unchanged: 0,
    };
    const wanted = new Set<string>();
    for (const c of catalog.categories) {
      wanted.add(c.code);
      const before = existing.get(c.code);
      const now = categoryHash(c);
      if (before === now) {
        report.unchanged++;
        continue;
      }
      (before === undefined ? report.added : report.updated).push(c.code);
      const e = c.eligibility;
      await client.query(
        `INSERT INTO categories (code, program_id, group_id, name, description, keywords, nominee_types, organization_types,
                                 organization_sizes, regions, entry_formats, provenance)
         SELECT $1, p.id, g.id, $4, $5, $6, $7, $8, $9, $10, $11, $12
           FROM programs p JOIN category_groups g ON g.code = $3 WHERE p.code = $2
         ON CONFLICT (code) DO UPDATE SET program_id = EXCLUDED.program_id, group_id = EXCLUDED.group_id, name = EXCLUDED.name,
           description = EXCLUDED.description, keywords = EXCLUDED.keywords, nominee_types = EXCLUDED.nominee_types,
           organization_types = EXCLUDED.organization_types, organization_sizes = EXCLUDED.organization_sizes,
           regions = EXCLUDED.regions, entry_formats = EXCLUDED.entry_formats, provenance = EXCLUDED.provenance, updated_at = now()`,
        [
          c.code,
          c.programCode,
          c.groupCode,
          c.name,
          c.description,
          c.keywords,
          e.nomineeTypes,
          e.organizationTypes,
          e.organizationSizes,
          e.regions,
          e.entryFormats,
          c.provenance,
        ],
      );
    }
    report.removed = [...existing.keys()].filter((code) => !wanted.has(code)).sort();
    if (report.removed.length) await client.query("DELETE FROM categories WHERE code = ANY($1)", [report.removed]);
    await client.query(
      "DELETE FROM category_groups g WHERE NOT EXISTS (SELECT 1 FROM categories c WHERE c.group_id = g.id) AND g.code <> ALL($1)",
      [catalog.groups.map((g) => g.code)],
    );
    await client.query(
      `INSERT INTO catalog_state (key, value) VALUES ('catalog_version', $1)
       ON CONFLICT (key) DO UPDATE SET value = $1, updated_at = now() WHERE catalog_state.value <> $1`,
      [catalog.version],
    );
    const changed = report.added.length + report.updated.length + report.removed.length > 0;
    if (changed && !opts.dryRun) {
      await client.query(
        `INSERT INTO catalog_state (key, value) VALUES ('catalog_changed_at', now()::text) ON CONFLICT (key) DO UPDATE SET value = now()::text, updated_at = now()`,
      );
    }
    await client.query(opts.dryRun ? "ROLLBACK" : "COMMIT");
    return report;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
