import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CatalogSchema, CatalogValidationError, parseCatalog, validateCatalog, type Catalog } from "./schema.js";
import { loadCatalog } from "./load.js";

const raw: unknown = JSON.parse(readFileSync(new URL("./data/catalog.json", import.meta.url), "utf8"));

function clone(): Catalog {
  return structuredClone(CatalogSchema.parse(raw));
}

describe("catalog.json", () => {
  const catalog = CatalogSchema.parse(raw);

  it("parses against the schema and has no cross-reference problems", () => {
    expect(validateCatalog(raw)).toEqual([]);
    expect(() => parseCatalog(raw)).not.toThrow();
    expect(loadCatalog().categories.length).toBe(catalog.categories.length);
  });

  it("has a version string", () => {
    expect(catalog.version).toMatch(/^\d{4}\.\d+$/);
  });

  it("covers the nine Stevie programmes", () => {
    expect(catalog.programs.map((p) => p.code).sort()).toEqual(
      ["ABA", "APAC", "EMPLOYERS", "GERMAN", "IBA", "MENA", "SALES", "SAWIB", "TECH"].sort(),
    );
    for (const program of catalog.programs) {
      expect(
        catalog.categories.some((c) => c.programCode === program.code),
        program.code,
      ).toBe(true);
    }
  });

  it("has between 1,300 and 1,400 categories", () => {
    expect(catalog.categories.length).toBeGreaterThanOrEqual(1300);
    expect(catalog.categories.length).toBeLessThanOrEqual(1400);
  });

  it("has unique category, group and programme codes", () => {
    for (const list of [catalog.categories, catalog.groups, catalog.programs]) {
      const codes = list.map((x) => x.code);
      expect(new Set(codes).size).toBe(codes.length);
    }
  });

  it("gives every category a description of at least 60 characters", () => {
    const short = catalog.categories.filter((c) => c.description.trim().length < 60).map((c) => c.code);
    expect(short).toEqual([]);
  });

  it("never repeats a description", () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const c of catalog.categories) {
      const key = c.description.trim().toLowerCase();
      const first = seen.get(key);
      if (first) dupes.push(`${first} / ${c.code}`);
      else seen.set(key, c.code);
    }
    expect(dupes).toEqual([]);
  });

  it("uses both provenance values", () => {
    const provenances = new Set(catalog.categories.map((c) => c.provenance));
    expect(provenances).toEqual(new Set(["sourced", "synthesised"]));
  });

  it("gives every category at least one keyword", () => {
    expect(catalog.categories.filter((c) => c.keywords.length === 0).map((c) => c.code)).toEqual([]);
  });

  it("uses codes prefixed with their group code", () => {
    const bad = catalog.categories.filter((c) => !c.code.startsWith(`${c.groupCode}-`)).map((c) => c.code);
    expect(bad).toEqual([]);
  });
});

describe("validateCatalog", () => {
  it("reports a category that points at a missing group", () => {
    const broken = clone();
    const target = broken.categories[5]!;
    target.groupCode = "ABA-NOPE";
    const problems = validateCatalog(broken);
    expect(problems).toContainEqual({
      path: "categories[5].groupCode",
      message: `category "${target.code}" refers to unknown group "ABA-NOPE"`,
    });
  });

  it("reports a category that points at a missing programme", () => {
    const broken = clone();
    broken.categories[0]!.programCode = "NOPE";
    const messages = validateCatalog(broken).map((p) => `${p.path}: ${p.message}`);
    expect(
      messages.some((m) => m.startsWith("categories[0].programCode:") && m.includes('unknown program "NOPE"')),
    ).toBe(true);
  });

  it("reports a group that belongs to a different programme", () => {
    const broken = clone();
    const ibaGroup = broken.groups.find((g) => g.programCode === "IBA")!;
    broken.categories[0]!.groupCode = ibaGroup.code;
    const problems = validateCatalog(broken);
    expect(
      problems.some((p) => p.path === "categories[0].groupCode" && p.message.includes(`belongs to program "IBA"`)),
    ).toBe(true);
  });

  it("reports a duplicate category code", () => {
    const broken = clone();
    const dupCode = broken.categories[0]!.code;
    broken.categories[10]!.code = dupCode;
    const problems = validateCatalog(broken);
    expect(problems).toContainEqual({
      path: "categories[10].code",
      message: `duplicate category code "${dupCode}" (first used at categories[0])`,
    });
  });

  it("reports schema problems with their paths", () => {
    const broken = clone() as unknown as { categories: Array<Record<string, unknown>> };
    broken.categories[3]!.provenance = "guessed";
    broken.categories[4]!.unexpected = true;
    const paths = validateCatalog(broken).map((p) => p.path);
    expect(paths).toContain("categories[3].provenance");
    expect(paths).toContain("categories[4]");
  });

  it("parseCatalog throws one error listing every problem", () => {
    const broken = clone();
    broken.categories[1]!.groupCode = "ABA-MISSING";
    broken.categories[2]!.code = broken.categories[0]!.code;
    let error: unknown;
    try {
      parseCatalog(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CatalogValidationError);
    const err = error as CatalogValidationError;
    expect(err.problems).toHaveLength(2);
    expect(err.message).toContain("2 problems");
    expect(err.message).toContain('categories[1].groupCode: category "');
    expect(err.message).toContain("categories[2].code: duplicate category code");
  });
});
