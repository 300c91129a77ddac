import { Registry } from "prom-client";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeChatReply, useFakeOpenAI } from "../../test/fakes/openai-server.js";
import { createOpenAIBreaker } from "./breaker.js";
import { createOpenAIChat, type ChatMessage, type OpenAIChatOptions } from "./chat.js";
import { registerOpenAIMetrics } from "./metrics.js";

const waitFor = async (cond: () => boolean, ms = 2_000) => {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("OpenAI chat streaming (against the fake server)", () => {
  const fake = useFakeOpenAI();
  beforeEach(() => {
    fake.streams.length = 0;
  });
  const make = (o: Partial<OpenAIChatOptions> = {}) =>
    createOpenAIChat({
      apiKey: "sk-test",
      baseURL: fake.baseURL,
      timeoutMs: 2_000,
      baseDelayMs: 50,
      breaker: createOpenAIBreaker({ failureThreshold: 100 }),
      ...o,
    });
  const messages: ChatMessage[] = [
    { role: "system", content: "You are helpful." },
    { role: "user", content: "Which category fits a SaaS startup?" },
  ];

  it("streams the answer piece by piece and records tokens and cost", async () => {
    const registry = new Registry();
    const metrics = registerOpenAIMetrics(registry);
    const pieces: string[] = [];
    const r = await make({ observer: metrics }).stream(messages, { onDelta: (t) => pieces.push(t) });
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join("")).toBe(fakeChatReply(messages));
    expect(r.text).toBe(pieces.join(""));
    expect(r.usage.estimated).toBe(false);
    expect(fake.requests[0]!.body).toMatchObject({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
    });
    const tokens = await registry.getSingleMetricAsString("stevie_openai_tokens_total");
    expect(tokens).toContain(`kind="prompt",model="gpt-4o-mini"} ${r.usage.promptTokens}`);
    expect(tokens).toContain(`kind="completion",model="gpt-4o-mini"} ${r.usage.completionTokens}`);
    const usage = metrics.usage();
    expect(usage.day.costUsd["gpt-4o-mini"]).toBeCloseTo(
      (r.usage.promptTokens * 0.15 + r.usage.completionTokens * 0.6) / 1e6,
      12,
    );
    expect(await registry.getSingleMetricAsString("stevie_openai_request_duration_seconds")).toContain(
      'operation="chat",outcome="ok"',
    );
  });

  it("retries a stream that broke off before sending any text", async () => {
    fake.setMode({ kind: "stream-break", afterChunks: 0, then: "drop" }, 1);
    const pieces: string[] = [];
    const r = await make().stream(messages, { onDelta: (t) => pieces.push(t) });
    expect(r.text).toBe(fakeChatReply(messages));
    expect(pieces.join("")).toBe(r.text); // nothing doubled
    expect(fake.requestCount).toBe(2);
  });

  it("does not retry a stream that broke off after sending text: the caller gets the error and keeps the partial text", async () => {
    fake.setMode({ kind: "stream-break", afterChunks: 3, then: "drop" });
    const pieces: string[] = [];
    const err = await make()
      .stream(messages, { onDelta: (t) => pieces.push(t) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "OpenAIRequestError", kind: "connection" });
    expect(pieces).toHaveLength(3);
    expect(fake.requestCount).toBe(1);
  });

  it("abandons a stream that stalls (idle timeout), without hanging", async () => {
    fake.setMode({ kind: "stream-break", afterChunks: 2, then: "hang" });
    const t0 = Date.now();
    const err = await make({ idleTimeoutMs: 300 })
      .stream(messages, { onDelta: () => {} })
      .catch((e: unknown) => e);
    const elapsed = Date.now() - t0;
    expect(err).toMatchObject({ kind: "timeout" });
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("times out a request that never answers", async () => {
    fake.setMode({ kind: "hang" });
    const t0 = Date.now();
    await expect(make({ timeoutMs: 300, maxRetries: 0 }).stream(messages, { onDelta: () => {} })).rejects.toMatchObject(
      { kind: "timeout" },
    );
    expect(Date.now() - t0).toBeLessThan(1_500);
  });

  it("stops the upstream stream when the caller aborts", async () => {
    fake.setMode({ kind: "slow-stream", chunkMs: 60 });
    const ac = new AbortController();
    const pieces: string[] = [];
    const p = make().stream(messages, {
      signal: ac.signal,
      onDelta: (t) => {
        pieces.push(t);
        if (pieces.length === 2) ac.abort(new Error("client left"));
      },
    });
    await expect(p).rejects.toThrow("client left");
    await waitFor(() => fake.streams[0]?.clientClosed === true);
    expect(fake.streams[0]!.completed).toBe(false);
    expect(fake.requestCount).toBe(1);
  });
});
