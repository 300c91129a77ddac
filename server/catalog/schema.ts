/**
 * Schema for the versioned Stevie Awards category catalogue
 * (`server/catalog/data/catalog.json`, produced by `server/catalog/generate.mjs`).
 *
 * `CatalogSchema` checks the shape of the file; `validateCatalog` additionally checks
 * cross-references (programs, groups, unique codes) and reports every problem with a path.
 */
import { z } from "zod";

export const NOMINEE_TYPES = [
  "organization",
  "team",
  "individual",
  "product",
  "campaign",
  "event",
  "publication",
  "website",
  "app",
] as const;
export const ORGANIZATION_TYPES = ["company", "nonprofit", "government", "startup", "any"] as const;
/** small ≤ 100 employees, medium 101–2,500, large > 2,500. */
export const ORGANIZATION_SIZES = ["small", "medium", "large", "any"] as const;
export const ENTRY_FORMATS = ["written", "video", "written-or-video"] as const;
export const PROVENANCES = ["sourced", "synthesised"] as const;

export const NomineeTypeSchema = z.enum(NOMINEE_TYPES);
export const OrganizationTypeSchema = z.enum(ORGANIZATION_TYPES);
export const OrganizationSizeSchema = z.enum(ORGANIZATION_SIZES);
export const EntryFormatSchema = z.enum(ENTRY_FORMATS);
export const ProvenanceSchema = z.enum(PROVENANCES);

const code = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[A-Z0-9]+(?:-[A-Z0-9]+)*$/, "codes use upper-case letters, digits and single hyphens");
const text = z.string().trim().min(1);

export const ProgramSchema = z.strictObject({
  code,
  name: text,
  /** Who may enter, e.g. "Organizations operating in the USA". */
  geography: text,
  /** Approximate entry / announcement calendar. */
  season: text,
  description: text,
  url: z.url().optional(),
});

export const GroupSchema = z.strictObject({
  code,
  programCode: code,
  name: text,
});

export const EligibilitySchema = z.strictObject({
  nomineeTypes: z.array(NomineeTypeSchema).min(1),
  organizationTypes: z.array(OrganizationTypeSchema).min(1),
  organizationSizes: z.array(OrganizationSizeSchema).min(1),
  /** e.g. ["US"], ["worldwide"], ["asia-pacific"], ["mena"], ["germany","austria","switzerland"]. */
  regions: z.array(text).min(1),
  entryFormats: z.array(EntryFormatSchema).min(1),
});

export const CategorySchema = z.strictObject({
  code,
  programCode: code,
  groupCode: code,
  name: text,
  description: text,
  keywords: z.array(text),
  eligibility: EligibilitySchema,
  provenance: ProvenanceSchema,
});

export const CatalogSchema = z.strictObject({
  version: z.string().regex(/^\d{4}\.\d+$/, 'version looks like "2026.1"'),
  generatedAt: z.string().optional(),
  programs: z.array(ProgramSchema).min(1),
  groups: z.array(GroupSchema),
  categories: z.array(CategorySchema),
});

export type NomineeType = z.infer<typeof NomineeTypeSchema>;
export type OrganizationType = z.infer<typeof OrganizationTypeSchema>;
export type OrganizationSize = z.infer<typeof OrganizationSizeSchema>;
export type EntryFormat = z.infer<typeof EntryFormatSchema>;
export type Provenance = z.infer<typeof ProvenanceSchema>;
export type Program = z.infer<typeof ProgramSchema>;
export type Group = z.infer<typeof GroupSchema>;
export type Eligibility = z.infer<typeof EligibilitySchema>;
export type Category = z.infer<typeof CategorySchema>;
export type Catalog = z.infer<typeof CatalogSchema>;

export interface CatalogProblem {
  /** Dotted path into the document, e.g. "categories[12].groupCode". */
  path: string;
  message: string;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

/** Render problems as one human-readable line each: `path: message`. */
export function formatProblems(problems: readonly CatalogProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join("\n");
}

function duplicates<T extends { code: string }>(items: readonly T[], section: string, label: string): CatalogProblem[] {
  const firstSeen = new Map<string, number>();
  const problems: CatalogProblem[] = [];
  items.forEach((item, i) => {
    const first = firstSeen.get(item.code);
    if (first === undefined) firstSeen.set(item.code, i);
    else
      problems.push({
        path: `${section}[${i}].code`,
        message: `duplicate ${label} code "${item.code}" (first used at ${section}[${first}])`,
      });
  });
  return problems;
}

/**
 * Validate a parsed JSON value as a catalogue. Returns every problem found (schema errors first;
 * cross-reference checks run only when the shape is valid). An empty array means the catalogue is valid.
 */
export function validateCatalog(data: unknown): CatalogProblem[] {
  const parsed = CatalogSchema.safeParse(data);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  }
  const catalog = parsed.data;
  const problems: CatalogProblem[] = [
    ...duplicates(catalog.programs, "programs", "program"),
    ...duplicates(catalog.groups, "groups", "group"),
    ...duplicates(catalog.categories, "categories", "category"),
  ];

  const programCodes = new Set(catalog.programs.map((p) => p.code));
  const groupsByCode = new Map<string, Group>();
  catalog.groups.forEach((group, i) => {
    if (!groupsByCode.has(group.code)) groupsByCode.set(group.code, group);
    if (!programCodes.has(group.programCode)) {
      problems.push({
        path: `groups[${i}].programCode`,
        message: `group "${group.code}" refers to unknown program "${group.programCode}"`,
      });
    }
  });

  const usedGroups = new Set<string>();
  catalog.categories.forEach((category, i) => {
    const where = `categories[${i}]`;
    if (!programCodes.has(category.programCode)) {
      problems.push({
        path: `${where}.programCode`,
        message: `category "${category.code}" refers to unknown program "${category.programCode}"`,
      });
    }
    const group = groupsByCode.get(category.groupCode);
    if (!group) {
      problems.push({
        path: `${where}.groupCode`,
        message: `category "${category.code}" refers to unknown group "${category.groupCode}"`,
      });
    } else {
      usedGroups.add(group.code);
      if (group.programCode !== category.programCode) {
        problems.push({
          path: `${where}.groupCode`,
          message: `category "${category.code}" is in program "${category.programCode}" but its group "${group.code}" belongs to program "${group.programCode}"`,
        });
      }
    }
  });

  catalog.groups.forEach((group, i) => {
    if (!usedGroups.has(group.code)) {
      problems.push({ path: `groups[${i}]`, message: `group "${group.code}" has no categories` });
    }
  });

  return problems;
}

export class CatalogValidationError extends Error {
  readonly problems: readonly CatalogProblem[];
  constructor(problems: readonly CatalogProblem[]) {
    super(
      `Invalid category catalogue (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${formatProblems(problems)}`,
    );
    this.name = "CatalogValidationError";
    this.problems = problems;
  }
}

/** Parse and cross-check a catalogue, throwing one `CatalogValidationError` that lists every problem. */
export function parseCatalog(data: unknown): Catalog {
  const problems = validateCatalog(data);
  if (problems.length > 0) throw new CatalogValidationError(problems);
  return CatalogSchema.parse(data);
}
