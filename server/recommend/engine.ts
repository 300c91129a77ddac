import { TRPCError } from "@trpc/server";
import type pg from "pg";
import { toVectorLiteral } from "../catalog/embed.js";
import { EmbeddingDeferred, type Embedder } from "../embeddings/types.js";
import type { Profile, RecommendInput } from "./input.js";
import type { Recommendation, RecommendResult } from "./output.js";
import { regionTagsFor } from "./regions.js";

/**
 * Recommendation: hard eligibility filters, then two retrievals over the filtered catalogue — nearest vectors
 * (cosine, HNSW) and weighted full-text — fused by reciprocal rank. Each result says why it matched.
 */

/** Models with their own partial HNSW index (see the catalogue migration); the cast must match it literally. */
const INDEXED_MODELS: Record<string, number> = { "use-lite-512": 512, "text-embedding-3-small": 1536 };
const CANDIDATES = 60;
/** Fusion: a small k rewards agreement near the top; meaning counts for more than shared words (tuned with npm run eval). */
const RRF_K = 10;
const VECTOR_WEIGHT = 1.5;

export type { Recommendation, RecommendResult } from "./output.js";

export interface ProgramRef {
  id: number;
  code: string;
  name: string;
}

interface Filter {
  sql: string[];
  params: unknown[];
  described: string[];
}

/** Eligibility as SQL conditions on `c` (categories). Pure; unit-tested. */
export function eligibilityFilter(
  profile: Profile | undefined,
  programs: Map<string, ProgramRef>,
  firstParam: number,
): Filter {
  const f: Filter = { sql: [], params: [], described: [] };
  const p = (v: unknown) => {
    f.params.push(v);
    return `$${firstParam + f.params.length - 1}`;
  };
  if (!profile) return f;
  if (profile.programs?.length) {
    const unknown = profile.programs.filter((code) => !programs.has(code));
    if (unknown.length) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: `unknown program code${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}; known: ${[...programs.keys()].join(", ")}`,
      });
    }
    f.sql.push(`c.program_id = ANY(${p(profile.programs.map((code) => programs.get(code)!.id))}::smallint[])`);
    f.described.push(`programs: ${profile.programs.join(", ")}`);
  }
  if (profile.nomineeType) {
    f.sql.push(`${p(profile.nomineeType)} = ANY(c.nominee_types)`);
    f.described.push(`nominee type: ${profile.nomineeType}`);
  }
  if (profile.organizationType) {
    const types =
      profile.organizationType === "startup" ? ["startup", "company", "any"] : [profile.organizationType, "any"];
    f.sql.push(`c.organization_types && ${p(types)}::text[]`);
    f.described.push(`organization type: ${profile.organizationType}`);
  }
  if (profile.organizationSize) {
    f.sql.push(`c.organization_sizes && ${p([profile.organizationSize, "any"])}::text[]`);
    f.described.push(`organization size: ${profile.organizationSize}`);
  }
  if (profile.country) {
    const tags = regionTagsFor(profile.country);
    if (tags) {
      f.sql.push(`c.regions && ${p(tags)}::text[]`);
      f.described.push(`open to nominees from ${profile.country}`);
    }
  }
  return f;
}

const ORG_HINTS: Record<string, string> = {
  startup: "A startup.",
  nonprofit: "A non-profit organization.",
  government: "A government or public-sector organization.",
};

/** Plain-language facts from the profile that retrieval can match on ("A startup. Based in Kenya."). */
export function profileHint(profile: Profile | undefined): string {
  if (!profile) return "";
  const parts: string[] = [];
  if (profile.organizationType && ORG_HINTS[profile.organizationType]) parts.push(ORG_HINTS[profile.organizationType]!);
  if (profile.country) {
    const name = new Intl.DisplayNames(["en"], { type: "region" }).of(profile.country);
    if (name && name !== profile.country) parts.push(`Based in ${name}.`);
  }
  return parts.join(" ");
}

/** How much of a long description precedes the profile and the achievements: ~75 of the offline model's 128 tokens. */
export const DESCRIPTION_LEAD_CHARS = 300;

