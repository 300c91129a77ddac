import { Registry } from "prom-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../../test/fakes/openai-server.js";
import { createOpenAIBreaker, type OpenAIBreaker } from "../openai/breaker.js";
import { registerOpenAIMetrics, type OpenAIMetrics } from "../openai/metrics.js";
import { createOfflineEmbedder } from "./offline.js";
import { createOpenAIEmbedder } from "./openai.js";
import { createResilientEmbedder, type ResilientEmbedder } from "./resilient.js";

// Primary: OpenAI (the fake server). Fallback: the real offline model (~1-2 s to load).
describe("resilient embedder", { timeout: 60_000 }, () => {
  let fake: FakeOpenAI;
  let breaker: OpenAIBreaker;
  let registry: Registry;
  let metrics: OpenAIMetrics;
  let e: ResilientEmbedder;
  const offline = createOfflineEmbedder();
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    await offline.embed(["warm-up"]);
  });
  afterAll(async () => {
    await fake.close();
    await offline.close?.();
  });
  beforeEach(() => {
    fake.setMode({ kind: "normal" });
    fake.requests.length = 0;
    registry = new Registry();
    metrics = registerOpenAIMetrics(registry);
    breaker?.shutdown();
    breaker = createOpenAIBreaker({ failureThreshold: 5, resetTimeoutMs: 300, observer: metrics });
    const primary = createOpenAIEmbedder({
      apiKey: "sk-test",
      baseURL: fake.baseURL,
      timeoutMs: 1_000,
      maxRetries: 0,
      observer: metrics,
    });
    e = createResilientEmbedder(primary, offline, breaker, { observer: metrics });
  });

  it("uses OpenAI while it answers, and says so", async () => {
    const q = await e.embedQuery("Technology startup of the year");
    expect(q.model).toBe("text-embedding-3-small");
    expect(q.vector).toHaveLength(1536);
    expect(e.model).toBe("text-embedding-3-small");
    expect(await registry.getSingleMetricAsString("stevie_openai_tokens_total")).toMatch(
      /kind="embedding",model="text-embedding-3-small"} \d+/,
    );
  });

  it("falls back to the offline model when OpenAI fails, recording which model made the vector, and stops calling OpenAI once the circuit opens", async () => {
    fake.setMode({ kind: "status", status: 500 });
    for (let i = 0; i < 7; i++) {
      const q = await e.embedQuery(`query ${i}`);
      expect(q.model).toBe("use-lite-512");
      expect(q.vector).toHaveLength(512);
    }
    expect(fake.requestCount).toBe(5); // calls 6 and 7 never left the process
    expect(breaker.state).toBe("open");
    const same = await offline.embed(["query 6"]);
    expect((await e.embedWithModel(["query 6"])).vectors[0]).toEqual(same[0]);
    expect(await registry.getSingleMetricAsString("stevie_openai_fallbacks_total")).toContain(
      'operation="embeddings"} 8',
    );

    // The plain Embedder contract never mixes models: embed() refuses instead of falling back.
    await expect(e.embed(["catalogue text"])).rejects.toMatchObject({ kind: "circuit_open" });

    await new Promise((r) => setTimeout(r, 350));
    fake.setMode({ kind: "normal" });
    const back = await e.embedWithModel(["recovered"]);
    expect(back).toMatchObject({ model: "text-embedding-3-small", dimension: 1536, fallback: false });
    expect(breaker.state).toBe("closed");
  });

  it("falls back when OpenAI hangs, within the request timeout", async () => {
    fake.setMode({ kind: "hang" });
    const t0 = Date.now();
    const q = await e.embedQuery("slow upstream");
    expect(q.model).toBe("use-lite-512");
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it("wrapQueries: a cache in front of each model still serves cached OpenAI vectors while the circuit is open", async () => {
    const cache = new Map<string, number[]>();
    const cached = (emb: { model: string; embed(t: string[]): Promise<number[][]> }) => async (text: string) => {
      const key = `${emb.model}:${text}`;
      if (!cache.has(key)) cache.set(key, (await emb.embed([text]))[0]!);
      return cache.get(key)!;
    };
    const embedQuery = e.wrapQueries(cached);
    expect((await embedQuery("seen before")).model).toBe("text-embedding-3-small");
    fake.setMode({ kind: "status", status: 500 });
    for (let i = 0; i < 5; i++) expect((await embedQuery(`new ${i}`)).model).toBe("use-lite-512");
    expect(breaker.state).toBe("open");
    expect(await embedQuery("seen before")).toMatchObject({ model: "text-embedding-3-small" });
    expect(await embedQuery("new 0")).toMatchObject({ model: "use-lite-512" });
    expect(cache.has("use-lite-512:new 0") && !cache.has("text-embedding-3-small:new 0")).toBe(true);
  });

  it("does not fall back when the caller aborted", async () => {
    fake.setMode({ kind: "slow", ms: 2_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("caller left")), 50);
    await expect(e.embedQuery("x", { signal: ac.signal })).rejects.toThrow("caller left");
    expect(breaker.state).toBe("closed");
  });
});
