import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { SESSION_ID_PATTERN } from "../sessions/sessions.js";
import { creatingProcedure, publicProcedure, router } from "../trpc.js";

/**
 * Anonymous sessions for web-app users: a place for a few KB of state (the nominee draft, preferences) that lives
 * 24 h from its last use. Starting one counts against the caller's creation limit as well as the call limit.
 */
const id = z.string().regex(SESSION_ID_PATTERN, "a session id from session.start");
const data = z.record(z.string(), z.unknown());
const session = z.object({
  id: z.string(),
  data,
  createdAt: z.string().describe("ISO time"),
  updatedAt: z.string().describe("ISO time of the last change to its data"),
});

export const sessionRouter = router({
  start: creatingProcedure
    .input(z.object({ data: data.optional() }).strict().optional())
    .output(session)
    .mutation(async ({ ctx, input }) => {
      const s = await ctx.sessions.create(input?.data ?? {});
      return s;
    }),
  get: publicProcedure
    .input(z.object({ id }).strict())
    .output(session)
    .query(async ({ ctx, input }) => {
      const s = await ctx.sessions.get(input.id);
      if (!s)
        throw new TRPCError({ code: "NOT_FOUND", message: "no such session (they expire 24 h after their last use)" });
      return s;
    }),
  update: publicProcedure
    .input(z.object({ id, data }).strict())
    .output(session)
    .mutation(({ ctx, input }) => ctx.sessions.update(input.id, input.data)),
  end: publicProcedure
    .input(z.object({ id }).strict())
    .output(z.object({ ended: z.boolean().describe("false: there was no such session") }))
    .mutation(async ({ ctx, input }) => ({ ended: await ctx.sessions.delete(input.id) })),
});
