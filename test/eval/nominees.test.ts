import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CatalogSchema } from "../../server/catalog/schema.js";
import { EvalSetSchema } from "./nominees.schema.js";

const readJson = (rel: string): unknown => JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8"));

const nominees = EvalSetSchema.parse(readJson("./nominees.json"));
const catalog = CatalogSchema.parse(readJson("../../server/catalog/data/catalog.json"));
const categories = new Map(catalog.categories.map((c) => [c.code, c]));
const programCodes = new Set(catalog.programs.map((p) => p.code));

describe("eval nominees", () => {
  it("parses and has at least 60 entries", () => {
    expect(nominees.length).toBeGreaterThanOrEqual(60);
  });

  it("has unique ids and unique descriptions", () => {
    expect(new Set(nominees.map((n) => n.id)).size).toBe(nominees.length);
    expect(new Set(nominees.map((n) => n.description)).size).toBe(nominees.length);
  });

  it("only expects category codes that exist in catalog.json", () => {
    const unknown = nominees.flatMap((n) =>
      n.expected.filter((code) => !categories.has(code)).map((code) => `${n.id}: ${code}`),
    );
    expect(unknown).toEqual([]);
  });

  it("does not repeat a code within one nominee", () => {
    const repeated = nominees.filter((n) => new Set(n.expected).size !== n.expected.length).map((n) => n.id);
    expect(repeated).toEqual([]);
  });

  it("names only known programmes and keeps expectations inside them", () => {
    const problems: string[] = [];
    for (const n of nominees) {
      const programs = n.profile?.programs;
      if (!programs) continue;
      for (const p of programs) if (!programCodes.has(p)) problems.push(`${n.id}: unknown program ${p}`);
      for (const code of n.expected) {
        const program = categories.get(code)?.programCode;
        if (program && !programs.includes(program)) problems.push(`${n.id}: ${code} is outside ${programs.join(",")}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("covers all nine programmes", () => {
    const covered = new Set(nominees.flatMap((n) => n.expected.map((code) => categories.get(code)?.programCode)));
    for (const p of programCodes) expect(covered.has(p), p).toBe(true);
  });

  it("does not simply restate a category name", () => {
    const copies = nominees.filter((n) =>
      n.expected.some((code) => n.description.toLowerCase().includes(categories.get(code)!.name.toLowerCase())),
    );
    expect(copies.map((n) => n.id)).toEqual([]);
  });
});
