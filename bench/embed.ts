/**
 * `npx tsx bench/embed.ts`: what one text costs the offline model, in process (no database, no Docker), for a short,
 * a typical and a maximal (8,000-character) description. Prints one table; p50 over a fixed number of calls per row.
 */
import { createOfflineEmbedder } from "../server/embeddings/offline.js";
import { MAX_DESCRIPTION_CHARS } from "../server/recommend/input.js";
import { percentile } from "../test/eval/eval.js";
import { markdownTable, nomineeDescriptions, timeEach } from "./vector.js";

const N = Number(process.env.BENCH_N ?? 40);

const descriptions = nomineeDescriptions(74).map((d) => d.replace(/ \(#\d+\)$/, ""));
const byLength = [...descriptions].sort((a, b) => a.length - b.length);
let long = "";
for (let i = 0; long.length < MAX_DESCRIPTION_CHARS; i++) long += `${descriptions[i % descriptions.length]} `;
const texts: Array<[string, string]> = [
  ["short", "A bakery that hires refugees."],
  ["typical (median nominee)", byLength[byLength.length >> 1]!],
  ["maximal description", long.slice(0, MAX_DESCRIPTION_CHARS)],
];

const embedder = createOfflineEmbedder();
await embedder.embed(["warm-up"]);
const rows = [["text", "chars", "n", "p50 ms", "p95 ms"]];
for (const [name, text] of texts) {
  await embedder.embed([text]); // a new input shape compiles once
  const ms = await timeEach(N, () => embedder.embed([text]));
  rows.push([name, String(text.length), String(N), percentile(ms, 50).toFixed(1), percentile(ms, 95).toFixed(1)]);
}
await embedder.close?.();
process.stdout.write(`${markdownTable(rows)}\n`);