/**
 * The text a query is embedded and searched from. The offline model reads only its first 128 tokens (~400-600
 * characters) and orQuery the first 200 words, so a long description would hide what follows it: its opening comes
 * first, then the profile's facts and the achievements, then the rest of it (issue 28). A shorter description comes
 * first whole.
 */
export function queryText(description: string, profile: Profile | undefined): string {
  const [lead, rest] = splitLead(description, DESCRIPTION_LEAD_CHARS);
  return [lead, profileHint(profile), ...(profile?.achievements ?? []), rest].filter(Boolean).join("\n");
}

/** `text` in two: at most `max` characters up to a sentence's end (or else a space), and the rest. */
export function splitLead(text: string, max: number): [string, string] {
  if (text.length <= max) return [text, ""];
  const head = text.slice(0, max + 1);
  let cut = 0;
  for (const m of head.matchAll(/[.!?](?=\s)/g)) cut = m.index + 1;
  // No sentence ends in the second half: the last whole word, or else a hard cut.
  if (cut < max / 2) cut = head.search(/\s\S*$/);
  if (cut <= 0) cut = max;
  return [text.slice(0, cut).trim(), text.slice(cut).trim()];
}

/** Words of the query joined with "or", for websearch_to_tsquery (which never raises a syntax error). */
export function orQuery(text: string): string {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [])].slice(0, 200);
  return words.join(" or ");
}

export function eligibilityNotes(c: {
  nominee_types: string[];
  organization_sizes: string[];
  regions: string[];
  entry_formats: string[];
  organization_types: string[];
}): string[] {
  const notes: string[] = [];
  notes.push(`Nominee: ${c.nominee_types.join(", ")}`);
  if (!c.organization_sizes.includes("any")) {
    const label: Record<string, string> = {
      small: "up to 100 employees",
      medium: "101 to 2,500 employees",
      large: "more than 2,500 employees",
    };
    notes.push(`Organization size: ${c.organization_sizes.map((s) => label[s] ?? s).join(" or ")}`);
  }
  if (!c.organization_types.includes("any")) notes.push(`Organization type: ${c.organization_types.join(", ")}`);
  notes.push(c.regions.includes("worldwide") ? "Open to organizations worldwide" : `Region: ${c.regions.join(", ")}`);
  const fmt: Record<string, string> = {
    written: "written entry",
    video: "video entry",
    "written-or-video": "written or video entry",
  };
  notes.push(`Entry format: ${c.entry_formats.map((e) => fmt[e] ?? e).join(" or ")}`);
  return notes;
}

interface Row {
  id: number;
  code: string;
  name: string;
  description: string;
  group_name: string;
  program_code: string;
  program_name: string;
  nominee_types: string[];
  organization_types: string[];
  organization_sizes: string[];
  regions: string[];
  entry_formats: string[];
  matched: string[];
  vector_rank: string | null;
  similarity: number | null;
}

export interface RecommendDeps {
  pool: pg.Pool;
  embedder: Embedder;
  programs: () => Promise<Map<string, ProgramRef>>;
  /**
   * Embeds the query and says which model did: a resilient embedder falls back to the offline model while OpenAI is
   * unavailable, and the search must then use that model's vectors. Default: embedder.embed under embedder.model.
   */
  embedQuery?: (text: string) => Promise<{ model: string; vector: number[] }>;
}

/** Reciprocal-rank fusion of one candidate's two ranks; the order of the additions is the one the results are sorted by. */
function fusedScore(vectorRank: number | undefined, textRank: number | undefined): number {
  let score = 0;
  if (vectorRank !== undefined) score += VECTOR_WEIGHT / (RRF_K + vectorRank);
  if (textRank !== undefined) score += 1 / (RRF_K + textRank);
  return score;
}

/**
 * Sends a query at once, on a client of its own, and returns its rows to await later. `pool.query` would only write
 * the query on a later tick, after a CPU-bound embedding that follows it has finished.
 */
