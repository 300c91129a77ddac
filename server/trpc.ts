import { initTRPC, TRPCError } from "@trpc/server";
import type { Context } from "./context.js";
import { rateLimitMiddleware } from "./ratelimit/trpc.js";

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    // Internal failures never leak their message to the client; the request id lets an operator find the log line.
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return { ...shape, message: internal ? "internal error" : shape.message, data: { ...shape.data, stack: undefined } };
  },
});

/** Redis failing under a call (a timed-out command, a closed connection): the service is unavailable, not broken. */
function isRedisOutage(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | undefined;
  return e?.name === "MaxRetriesPerRequestError" || /^(Command timed out|Connection is closed\.?|Stream isn't writeable)/.test(e?.message ?? "");
}

const base = t.procedure.use(async ({ next }) => {
  const r = await next();
  if (!r.ok && r.error.code === "INTERNAL_SERVER_ERROR" && isRedisOutage(r.error.cause)) {
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "the session store is not answering; retry shortly", cause: r.error });
  }
  return r;
});

export const router = t.router;
/** Every procedure: each call, each of a batch too, counts against the caller's application rate limit (sliding window in Redis; fails open when Redis is down). */
export const publicProcedure = base.use(
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
