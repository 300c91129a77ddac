import { createHash } from "node:crypto";
import { recommend } from "../recommend/engine.js";
import { recommendInput } from "../recommend/input.js";
import { recommendResult } from "../recommend/output.js";
import { publicProcedure } from "../trpc.js";

export const recommendProcedure = publicProcedure
  .input(recommendInput)
  .output(recommendResult)
  .query(async ({ ctx, input }) => {
    const started = performance.now();
    // Answers from the offline fallback (OpenAI unavailable) and degraded ones (no vector) are not cached: the next
    // caller should get the better one.
    const result = await ctx.responses.wrap(
      `recommend@${ctx.embedder.model}`,
      input,
      () =>
        recommend({ pool: ctx.db, embedder: ctx.embedder, programs: ctx.programs, embedQuery: ctx.embedQuery }, input),
      {
        store: (r) => r.model === ctx.embedder.model && !r.degraded,
      },
    );
    const latencyMs = performance.now() - started;
    // History is written after answering, in batches; a failure to record it never fails the request.
    ctx.history.record({
      requestId: ctx.requestId || null,
      descriptionHash: createHash("sha256").update(input.description).digest("hex"),
      profile: input.profile ?? {},
      model: result.model,
      mode: result.mode,
      results: result.results.map((r) => ({ code: r.category.code, score: r.score })),
      latencyMs,
    });
    return result;
  });