async function sendNow<T extends pg.QueryResultRow>(
  pool: pg.Pool,
  sql: string,
  params: unknown[],
): Promise<{ rows: Promise<T[]> }> {
  const client = await pool.connect();
  const rows = client.query<T>(sql, params).then(
    (r) => {
      client.release();
      return r.rows;
    },
    (err: unknown) => {
      client.release(err instanceof Error ? err : new Error(String(err)));
      throw err;
    },
  );
  rows.catch(() => undefined); // awaited later; a failed embedding in between must not leave it unhandled
  return { rows };
}

/**
 * Latency (issue 3): the full-text candidates need no vector, so that query goes to PostgreSQL before the model
 * embeds the query (which holds this thread); then one statement does the vector search, the fusion with the
 * full-text ranks (passed as an array) and the details of the top results.
 */
export async function recommend(deps: RecommendDeps, input: RecommendInput): Promise<RecommendResult> {
  const programs = await deps.programs();
  const text = queryText(input.description, input.profile);
  let useVector = input.mode !== "fulltext";
  let useText = input.mode !== "vector";
  let model = deps.embedder.model;

  const t0 = performance.now();
  const searchText = () =>
    sendNow<{ id: number }>(deps.pool, fullTextSql(input.profile, programs), [
      orQuery(text),
      ...eligibilityFilter(input.profile, programs, 2).params,
    ]);
  let textSearch = useText ? await searchText() : undefined;
  let vector: number[] | undefined;
  let degraded: { reason: string } | null = null;
  if (useVector) {
    try {
      if (deps.embedQuery) ({ model, vector } = await deps.embedQuery(text));
      else vector = (await deps.embedder.embed([text]))[0];
    } catch (err) {
      if (!(err instanceof EmbeddingDeferred)) throw err;
      // Degrade, never queue: full-text and eligibility alone answer now (issue 28).
      degraded = { reason: err.message };
      useVector = false;
      useText = true;
      textSearch ??= await searchText();
    }
  }
  const t1 = performance.now();
  const textIds = textSearch ? (await textSearch.rows).map((r) => r.id) : [];

  const params: unknown[] = [textIds, text, input.topK];
  const p = (v: unknown) => `$${params.push(v)}`;
  const candidates = [
    `SELECT id, NULL::bigint AS vector_rank, NULL::float8 AS similarity, rank AS text_rank FROM unnest($1::int[]) WITH ORDINALITY AS t(id, rank)`,
  ];
  if (useVector && vector) {
    const vectorParam = p(toVectorLiteral(vector));
    const f = eligibilityFilter(input.profile, programs, params.length + 1);
    params.push(...f.params);
    // Without filters, the model's partial HNSW index answers (the model is inlined from a fixed list so the planner
    // can match the index). With filters, an exact scan: HNSW returns its nearest ~40 before filtering, which can
    // leave too few; an exact scan of ~1,350 vectors costs a few milliseconds.
    const dim = f.sql.length === 0 ? INDEXED_MODELS[model] : undefined;
    const vec = dim ? `e.embedding::vector(${dim})` : "e.embedding";
    const arg = dim ? `${vectorParam}::vector(${dim})` : `${vectorParam}::vector`;
    const modelCond = dim ? `e.model = '${model}'` : `e.model = ${p(model)}`;
    // row_number() over the ordered subquery numbers rows in the order the search returned them.
    candidates.push(`SELECT id, row_number() OVER () AS vector_rank, similarity, NULL::bigint AS text_rank
                       FROM (SELECT e.category_id AS id, 1 - (${vec} <=> ${arg}) AS similarity
                               FROM category_embeddings e JOIN categories c ON c.id = e.category_id
                              WHERE ${[modelCond, ...f.sql].join(" AND ")}
                              ORDER BY ${vec} <=> ${arg} LIMIT ${CANDIDATES}) v`);
  }
  // The fused score is computed as fusedScore() does (float8, vector term first), so SQL picks the same top k.
  const sql = `WITH ranks AS (
                 SELECT id, min(vector_rank) AS vector_rank, min(similarity) AS similarity, min(text_rank) AS text_rank
                   FROM (${candidates.join(" UNION ALL ")}) u GROUP BY id),
               top AS (
                 SELECT * FROM ranks
                  ORDER BY coalesce(${VECTOR_WEIGHT}::float8 / (${RRF_K} + vector_rank), 0) + coalesce(1::float8 / (${RRF_K} + text_rank), 0) DESC, id
                  LIMIT $3),
               query_terms AS (SELECT tsvector_to_array(to_tsvector('english', $2)) AS lexemes)
             SELECT c.id, c.code, c.name, c.description, g.name AS group_name, p.code AS program_code, p.name AS program_name,
                    c.nominee_types, c.organization_types, c.organization_sizes, c.regions, c.entry_formats,
                    ARRAY(SELECT l FROM unnest(tsvector_to_array(c.search)) l WHERE l = ANY(query_terms.lexemes) ORDER BY l LIMIT 8) AS matched,
                    top.vector_rank, top.similarity
               FROM top JOIN categories c ON c.id = top.id JOIN programs p ON p.id = c.program_id
                    JOIN category_groups g ON g.id = c.group_id CROSS JOIN query_terms`;
  const { rows } = await deps.pool.query<Row>(sql, params);

  const textRanks = new Map(textIds.map((id, i) => [id, i + 1]));
  const ranked = rows
    .map((r) => {
      const vectorRank = r.vector_rank === null ? undefined : Number(r.vector_rank);
      return { r, vectorRank, textRank: textRanks.get(r.id), score: fusedScore(vectorRank, textRanks.get(r.id)) };
    })
    .sort((a, b) => b.score - a.score || a.r.id - b.r.id);
  const maxScore = (useVector ? VECTOR_WEIGHT / (RRF_K + 1) : 0) + (useText ? 1 / (RRF_K + 1) : 0);
  const filters = eligibilityFilter(input.profile, programs, 1).described;
  const results: Recommendation[] = ranked.map(({ r, vectorRank, textRank, score }, i) => {
    const similarity = r.similarity === null ? null : Number(r.similarity);
    const reasons: string[] = [];
    if (vectorRank !== undefined && similarity !== null)
      reasons.push(`close in meaning (similarity ${similarity.toFixed(2)}, #${vectorRank} by meaning)`);
    if (r.matched.length) reasons.push(`shares the terms ${r.matched.map((m) => `"${m}"`).join(", ")}`);
    if (filters.length) reasons.push(`fits your profile (${filters.join("; ")})`);
    return {
      rank: i + 1,
      score: Math.round((score / maxScore) * 1000) / 1000,
      category: { id: r.id, code: r.code, name: r.name, description: r.description, group: r.group_name },
      program: { code: r.program_code, name: r.program_name },
      why: {
        summary: `${reasons.length ? `Recommended: ${reasons.join("; ")}` : "Recommended"}.`,
        similarity: similarity === null ? null : Math.round(similarity * 1000) / 1000,
        textRank: textRank ?? null,
        matchedTerms: r.matched,
      },
      eligibility: {
        nomineeTypes: r.nominee_types,
        organizationTypes: r.organization_types,
        organizationSizes: r.organization_sizes,
        regions: r.regions,
        entryFormats: r.entry_formats,
        notes: eligibilityNotes(r),
      },
    };
  });
  const t2 = performance.now();
  return {
    model,
    mode: input.mode,
    filters,
    results,
    timings: { embedMs: Math.round((t1 - t0) * 100) / 100, searchMs: Math.round((t2 - t1) * 100) / 100 },
    degraded,
  };
}

/** Full-text candidates, best first; parameter $1 is the query (see orQuery), the eligibility filter follows. */
function fullTextSql(profile: Profile | undefined, programs: Map<string, ProgramRef>): string {
  const f = eligibilityFilter(profile, programs, 2);
  return `SELECT c.id FROM categories c, websearch_to_tsquery('english', $1) q
           WHERE ${["c.search @@ q", ...f.sql].join(" AND ")}
           ORDER BY ts_rank_cd(c.search, q, 1) DESC, c.id LIMIT ${CANDIDATES}`;
}
