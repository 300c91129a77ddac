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
/** Every procedure: each call, each of a batch too, counts against the caller's application rate limit (sliding window in Redis; fails open when Redis is down). */
export const publicProcedure = t.procedure.use(
  rateLimitMiddleware(
    (ctx: Context) => ctx.rateLimiter,
    (ctx: Context) => ctx.client,
  ),
);
/** Procedures that create state held in Redis for a day (sessions, chats): also counted against the creation limit. */
export const creatingProcedure = publicProcedure.use(
  rateLimitMiddleware(
    (ctx: Context) => ctx.creationLimiter,
    (ctx: Context) => ctx.client,
  ),
);
export const createCallerFactory = t.createCallerFactory;
