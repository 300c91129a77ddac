import { describe, expect, it } from "vitest";
import { fakeVector, useFakeOpenAI } from "../../test/fakes/openai-server.js";
import { createOpenAIEmbedder, EmbeddingRequestError, type OpenAIEmbedderOptions } from "./openai.js";

const API_KEY = "sk-fake-key-42";

describe("OpenAI embedder (against the fake server)", () => {
  const fake = useFakeOpenAI();
  const make = (o: Partial<OpenAIEmbedderOptions> = {}) =>
    createOpenAIEmbedder({ apiKey: API_KEY, baseURL: fake.baseURL, timeoutMs: 2_000, ...o });

  it("returns normalised vectors in input order, batching requests and reporting usage", async () => {
    const usage: number[] = [];
    const e = make({ batchSize: 2, onUsage: (t) => usage.push(t) });
    const texts = ["alpha", "beta", "gamma", "", "epsilon"];
    const vectors = await e.embed(texts);
    expect(e.dimension).toBe(1536);
    expect(vectors).toHaveLength(5);
    for (const v of vectors) {
      expect(v).toHaveLength(1536);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
    // base64 on the wire (the SDK's default) decodes to the float vector the fake derived from each text
    expect(vectors[0]![0]).toBeCloseTo(fakeVector("alpha", 1536)[0]!, 5);
    expect(vectors[2]![7]).toBeCloseTo(fakeVector("gamma", 1536)[7]!, 5);
    expect(vectors[3]![0]).toBeCloseTo(fakeVector(" ", 1536)[0]!, 5); // empty text sent as " "
    expect(fake.requestCount).toBe(3);
    expect(fake.requests[0]!.body).toMatchObject({
      model: "text-embedding-3-small",
      dimensions: 1536,
      input: ["alpha", "beta"],
    });
    expect(fake.requests[0]!.authorization).toBe(`Bearer ${API_KEY}`);
    expect(usage).toEqual([3, 3, 2]);
    expect(await e.embed([])).toEqual([]);
    expect(fake.requestCount).toBe(3);
  });

  it("asks for the configured dimension, and stores vectors of another length under a name of their own", async () => {
    const short = make({ dimension: 256 });
    const [v] = await short.embed(["x"]);
    expect(v).toHaveLength(256);
    expect(fake.requests[0]!.body).toMatchObject({ model: "text-embedding-3-small", dimensions: 256 });
    // 256-long vectors must never be compared with the 1536-long ones already stored for the model.
    expect(short.model).toBe("text-embedding-3-small@256");
    expect(make().model).toBe("text-embedding-3-small");
    expect(make({ model: "text-embedding-3-large" }).model).toBe("text-embedding-3-large");
  });

  it("retries a 500 and then succeeds", async () => {
    fake.setMode({ kind: "status", status: 500 }, 2);
    const vectors = await make({ maxRetries: 3 }).embed(["a", "b"]);
    expect(vectors).toHaveLength(2);
    expect(fake.requestCount).toBe(3);
  });

  it("honours Retry-After on 429", async () => {
    fake.setMode({ kind: "status", status: 429, retryAfterS: 0.3 }, 1);
    const t0 = Date.now();
    await make().embed(["a"]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(fake.requestCount).toBe(2);
  });

  it("gives up after maxRetries without leaking the API key", async () => {
    fake.setMode({ kind: "status", status: 503, retryAfterS: 0.01 });
    const err = await make({ maxRetries: 2 })
      .embed(["a"])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddingRequestError);
    expect(fake.requestCount).toBe(3);
    expect((err as EmbeddingRequestError).status).toBe(503);
    expect((err as EmbeddingRequestError).attempts).toBe(3);
    expect(JSON.stringify(err) + String(err) + (err as Error).stack).not.toContain(API_KEY);
  });

  it("does not retry a 401, and scrubs the key the server echoed", async () => {
    fake.setMode({ kind: "status", status: 401 });
    const err = (await make()
      .embed(["a"])
      .catch((e: unknown) => e)) as EmbeddingRequestError;
    expect(err.status).toBe(401);
    expect(fake.requestCount).toBe(1);
    expect(err.message).toContain("Incorrect API key provided: [redacted]");
    expect(String(err) + err.stack).not.toContain(API_KEY);
  });

  it("refuses a Retry-After longer than maxRetryAfterMs instead of stalling", async () => {
    fake.setMode({ kind: "status", status: 429, retryAfterS: 120 });
    const t0 = Date.now();
    await expect(make().embed(["a"])).rejects.toThrow(/429/);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(fake.requestCount).toBe(1);
  });

  it("times out on a server that never answers", async () => {
    fake.setMode({ kind: "hang" });
    const t0 = Date.now();
    await expect(make({ timeoutMs: 300, maxRetries: 0 }).embed(["a"])).rejects.toThrow(/timed out/i);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_500);
    expect(fake.requestCount).toBe(1);
  });

  it("retries a dropped connection", async () => {
    fake.setMode({ kind: "drop" }, 1);
    expect(await make({ maxRetries: 1 }).embed(["a"])).toHaveLength(1);
    expect(fake.requestCount).toBe(2);
  });

  it("stops when the caller aborts", async () => {
    fake.setMode({ kind: "slow", ms: 2_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("caller gave up")), 100);
    await expect(make().embed(["a"], { signal: ac.signal })).rejects.toThrow(/caller gave up/);
  });
});
