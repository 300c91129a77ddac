import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createOfflineEmbedder } from "./offline.js";
import { createThreadedEmbedder } from "./threaded.js";

// The bundled worker, as the API image runs it (`npm test` builds before it runs the tests).
const workerFile = join(import.meta.dirname, "..", "..", "dist", "server-bundle", "embed-worker.mjs");

describe("offline model in a worker thread", { timeout: 120_000 }, () => {
  const threaded = createThreadedEmbedder({ workerFile });
  const inline = createOfflineEmbedder();
  afterAll(async () => {
    await threaded.close?.();
    await inline.close?.();
  });

  it("gives the vectors the model gives on the main thread", async () => {
    expect(existsSync(workerFile), `${workerFile} is missing: run npm run build`).toBe(true);
    const texts = ["Best new product of the year", "", "A hospital network that cut waiting times by half"];
    const [a, b] = await Promise.all([threaded.embed(texts), inline.embed(texts)]);
    expect(a).toHaveLength(3);
    for (const [i, row] of a.entries())
      for (let j = 0; j < 512; j++) expect(Math.abs(row[j]! - b[i]![j]!)).toBeLessThan(1e-6);
  });

  it("leaves the event loop free while it embeds", async () => {
    const texts = Array.from({ length: 48 }, (_, i) =>
      `Entry ${i}: a regional bank that rebuilt its customer service around one app. `.repeat(4),
    );
    let last = performance.now();
    let longest = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const rows = await threaded.embed(texts);
    const took = performance.now() - started;
    clearInterval(tick);
    expect(rows).toHaveLength(48);
    // 48 long texts are over a second of model work; on the main thread the loop would stop for each batch of 8 (a tenth of the whole or more).
    expect(took).toBeGreaterThan(500);
    expect(
      longest,
      `longest gap between 5-ms ticks ${longest.toFixed(0)} ms in ${took.toFixed(0)} ms of embedding`,
    ).toBeLessThan(took / 10);
  });

  it("reports the work queued ahead of a new call (issue 28): none when idle, about a text's cost per queued text", async () => {
    await threaded.embed(["warm"]);
    const ahead = () => threaded.load!().queuedTexts * threaded.load!().msPerText;
    expect(ahead()).toBe(0);
    const texts = Array.from({ length: 6 }, (_, i) => `Entry ${i}: a startup that made bus tickets free for students.`);
    const all = Promise.all(texts.map((t) => threaded.embed([t])));
    expect(threaded.load!().queuedTexts).toBe(6);
    const during = ahead();
    await all;
    // Six single texts queued: six times the moving average of one text's cost (a few ms to ~100 ms on this host).
    expect(during).toBeGreaterThan(6 * 2);
    expect(during).toBeLessThan(6 * 200);
    expect(ahead()).toBe(0);
  });

  it("refuses a call whose signal is already aborted, and keeps serving", async () => {
    await expect(threaded.embed(["x"], { signal: AbortSignal.abort(new Error("gone")) })).rejects.toThrow("gone");
    expect(await threaded.embed(["still here"])).toHaveLength(1);
  });
});
