import { z } from "zod";
import { publicProcedure, router } from "../trpc.js";

export const systemRouter = router({
  /**
   * The API's own version and the database's clock: enough for a client to check compatibility and reachability.
   * The versions of PostgreSQL, pgvector and the OS are the operator's business (`stevie-stack status`), not the public's.
   */
  info: publicProcedure
    .output(z.object({ apiVersion: z.string(), databaseTime: z.string().describe("ISO time") }))
    .query(async ({ ctx }) => {
      const r = await ctx.db.query<{ now: Date }>("select now() as now");
      return { apiVersion: ctx.version, databaseTime: (r.rows[0]?.now ?? ctx.now()).toISOString() };
    }),
});
