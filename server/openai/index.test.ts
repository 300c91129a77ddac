import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../../test/fakes/openai-server.js";
import type { Embedder } from "../embeddings/types.js";
import { createOpenAIServices } from "./index.js";

// The offline model is exercised in embeddings/*.test.ts; here a stand-in with its name and size is enough.
const offline: Embedder = {
  model: "use-lite-512",
  dimension: 512,
  embed: async (texts) => texts.map(() => new Array<number>(512).fill(1 / Math.sqrt(512))),
};

describe("createOpenAIServices", () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake.close();
  });

  it("with a key: chat and OpenAI query embeddings behind one breaker, falling back to the offline model", async () => {
    const registry = new Registry();
    const s = createOpenAIServices({
      apiKey: "sk-test",
      baseURL: fake.baseURL,
      offline,
      registry,
      failureThreshold: 1,
      resetTimeoutMs: 60_000,
    });
    expect(s.chat?.model).toBe("gpt-4o-mini");
    expect((await s.embedQuery("hello")).model).toBe("text-embedding-3-small");
    fake.setMode({ kind: "status", status: 401 });
    expect((await s.embedQuery("hello")).model).toBe("use-lite-512");
    expect(s.breaker.state).toBe("open"); // shared: chat is refused too
    await expect(s.chat!.complete([{ role: "user", content: "hi" }])).rejects.toMatchObject({ kind: "circuit_open" });
    fake.setMode({ kind: "normal" });
    await s.close();
  });

  it("without a key: offline embeddings and no chat model", async () => {
    const s = createOpenAIServices({ offline, registry: new Registry() });
    expect(s.chat).toBeUndefined();
    expect((await s.embedQuery("hello")).model).toBe("use-lite-512");
    await s.close();
  });
});
