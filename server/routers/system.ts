import { publicProcedure, router } from "../trpc.js";

export const systemRouter = router({
  /** What the API runs against: its own version, PostgreSQL's version and the pgvector extension's. */
  info: publicProcedure.query(async ({ ctx }) => {
    const r = await ctx.db.query<{ server_version: string; vector_version: string | null; now: Date }>(
      `select current_setting('server_version') as server_version,
              (select extversion from pg_extension where extname = 'vector') as vector_version,
              now() as now`,
    );
    const row = r.rows[0];
    return {
      apiVersion: ctx.version,
      postgres: row?.server_version ?? "unknown",
      pgvector: row?.vector_version ?? null,
      databaseTime: (row?.now ?? ctx.now()).toISOString(),
    };
  }),
});
