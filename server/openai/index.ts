import type { Registry } from "prom-client";
import { createOpenAIEmbedder, OPENAI_EMBEDDING_MODEL } from "../embeddings/openai.js";
import { createResilientEmbedder, type ResilientEmbedder } from "../embeddings/resilient.js";
import type { Embedder } from "../embeddings/types.js";
import { createOpenAIBreaker, type OpenAIBreaker } from "./breaker.js";
import { createOpenAIChat, DEFAULT_CHAT_MODEL, type OpenAIChat } from "./chat.js";
import { registerOpenAIMetrics, type OpenAIMetrics, type PriceTable } from "./metrics.js";

export { createOpenAIBreaker, type OpenAIBreaker } from "./breaker.js";
export { createOpenAIChat, DEFAULT_CHAT_MODEL, type ChatMessage, type OpenAIChat } from "./chat.js";
export {
  DEFAULT_PRICES,
  parsePriceTable,
  registerOpenAIMetrics,
  type OpenAIMetrics,
  type PriceTable,
} from "./metrics.js";
export { OpenAIRequestError, parseRetryAfter, withRetry, type OpenAIErrorKind } from "./retry.js";

export interface OpenAIServicesConfig {
  /** Unset or empty: offline mode (offline embeddings, deterministic chat answers). */
  apiKey?: string;
  baseURL?: string;
  chatModel?: string;
  /** Default text-embedding-3-small, 1536 long. */
  embeddingModel?: string;
  embeddingDimensions?: number;
  /** Consecutive failed calls that open the circuit (default 5) and how long it stays open (default 30 s). */
  failureThreshold?: number;
  resetTimeoutMs?: number;
  /** Per request attempt (default 30 s). */
  timeoutMs?: number;
  prices?: PriceTable;
  /** The offline model: the fallback for query embeddings, and the only embedder in offline mode. */
  offline: Embedder;
  registry: Registry;
  log?: { warn(obj: object, msg?: string): void };
}

export interface OpenAIServices {
  metrics: OpenAIMetrics;
  breaker: OpenAIBreaker;
  /** Undefined in offline mode. */
  chat?: OpenAIChat;
  /** OpenAI behind the breaker with the offline fallback; undefined in offline mode. */
  resilient?: ResilientEmbedder;
  /** Query embeddings with the model that made them (RecommendDeps.embedQuery). */
  embedQuery(text: string): Promise<{ model: string; vector: number[] }>;
  close(): Promise<void>;
}

/** Everything OpenAI-related, built once per process: one breaker shared by embeddings and chat, one set of metrics. */
export function createOpenAIServices(cfg: OpenAIServicesConfig): OpenAIServices {
  const metrics = registerOpenAIMetrics(cfg.registry, {
    prices: cfg.prices,
    models: [cfg.chatModel ?? DEFAULT_CHAT_MODEL, cfg.embeddingModel ?? OPENAI_EMBEDDING_MODEL],
  });
  const breaker = createOpenAIBreaker({
    failureThreshold: cfg.failureThreshold,
    resetTimeoutMs: cfg.resetTimeoutMs,
    observer: metrics,
  });
  if (!cfg.apiKey) {
    return {
      metrics,
      breaker,
      embedQuery: async (text) => ({ model: cfg.offline.model, vector: (await cfg.offline.embed([text]))[0]! }),
      close: async () => breaker.shutdown(),
    };
  }
  const common = {
    apiKey: cfg.apiKey,
    baseURL: cfg.baseURL,
    timeoutMs: cfg.timeoutMs,
    observer: metrics,
    logger: cfg.log,
  };
  const primary = createOpenAIEmbedder({
    ...common,
    model: cfg.embeddingModel,
    dimension: cfg.embeddingDimensions,
    logger: cfg.log ? { warn: cfg.log.warn.bind(cfg.log), debug: () => {} } : undefined,
  });
  const resilient = createResilientEmbedder(primary, cfg.offline, breaker, { observer: metrics, log: cfg.log });
  const chat = createOpenAIChat({ ...common, model: cfg.chatModel ?? DEFAULT_CHAT_MODEL, breaker });
  return {
    metrics,
    breaker,
    chat,
    resilient,
    embedQuery: (text) => resilient.embedQuery(text),
    close: async () => breaker.shutdown(),
  };
}
