import { createOfflineEmbedder } from "./offline.js";
import { createOpenAIEmbedder, type EmbedLogger } from "./openai.js";
import type { Embedder } from "./types.js";

export type { Embedder } from "./types.js";
export { l2normalise, normaliseText } from "./types.js";
export { createOfflineEmbedder, MODEL_DIR_ENV, OFFLINE_DIMENSION, OFFLINE_MODEL } from "./offline.js";
export { createOpenAIEmbedder, EmbeddingRequestError } from "./openai.js";

export interface EmbedderConfig {
  /** Set (non-empty): OpenAI's (or a compatible service's) embedding model. Unset: the offline model. */
  openaiApiKey?: string;
  openaiBaseUrl?: string;
  /** Default text-embedding-3-small, 1536 long. */
  openaiModel?: string;
  openaiDimension?: number;
  /** Offline model files; default $STEVIE_EMBEDDINGS_MODEL_DIR, then next to the bundle, then node_modules. */
  modelDir?: string;
  logger?: EmbedLogger;
  onUsage?: (tokens: number) => void;
}

/** OpenAI when an API key is configured, the bundled offline model otherwise. Nothing loads until the first embed. */
export function createEmbedder(cfg: EmbedderConfig): Embedder {
  if (cfg.openaiApiKey) {
    return createOpenAIEmbedder({
      apiKey: cfg.openaiApiKey,
      baseURL: cfg.openaiBaseUrl,
      model: cfg.openaiModel,
      dimension: cfg.openaiDimension,
      logger: cfg.logger,
      onUsage: cfg.onUsage,
    });
  }
  return createOfflineEmbedder({ modelDir: cfg.modelDir });
}
