import type { Redis } from "ioredis";
import type pg from "pg";
import type { Embedder } from "../embeddings/types.js";
import type { OpenAIChat } from "../openai/chat.js";
import { recommend, type ProgramRef } from "../recommend/engine.js";
import { registerChatMetrics } from "./metrics.js";
import { createRedisChatStore } from "./redis-store.js";
import { createMemoryChatStore } from "./store.js";
import type { ChatDeps, ChatLogger } from "./types.js";
import type { Registry } from "prom-client";
import type { OpenAIMetrics } from "../openai/metrics.js";

/**
 * The chat assistant's dependencies, as the API, `stevie-stack dev` and the tests build them: sessions in Redis
 * (in memory when there is none, for dev), retrieval through recommend(), OpenAI chat when a key is configured.
 */
export function createChatDeps(o: {
  redis?: Redis;
  pool: pg.Pool;
  embedder: Embedder;
  programs: () => Promise<Map<string, ProgramRef>>;
  embedQuery?: (text: string) => Promise<{ model: string; vector: number[] }>;
  openai?: OpenAIChat;
  openaiMetrics?: OpenAIMetrics;
  registry?: Registry;
  log: ChatLogger;
}): ChatDeps {
  return {
    store: o.redis ? createRedisChatStore(o.redis) : createMemoryChatStore(),
    openai: o.openai,
    recommend: (input) =>
      recommend({ pool: o.pool, embedder: o.embedder, programs: o.programs, embedQuery: o.embedQuery }, input),
    log: o.log,
    ...(o.registry ? { metrics: registerChatMetrics(o.registry, o.openaiMetrics) } : {}),
  };
}
