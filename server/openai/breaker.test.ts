import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../../test/fakes/openai-server.js";
import { createOpenAIBreaker, type OpenAIBreaker } from "./breaker.js";
import { createOpenAIChat } from "./chat.js";
import { registerOpenAIMetrics } from "./metrics.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("OpenAI circuit breaker (against the fake server)", () => {
  let fake: FakeOpenAI;
  let breaker: OpenAIBreaker;
  let registry: Registry;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.setMode({ kind: "normal" });
    fake.requests.length = 0;
    registry = new Registry();
  });
  afterEach(() => breaker.shutdown());

  const setup = (resetTimeoutMs = 300) => {
    const metrics = registerOpenAIMetrics(registry);
    breaker = createOpenAIBreaker({ failureThreshold: 5, resetTimeoutMs, observer: metrics });
    const chat = createOpenAIChat({
      apiKey: "sk-test",
      baseURL: fake.baseURL,
      timeoutMs: 2_000,
      maxRetries: 0,
      breaker,
      observer: metrics,
    });
    return { chat, ask: () => chat.complete([{ role: "user", content: "hi" }]) };
  };
  const gauge = async () => (await registry.getSingleMetric("stevie_openai_circuit_state")!.get()).values[0]?.value;

  it("opens after 5 consecutive failures, refuses without calling, half-opens after the reset timeout and closes on success", async () => {
    const { ask } = setup(300);
    expect(await gauge()).toBe(0);
    fake.setMode({ kind: "status", status: 500 });
    for (let i = 0; i < 4; i++) await expect(ask()).rejects.toMatchObject({ kind: "server" });
    expect(breaker.state).toBe("closed");
    await expect(ask()).rejects.toMatchObject({ kind: "server" });
    expect(breaker.state).toBe("open");
    expect(await gauge()).toBe(2);
    expect(fake.requestCount).toBe(5);

    const t0 = Date.now();
    await expect(ask()).rejects.toMatchObject({ kind: "circuit_open" });
    expect(Date.now() - t0).toBeLessThan(50); // fails fast
    expect(fake.requestCount).toBe(5);

    await sleep(350);
    expect(breaker.state).toBe("half-open");
    expect(await gauge()).toBe(1);
    fake.setMode({ kind: "normal" });
    expect((await ask()).text).toMatch(/^Fake reply/);
    expect(breaker.state).toBe("closed");
    expect(await gauge()).toBe(0);
    const errors = await registry.getSingleMetricAsString("stevie_openai_errors_total");
    expect(errors).toContain('kind="circuit_open"');
    expect(errors).toMatch(/operation="summary",kind="server"} 5/);
  });

  it("re-opens when the half-open trial fails", async () => {
    const { ask } = setup(200);
    fake.setMode({ kind: "status", status: 502 });
    for (let i = 0; i < 5; i++) await ask().catch(() => undefined);
    expect(breaker.state).toBe("open");
    await sleep(250);
    expect(breaker.state).toBe("half-open");
    await expect(ask()).rejects.toMatchObject({ kind: "server" });
    expect(breaker.state).toBe("open");
    expect(fake.requestCount).toBe(6);
  });

  it("counts only consecutive failures, and not requests OpenAI rejected as bad", async () => {
    const { ask } = setup();
    fake.setMode({ kind: "status", status: 500 }, 4);
    for (let i = 0; i < 4; i++) await ask().catch(() => undefined);
    await ask(); // success resets the count
    fake.setMode({ kind: "status", status: 500 }, 4);
    for (let i = 0; i < 4; i++) await ask().catch(() => undefined);
    fake.setMode({ kind: "status", status: 400 }, 3);
    for (let i = 0; i < 3; i++) await expect(ask()).rejects.toMatchObject({ kind: "bad_request" });
    expect(breaker.state).toBe("closed");
  });
});
