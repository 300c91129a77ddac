import OpenAI from "openai";
import { noopObserver, type OpenAIObserver } from "../openai/metrics.js";
import { OpenAIRequestError, scrubber, withRetry, type OpenAIErrorKind } from "../openai/retry.js";
import { l2normalise, type Embedder } from "./types.js";

export { parseRetryAfter } from "../openai/retry.js";

/** The subset of a pino logger this module uses. */
export interface EmbedLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface OpenAIEmbedderOptions {
  apiKey: string;
  /** e.g. "https://api.openai.com/v1" (the SDK's default) or any OpenAI-compatible endpoint. */
  baseURL?: string;
  model?: string;
  dimension?: number;
  /** Per HTTP attempt. A request that times out is retried like a 5xx. */
  timeoutMs?: number;
  /** Retries after the first attempt, for 408/409/429/5xx, timeouts and connection errors. */
  maxRetries?: number;
  /** Inputs per request (OpenAI allows 2048; 256 keeps responses a few MB). */
  batchSize?: number;
  /** Longest wait we accept from a Retry-After header; a longer one fails the call instead of stalling it. */
  maxRetryAfterMs?: number;
  logger?: EmbedLogger;
  /** Called once per successful request with the tokens it was billed for. */
  onUsage?: (tokens: number) => void;
  /** Metrics: attempts, retries, tokens (registerOpenAIMetrics). */
  observer?: OpenAIObserver;
}

/** An embedding request that failed. The message never contains the API key. */
export class EmbeddingRequestError extends OpenAIRequestError {
  constructor(
    message: string,
    status: number | undefined,
    attempts: number,
    requestId?: string,
    kind: OpenAIErrorKind = "invalid_response",
  ) {
    super(message, { kind, status, attempts, requestId });
    this.name = "EmbeddingRequestError";
  }
}

/** The OpenAI embedding model used unless told otherwise. */
export const OPENAI_EMBEDDING_MODEL = "text-embedding-3-small";

/** Roughly 300k tokens per request is OpenAI's cap; at ~4 characters per token this stays well below it. */
const MAX_CHARS_PER_REQUEST = 600_000;

export function createOpenAIEmbedder(opts: OpenAIEmbedderOptions): Embedder {
  const {
    apiKey,
    baseURL,
    model = OPENAI_EMBEDDING_MODEL,
    dimension = 1536,
    timeoutMs = 30_000,
    maxRetries = 3,
    batchSize = 256,
    maxRetryAfterMs = 60_000,
    logger,
    onUsage,
    observer = noopObserver,
  } = opts;
  if (!apiKey) throw new Error("OpenAI embedder needs an API key");
  // Retries are ours (the SDK's would sleep through any Retry-After, and not abortably).
  const client = new OpenAI({ apiKey, baseURL, timeout: timeoutMs, maxRetries: 0 });
  // text-embedding-3-* can shorten vectors; older models reject the parameter.
  const sendDimensions = !/ada-002/.test(model);
  const scrub = scrubber(apiKey);

  async function request(input: string[], signal: AbortSignal | undefined): Promise<number[][]> {
    try {
      return await withRetry(
        async (attempt) => {
          const res = await client.embeddings.create(
            { model, input, ...(sendDimensions ? { dimensions: dimension } : {}) },
            signal ? { signal } : {},
          );
          if (res.data.length !== input.length)
            throw new EmbeddingRequestError(
              `OpenAI returned ${res.data.length} embeddings for ${input.length} inputs`,
              undefined,
              attempt,
            );
          const out = new Array<number[]>(input.length);
          for (const d of res.data) {
            if (d.embedding.length !== dimension) {
              throw new EmbeddingRequestError(
                `model ${model} returned ${d.embedding.length}-d vectors, expected ${dimension}`,
                undefined,
                attempt,
              );
            }
            out[d.index] = l2normalise(d.embedding);
          }
          if (out.some((v) => v === undefined))
            throw new EmbeddingRequestError("OpenAI response is missing some input indexes", undefined, attempt);
          const tokens = res.usage?.total_tokens ?? res.usage?.prompt_tokens ?? 0;
          onUsage?.(tokens);
          observer.tokens("embedding", model, tokens);
          return out;
        },
        {
          maxRetries,
          maxRetryAfterMs,
          signal,
          scrub,
          what: "OpenAI embeddings request",
          onAttempt: ({ ms, error }) => observer.attempt("embeddings", ms / 1000, error?.kind),
          onRetry: ({ attempt, delayMs, error, message }) => {
            observer.retry("embeddings", error.kind);
            logger?.warn(
              { status: error.status, attempt, delayMs: Math.round(delayMs), err: message },
              "openai embeddings request failed; retrying",
            );
          },
        },
      );
    } catch (err) {
      if (err instanceof OpenAIRequestError && !(err instanceof EmbeddingRequestError)) {
        throw new EmbeddingRequestError(err.message, err.status, err.attempts, err.requestId, err.kind);
      }
      throw err;
    }
  }

  return {
    // What the vectors are stored and cached under: another length is another set of vectors (never compared with the
    // first), so a length other than the usual 1536 is part of the name.
    model: dimension === 1536 ? model : `${model}@${dimension}`,
    dimension,
    async embed(texts, { signal } = {}) {
      signal?.throwIfAborted();
      // The API rejects empty strings.
      const inputs = texts.map((t) => (t.trim() === "" ? " " : t));
      const out: number[][] = [];
      for (const batch of batches(inputs, batchSize, MAX_CHARS_PER_REQUEST)) {
        out.push(...(await request(batch, signal)));
        logger?.debug({ model, done: out.length, total: inputs.length }, "openai embeddings batch");
      }
      return out;
    },
    async close() {},
  };
}

/** Consecutive groups of at most `size` texts and about `maxChars` characters (a single longer text goes alone). */
function* batches(texts: string[], size: number, maxChars: number): Generator<string[]> {
  let cur: string[] = [];
  let chars = 0;
  for (const t of texts) {
    if (cur.length > 0 && (cur.length >= size || chars + t.length > maxChars)) {
      yield cur;
      cur = [];
      chars = 0;
    }
    cur.push(t);
    chars += t.length;
  }
  if (cur.length > 0) yield cur;
}
