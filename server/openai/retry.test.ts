import { describe, expect, it } from "vitest";
import { useFakeOpenAI } from "../../test/fakes/openai-server.js";
import { createOpenAIBreaker } from "./breaker.js";
import { createOpenAIChat, type OpenAIChatOptions } from "./chat.js";
import { classifyError, DEFAULT_RETRY, OpenAIRequestError, retryDelay, withRetry } from "./retry.js";

const API_KEY = "sk-fake-retry-7";

describe("retry policy", () => {
  it("backs off exponentially with up to 25% jitter, capped", () => {
    const err = new TypeError("fetch failed");
    const c = classifyError(err);
    expect(c).toMatchObject({ kind: "connection", retryable: true });
    const noJitter = () => 0;
    const fullJitter = () => 1;
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelay(err, c, a, DEFAULT_RETRY, noJitter))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(retryDelay(err, c, 1, DEFAULT_RETRY, fullJitter)).toBe(375);
    expect(retryDelay(new Error("x"), classifyError(new Error("x")), 1, DEFAULT_RETRY)).toBeUndefined();
  });

  it("stops retrying when the caller aborts during the backoff", async () => {
    const ac = new AbortController();
    let calls = 0;
    setTimeout(() => ac.abort(new Error("caller left")), 50);
    const t0 = Date.now();
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new TypeError("fetch failed");
        },
        { signal: ac.signal, baseDelayMs: 5_000 },
      ),
    ).rejects.toThrow("caller left");
    expect(calls).toBe(1);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});

describe("OpenAI chat retries (against the fake server)", () => {
  const fake = useFakeOpenAI();
  const make = (o: Partial<OpenAIChatOptions> = {}) =>
    createOpenAIChat({
      apiKey: API_KEY,
      baseURL: fake.baseURL,
      timeoutMs: 2_000,
      baseDelayMs: 100,
      breaker: createOpenAIBreaker({ failureThreshold: 100 }),
      ...o,
    });
  const ask = [{ role: "user" as const, content: "hello" }];

  it("retries 500s with growing delays, then succeeds", async () => {
    fake.setMode({ kind: "status", status: 500 }, 2);
    const t0 = Date.now();
    const r = await make().complete(ask);
    const elapsed = Date.now() - t0;
    expect(r.text).toMatch(/^Fake reply/);
    expect(fake.requestCount).toBe(3);
    // 100 ms then 200 ms, each minus up to 25% jitter: at least 225 ms
    expect(elapsed).toBeGreaterThanOrEqual(220);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("gives up after maxRetries (3 by default): 4 requests in all", async () => {
    fake.setMode({ kind: "status", status: 503 });
    const err = (await make()
      .complete(ask)
      .catch((e: unknown) => e)) as OpenAIRequestError;
    expect(err).toBeInstanceOf(OpenAIRequestError);
    expect(err).toMatchObject({ kind: "server", status: 503, attempts: 4 });
    expect(fake.requestCount).toBe(4);
    expect(String(err) + err.stack).not.toContain(API_KEY);
  });

  it("waits as long as Retry-After says on 429", async () => {
    fake.setMode({ kind: "status", status: 429, retryAfterS: 0.4 }, 1);
    const t0 = Date.now();
    await make().complete(ask);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    expect(fake.requestCount).toBe(2);
  });

  it("does not retry a 400 or a 401", async () => {
    fake.setMode({ kind: "status", status: 400 });
    await expect(make().complete(ask)).rejects.toMatchObject({ kind: "bad_request", attempts: 1 });
    fake.setMode({ kind: "status", status: 401 });
    const err = (await make()
      .complete(ask)
      .catch((e: unknown) => e)) as OpenAIRequestError;
    expect(err.kind).toBe("auth");
    expect(err.message).not.toContain(API_KEY);
    expect(fake.requestCount).toBe(2);
  });

  it("times out each attempt of a request that never answers", async () => {
    fake.setMode({ kind: "hang" });
    const t0 = Date.now();
    await expect(make({ timeoutMs: 300, maxRetries: 1 }).complete(ask)).rejects.toMatchObject({
      kind: "timeout",
      attempts: 2,
    });
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(2_500);
    expect(fake.requestCount).toBe(2);
  });
});
