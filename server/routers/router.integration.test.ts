import { afterAll, describe, expect, it } from "vitest";
import { callerFor, realDeps } from "../../test/setup/deps.js";
import { trpcCodeOf } from "../../test/setup/trpc.js";
import { EmbeddingDeferred } from "../embeddings/types.js";

const deps = realDeps();
const api = callerFor(deps);
afterAll(() => deps.close());

const saas =
  "We are a 40-person software startup in Austin. Our cloud platform lets small clinics book patients online; revenue tripled this year and we raised a Series A.";

describe("recommend (real Postgres + pgvector, offline model)", () => {
  it("returns top-k categories with program, score, reasons and eligibility", async () => {
    const r = await api.recommend({ description: saas, topK: 5 });
    expect(r.model).toBe("use-lite-512");
    expect(r.results).toHaveLength(5);
    for (const [i, x] of r.results.entries()) {
      expect(x.rank).toBe(i + 1);
      expect(x.score).toBeGreaterThan(0);
      expect(x.score).toBeLessThanOrEqual(1);
      expect(x.category.code).toMatch(/^[A-Z]+-/);
      expect(x.program.name).toMatch(/Stevie|Business Awards/);
      expect(x.why.summary).toMatch(/^Recommended/);
      expect(x.eligibility.notes.length).toBeGreaterThan(0);
    }
    const scores = r.results.map((x) => x.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("applies hard eligibility filters from the profile", async () => {
    const r = await api.recommend({
      description: saas,
      topK: 20,
      profile: { programs: ["TECH"], nomineeType: "product", organizationSize: "small", country: "us" },
    });
    expect(r.results.length).toBeGreaterThan(0);
    expect(r.filters).toContain("programs: TECH");
    for (const x of r.results) {
      expect(x.program.code).toBe("TECH");
      expect(x.eligibility.nomineeTypes).toContain("product");
      expect(x.eligibility.organizationSizes.some((s) => s === "small" || s === "any")).toBe(true);
      expect(x.eligibility.regions.some((g) => g === "worldwide" || g === "US")).toBe(true);
    }
  });

  it("offers each retrieval mode, and hybrid fuses both", async () => {
    const [v, f, h] = await Promise.all(
      ["vector", "fulltext", "hybrid"].map((mode) =>
        api.recommend({ description: saas, topK: 10, mode: mode as "vector" }),
      ),
    );
    expect(v!.results[0]!.why.similarity).not.toBeNull();
    expect(f!.results[0]!.why.similarity).toBeNull();
    expect(f!.results[0]!.why.textRank).toBe(1);
    expect(h!.results.some((x) => x.why.similarity !== null && x.why.textRank !== null)).toBe(true);
  });

  it("refuses bad input with typed errors, never a 500", async () => {
    expect(await trpcCodeOf(api.recommend({ description: "" }))).toBe("BAD_REQUEST");
    expect(await trpcCodeOf(api.recommend({ description: "x".repeat(100_000) }))).toBe("BAD_REQUEST");
    expect(await trpcCodeOf(api.recommend({ description: saas, profile: { programs: ["NOPE"] } }))).toBe("BAD_REQUEST");
    expect(await trpcCodeOf(api.recommend({ description: saas, topK: 0 }))).toBe("BAD_REQUEST");
    expect(await trpcCodeOf(api.recommend({ description: 42 as unknown as string }))).toBe("BAD_REQUEST");
    expect(await trpcCodeOf(api.recommend({ description: saas, extra: 1 } as never))).toBe("BAD_REQUEST");
    await expect(api.recommend({ description: saas, profile: { programs: ["NOPE", "ALSO"] } })).rejects.toThrow(
      /unknown program codes: NOPE, ALSO; known: ABA/,
    );
  });

  it("treats SQL-looking text as text", async () => {
    const r = await api.recommend({
      description: "'; DROP TABLE categories; -- our customer service team answers 24/7 in 12 languages",
      topK: 3,
    });
    expect(r.results).toHaveLength(3);
    const n = await deps.db.query("select count(*)::int as n from categories");
    expect(n.rows[0].n).toBeGreaterThan(1300);
  });

  it("records each recommendation in the history, under its request id", async () => {
    const requestId = `history-${Date.now()}`;
    const r = await callerFor(deps, requestId).recommend({ description: saas, topK: 3 });
    const deadline = Date.now() + 5_000;
    let rows: { model: string; results: { code: string }[] }[] = [];
    while (rows.length === 0 && Date.now() < deadline) {
      rows = (await deps.db.query("select model, results from recommendations where request_id = $1", [requestId]))
        .rows;
      if (!rows.length) await new Promise((res) => setTimeout(res, 50));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]!.model).toBe("use-lite-512");
    expect(rows[0]!.results.map((x) => x.code)).toEqual(r.results.map((x) => x.category.code));
  });
});

describe("degrade, never queue (issue 28)", () => {
  it("answers from full-text alone, marked degraded, when the embedding is deferred; does not cache that answer", async () => {
    const deferred = callerFor({
      ...deps,
      embedQuery: () => Promise.reject(new EmbeddingDeferred(180, 50)),
    });
    const description = `${saas} (degraded ${Date.now()})`;
    for (const mode of ["hybrid", "vector"] as const) {
      const r = await deferred.recommend({ description, topK: 5, mode });
      expect(r.degraded?.reason).toMatch(/embedding work ahead \(~180 ms\) exceeds the 50 ms budget/);
      expect(r.mode).toBe(mode);
      expect(r.results.length).toBeGreaterThan(0);
      for (const x of r.results) {
        expect(x.why.similarity).toBeNull();
        expect(x.why.textRank).not.toBeNull();
      }
      // Full-text alone scores against what full text can reach: the best answer is 1.
      expect(r.results[0]!.score).toBe(1);
    }
    // The next caller with the embedding at hand gets the full answer, not the degraded one from the cache.
    const full = await api.recommend({ description, topK: 5 });
    expect(full.degraded).toBeNull();
    expect(full.results.some((x) => x.why.similarity !== null)).toBe(true);
    // Another failure of the embedding is still an error, not a degraded answer.
    const broken = callerFor({ ...deps, embedQuery: () => Promise.reject(new Error("model gone")) });
    await expect(broken.recommend({ description: `${description} again`, topK: 5 })).rejects.toThrow();
  });
});

describe("catalogue procedures", () => {
  it("lists the nine programs with their category counts", async () => {
    const programs = await api.programs.list();
    expect(programs.map((p) => p.code)).toEqual([
      "ABA",
      "IBA",
      "SAWIB",
      "SALES",
      "EMPLOYERS",
      "TECH",
      "APAC",
      "MENA",
      "GERMAN",
    ]);
    const total = programs.reduce((n, p) => n + p.categoryCount, 0);
    expect(total).toBeGreaterThanOrEqual(1300);
    expect(total).toBeLessThanOrEqual(1400);
  });

  it("gets a category by code, and NOT_FOUND for an unknown one", async () => {
    const c = await api.categories.get({ code: "ABA-MGMT-012" });
    expect(c.program.code).toBe("ABA");
    expect(["sourced", "synthesised"]).toContain(c.provenance);
    expect(await trpcCodeOf(api.categories.get({ code: "ABA-NOPE-999" }))).toBe("NOT_FOUND");
    expect(await trpcCodeOf(api.categories.get({ code: "lower case" }))).toBe("BAD_REQUEST");
  });

  it("pages through a program's categories with a cursor", async () => {
    const first = await api.categories.list({ program: "MENA", limit: 50 });
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
    const second = await api.categories.list({ program: "MENA", limit: 50, cursor: first.nextCursor! });
    expect(second.items[0]!.id).toBe(first.nextCursor);
    const ids = new Set([...first.items, ...second.items].map((c) => c.id));
    expect(ids.size).toBe(first.items.length + second.items.length);
    for (const c of [...first.items, ...second.items]) expect(c.program.code).toBe("MENA");
  });

  it("searches categories by text", async () => {
    const r = await api.categories.search({ query: "customer service department" });
    expect(r.length).toBeGreaterThan(0);
    expect(r[0]!.name.toLowerCase()).toMatch(/customer service/);
  });
});

describe("results against their .output() schemas", () => {
  // A schema strips fields it does not name: these compare whole answers, so a field left out of one shows here.
  it("keeps every field of the session, chat and system answers", async () => {
    expect(Object.keys(await api.system.info()).sort()).toEqual(["apiVersion", "databaseTime"]);
    const s = await api.session.start({ data: { draft: { tags: [1, "x"] } } });
    expect(await api.session.get({ id: s.id })).toEqual({ ...s, updatedAt: expect.any(String) });
    expect(await api.session.end({ id: s.id })).toEqual({ ended: true });

    const { sessionId } = await api.chat.start();
    const answer = await api.chat.sendAndWait({
      sessionId,
      message: "We are a nonprofit food bank in Ohio; what should we enter?",
      messageId: "m-1",
    });
    expect(Object.keys(answer).sort()).toEqual([
      "citations",
      "fallback",
      "interrupted",
      "model",
      "replyTo",
      "sessionId",
      "text",
      "turnId",
    ]);
    const { turns } = await api.chat.history({ sessionId });
    expect(Object.keys(turns[0]!).sort()).toEqual(["at", "id", "messageId", "role", "status", "text"]);
    expect(turns[1]).toMatchObject({
      id: answer.turnId,
      replyTo: answer.replyTo,
      citations: answer.citations,
      fallback: true,
    });
  });

  it("keeps every field of the catalogue answers, cached or not", async () => {
    const first = await api.categories.list({ program: "ABA", limit: 2 });
    expect(Object.keys(first.items[0]!).sort()).toEqual([
      "code",
      "description",
      "entryFormats",
      "group",
      "id",
      "keywords",
      "name",
      "nomineeTypes",
      "organizationSizes",
      "organizationTypes",
      "program",
      "provenance",
      "regions",
    ]);
    expect(await api.categories.list({ program: "ABA", limit: 2 })).toEqual(first);
    expect(Object.keys((await api.programs.list())[0]!).sort()).toEqual([
      "categoryCount",
      "code",
      "description",
      "geography",
      "name",
      "season",
      "url",
    ]);
  });
});
