import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { orQuery } from "../recommend/engine.js";
import { publicProcedure, router } from "../trpc.js";
import { clientText, INT4_MAX } from "../validation.js";

const code = z.string().regex(/^[A-Z0-9-]{2,40}$/, "a category code such as ABA-MGMT-012");

const categorySelect = {
  id: true,
  code: true,
  name: true,
  description: true,
  keywords: true,
  nomineeTypes: true,
  organizationTypes: true,
  organizationSizes: true,
  regions: true,
  entryFormats: true,
  provenance: true,
  program: { select: { code: true, name: true } },
  group: { select: { code: true, name: true } },
} as const;

/** A category as categories.get and categories.list answer (the fields of categorySelect). */
const category = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  keywords: z.array(z.string()),
  nomineeTypes: z.array(z.string()),
  organizationTypes: z.array(z.string()),
  organizationSizes: z.array(z.string()),
  regions: z.array(z.string()),
  entryFormats: z.array(z.string()),
  provenance: z
    .string()
    .describe("sourced: from the program's published list; synthesised: written for this catalogue"),
  program: z.object({ code: z.string(), name: z.string() }),
  group: z.object({ code: z.string(), name: z.string() }),
});

export const categoriesRouter = router({
  get: publicProcedure
    .input(z.object({ code }).strict())
    .output(category)
    .query(async ({ ctx, input }) => {
      const c = await ctx.responses.wrap("categories.get", input, () =>
        ctx.prisma.category.findUnique({ where: { code: input.code }, select: categorySelect }),
      );
      if (!c) throw new TRPCError({ code: "NOT_FOUND", message: `no category with code ${input.code}` });
      return c;
    }),

  list: publicProcedure
    .input(
      z
        .object({
          program: z
            .string()
            .regex(/^[A-Z0-9-]{2,20}$/)
            .optional(),
          group: code.optional(),
          cursor: z.number().int().min(0).max(INT4_MAX).optional(),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .strict()
        .default({ limit: 50 }),
    )
    .output(
      z.object({
        items: z.array(category),
        nextCursor: z.number().int().nullable().describe("the cursor for the next page; null on the last"),
      }),
    )
    .query(async ({ ctx, input }) => {
      const where = {
        ...(input.program ? { program: { code: input.program } } : {}),
        ...(input.group ? { group: { code: input.group } } : {}),
      };
      return ctx.responses.wrap("categories.list", input, async () => {
        const items = await ctx.prisma.category.findMany({
          where,
          select: categorySelect,
          orderBy: { id: "asc" },
          take: input.limit + 1,
          ...(input.cursor ? { cursor: { id: input.cursor }, skip: 0 } : {}),
        });
        const next = items.length > input.limit ? items.pop() : undefined;
        return { items, nextCursor: next?.id ?? null };
      });
    }),

  search: publicProcedure
    .input(
      z
        .object({
          query: clientText().trim().min(2).max(500),
          program: z
            .string()
            .regex(/^[A-Z0-9-]{2,20}$/)
            .optional(),
          limit: z.number().int().min(1).max(50).default(10),
        })
        .strict(),
    )
    .output(z.array(z.object({ code: z.string(), name: z.string(), program: z.string(), rank: z.number() })))
    .query(async ({ ctx, input }) => {
      const r = await ctx.db.query<{ code: string; name: string; program: string; rank: number }>(
        `SELECT c.code, c.name, p.code AS program, ts_rank_cd(c.search, q, 1) AS rank
           FROM categories c JOIN programs p ON p.id = c.program_id, websearch_to_tsquery('english', $1) q
          WHERE c.search @@ q AND ($2::text IS NULL OR p.code = $2)
          ORDER BY rank DESC, c.id LIMIT $3`,
        [orQuery(input.query), input.program ?? null, input.limit],
      );
      return r.rows.map((row) => ({ ...row, rank: Math.round(Number(row.rank) * 1000) / 1000 }));
    }),
});

export const programsRouter = router({
  list: publicProcedure
    .output(
      z.array(
        z.object({
          code: z.string(),
          name: z.string(),
          geography: z.string(),
          season: z.string(),
          description: z.string(),
          url: z.string().nullable(),
          categoryCount: z.number().int(),
        }),
      ),
    )
    .query(({ ctx }) =>
      ctx.responses.wrap("programs.list", null, async () => {
        const rows = await ctx.prisma.program.findMany({
          orderBy: { id: "asc" },
          include: { _count: { select: { categories: true } } },
        });
        return rows.map(({ _count, id: _id, updatedAt: _u, ...p }) => ({ ...p, categoryCount: _count.categories }));
      }),
    ),
});
