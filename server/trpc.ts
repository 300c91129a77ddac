import { initTRPC } from "@trpc/server";
import type { Context } from "./context.js";
import { rateLimitMiddleware } from "./ratelimit/trpc.js";

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    // Internal failures never leak their message to the client; the request id lets an operator find the log line.
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return { ...shape, message: internal ? "internal error" : shape.message, data: { ...shape.data, stack: undefined } };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;
/** Counted against the caller's application rate limit (sliding window in Redis; fails open when Redis is down). */
export const limitedProcedure = t.procedure.use(
  rateLimitMiddleware(
    (ctx: Context) => ctx.rateLimiter,
    (ctx: Context) => ctx.clientKey,
  ),
);
export const createCallerFactory = t.createCallerFactory;
