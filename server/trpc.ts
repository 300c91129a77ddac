import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { Context } from "./context.js";
import { isConnectionError } from "./db-metrics.js";
import { rateLimitMiddleware } from "./ratelimit/trpc.js";

/**
 * The invalid fields of a BAD_REQUEST that zod raised, for `error.data.fieldErrors`: where each is in the input
 * (["profile", "country"]) and what is wrong with it. Written out rather than named: the client's types read it.
 */
function fieldErrorsOf(error: TRPCError): { path: (string | number)[]; message: string }[] | undefined {
  // A ZodError under any other code (a result failing its .output() schema is INTERNAL_SERVER_ERROR) is ours to log.
  if (error.code !== "BAD_REQUEST" || !(error.cause instanceof ZodError)) return undefined;
  return error.cause.issues.map((i) => ({
    path: i.path.map((k) => (typeof k === "number" ? k : String(k))),
    message: i.message,
  }));
}

/**
 * The root context type is only what the HTTP handler's onError reads, not Context: a router's declared type carries
 * its root context, and Context names ioredis, pg and Prisma types, which a client compiling `AppRouter` with
 * skipLibCheck off would need installed (issue 24). Every procedure starts from `base`, which sees the real Context
 * that createContext returns.
 */
const t = initTRPC.context<{ requestId: string }>().create({
  errorFormatter({ shape, error }) {
    // Internal failures never leak their message to the client; the request id lets an operator find the log line.
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    const fieldErrors = fieldErrorsOf(error);
    // zod's own message is its issues as a JSON string: name the fields instead ("profile.country: ...; topK: ...").
    const named = fieldErrors?.map((f) => (f.path.length ? `${f.path.join(".")}: ${f.message}` : f.message)).join("; ");
    return {
      ...shape,
      message: internal ? "internal error" : (named ?? shape.message),
      data: { ...shape.data, stack: undefined, fieldErrors },
    };
  },
});

/** Redis failing under a call (a timed-out command, a closed connection): the service is unavailable, not broken. */
function isRedisOutage(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | undefined;
  return (
    e?.name === "MaxRetriesPerRequestError" ||
    /^(Command timed out|Connection is closed\.?|Stream isn't writeable)/.test(e?.message ?? "")
  );
}

/** The database not answering under a call: no connection to be had, or no reply within PG_QUERY_TIMEOUT_MS. */
function isDatabaseOutage(err: unknown): boolean {
  const e = err as (Error & { code?: string }) | undefined;
  return e instanceof Error && (isConnectionError(e) || e.message === "Query read timeout");
}

/** An outage under a call is a 503 that says to retry, not a 500: the service is unavailable, not broken. */
const base = t.procedure.use(async ({ ctx, next }) => {
  const r = await next({ ctx: ctx as Context });
  if (r.ok || r.error.code !== "INTERNAL_SERVER_ERROR") return r;
  const cause = r.error.cause;
  const message = isRedisOutage(cause)
    ? "the session store is not answering; retry shortly"
    : isDatabaseOutage(cause)
      ? "the database is not answering; retry shortly"
      : undefined;
  if (message) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message, cause: r.error });
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
