/**
 * Retrieval metrics for the nominee evaluation (`npm run eval`). Pure functions; see eval.test.ts.
 *
 * - recall@k: the fraction of a nominee's expected codes that appear in its top k results, averaged over nominees.
 * - MRR (cut at 10): the mean of 1/rank of the first expected code in the top 10, 0 when none is there.
 * - Percentiles use the nearest-rank method: the smallest value with at least p% of the values at or below it.
 */

export function recallAtK(expected: readonly string[], got: readonly string[], k: number): number {
  if (expected.length === 0) throw new Error("recallAtK: a nominee needs at least one expected code");
  const top = new Set(got.slice(0, k));
  return expected.filter((code) => top.has(code)).length / expected.length;
}

/** 1/rank (1-based) of the first result that is expected, within the first `cutoff` results; 0 if none. */
export function reciprocalRank(expected: readonly string[], got: readonly string[], cutoff = 10): number {
  const want = new Set(expected);
  const i = got.slice(0, cutoff).findIndex((code) => want.has(code));
  return i === -1 ? 0 : 1 / (i + 1);
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1] as number;
}

/** One nominee run through one retrieval mode. */
export interface NomineeRun {
  id: string;
  expected: string[];
  /** Result codes, best first. */
  got: string[];
  /** Server-side milliseconds for this call. */
  latencyMs: number;
}

export interface ModeSummary {
  mode: string;
  n: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
  /** Nominees with no expected code in the top 10. */
  misses: number;
  p50Ms: number;
  p95Ms: number;
}

export function summarise(mode: string, runs: readonly NomineeRun[]): ModeSummary {
  return {
    mode,
    n: runs.length,
    recallAt5: mean(runs.map((r) => recallAtK(r.expected, r.got, 5))),
    recallAt10: mean(runs.map((r) => recallAtK(r.expected, r.got, 10))),
    mrr: mean(runs.map((r) => reciprocalRank(r.expected, r.got, 10))),
    misses: runs.filter((r) => reciprocalRank(r.expected, r.got, 10) === 0).length,
    p50Ms: percentile(
      runs.map((r) => r.latencyMs),
      50,
    ),
    p95Ms: percentile(
      runs.map((r) => r.latencyMs),
      95,
    ),
  };
}

/** How badly a nominee did, worst first: lowest recall@5, then lowest reciprocal rank. */
export function worstFirst(runs: readonly NomineeRun[]): NomineeRun[] {
  const key = (r: NomineeRun) => [recallAtK(r.expected, r.got, 5), reciprocalRank(r.expected, r.got, 10)] as const;
  return [...runs].sort((a, b) => {
    const [ra, ma] = key(a);
    const [rb, mb] = key(b);
    return ra - rb || ma - mb || a.id.localeCompare(b.id);
  });
}

/** A plain-text table: the first row is the header; numbers are right-aligned. */
export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const numeric = (s: string) => /^[\d.,%-]+( ms)?$/.test(s);
  const line = (r: readonly string[], header: boolean) =>
    r
      .map((cell, i) => (!header && numeric(cell) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [
    line(rows[0] ?? [], true),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.slice(1).map((r) => line(r, false)),
  ].join("\n");
}

export function summaryTable(summaries: readonly ModeSummary[]): string {
  const f3 = (x: number) => x.toFixed(3);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  return renderTable([
    ["mode", "n", "recall@5", "recall@10", "MRR", "misses@10", "p50", "p95"],
    ...summaries.map((s) => [
      s.mode,
      String(s.n),
      f3(s.recallAt5),
      f3(s.recallAt10),
      f3(s.mrr),
      String(s.misses),
      ms(s.p50Ms),
      ms(s.p95Ms),
    ]),
  ]);
}
