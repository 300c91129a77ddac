import { createHash } from "node:crypto";
import { recommend } from "../recommend/engine.js";
import { recommendInput } from "../recommend/input.js";
import { limitedProcedure } from "../trpc.js";

export const recommendProcedure = limitedProcedure.input(recommendInput).query(async ({ ctx, input }) => {
  const started = performance.now();
  // Answers from the offline fallback (OpenAI unavailable) are not cached: the next caller should get the better one.
  const result = await ctx.responses.wrap(`recommend@${ctx.embedder.model}`, input, () => recommend({ pool: ctx.db, embedder: ctx.embedder, programs: ctx.programs, embedQuery: ctx.embedQuery }, input), {
    store: (r) => r.model === ctx.embedder.model,
  });
  const latencyMs = performance.now() - started;
  // History is written after answering; a failure to record it never fails the request.
  ctx.db
    .query(
      `INSERT INTO recommendations (request_id, description_hash, profile, model, mode, results, latency_ms) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [
        ctx.requestId || null,
        createHash("sha256").update(input.description).digest("hex"),
        JSON.stringify(input.profile ?? {}),
        result.model,
        result.mode,
        JSON.stringify(result.results.map((r) => ({ code: r.category.code, score: r.score }))),
        latencyMs,
      ],
    )
    .catch((err: Error) => ctx.log.warn({ requestId: ctx.requestId, err: err.message }, "could not record recommendation history"));
  return result;
});
