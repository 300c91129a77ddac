import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from "openai";
import { setTimeout as sleep } from "node:timers/promises";
import { l2normalise, type Embedder } from "./types.js";

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
}

/** An embedding request that failed. The message never contains the API key. */
export class EmbeddingRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly attempts: number,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = "EmbeddingRequestError";
  }
}

/** Roughly 300k tokens per request is OpenAI's cap; at ~4 characters per token this stays well below it. */
const MAX_CHARS_PER_REQUEST = 600_000;

export function createOpenAIEmbedder(opts: OpenAIEmbedderOptions): Embedder {
  const {
    apiKey,
    baseURL,
    model = "text-embedding-3-small",
    dimension = 1536,
    timeoutMs = 30_000,
    maxRetries = 3,
    batchSize = 256,
    maxRetryAfterMs = 60_000,
    logger,
    onUsage,
  } = opts;
  if (!apiKey) throw new Error("OpenAI embedder needs an API key");
  // Retries are ours (the SDK's would sleep through any Retry-After, and not abortably).
  const client = new OpenAI({ apiKey, baseURL, timeout: timeoutMs, maxRetries: 0 });
  // text-embedding-3-* can shorten vectors; older models reject the parameter.
  const sendDimensions = !/ada-002/.test(model);
  const scrub = (s: string): string => s.split(apiKey).join("[redacted]");

  async function request(input: string[], signal: AbortSignal | undefined): Promise<number[][]> {
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        const res = await client.embeddings.create(
          { model, input, ...(sendDimensions ? { dimensions: dimension } : {}) },
          signal ? { signal } : {},
        );
        if (res.data.length !== input.length) throw new EmbeddingRequestError(`OpenAI returned ${res.data.length} embeddings for ${input.length} inputs`, undefined, attempt);
        const out = new Array<number[]>(input.length);
        for (const d of res.data) {
          if (d.embedding.length !== dimension) {
            throw new EmbeddingRequestError(`model ${model} returned ${d.embedding.length}-d vectors, expected ${dimension}`, undefined, attempt);
          }
          out[d.index] = l2normalise(d.embedding);
        }
        if (out.some((v) => v === undefined)) throw new EmbeddingRequestError("OpenAI response is missing some input indexes", undefined, attempt);
        onUsage?.(res.usage?.total_tokens ?? res.usage?.prompt_tokens ?? 0);
        return out;
      } catch (err) {
        if (err instanceof EmbeddingRequestError) throw err;
        if (err instanceof APIUserAbortError || signal?.aborted) throw signal?.reason ?? err;
        const delay = retryDelay(err, attempt);
        const status = err instanceof APIError ? err.status : undefined;
        const what = scrub(err instanceof Error ? err.message : String(err));
        if (attempt > maxRetries || delay === undefined) {
          const requestId = err instanceof APIError ? (err.requestID ?? undefined) : undefined;
          throw new EmbeddingRequestError(`OpenAI embeddings request failed after ${attempt} attempt(s): ${what}`, status, attempt, requestId);
        }
        logger?.warn({ status, attempt, delayMs: Math.round(delay), err: what }, "openai embeddings request failed; retrying");
        await sleep(delay, undefined, signal ? { signal } : {});
      }
    }
  }

  /** How long to wait before the next attempt, or undefined if the error is not worth retrying. */
  function retryDelay(err: unknown, attempt: number): number | undefined {
    const backoff = Math.min(500 * 2 ** (attempt - 1), 8_000) * (1 - Math.random() * 0.25);
    if (err instanceof APIConnectionError) return backoff; // includes APIConnectionTimeoutError
    if (!(err instanceof APIError) || err.status === undefined) return undefined;
    const { status } = err;
    if (status === 429 && err.code === "insufficient_quota") return undefined; // retrying cannot help
    if (!(status === 408 || status === 409 || status === 429 || status >= 500)) return undefined;
    const retryAfter = parseRetryAfter(err.headers);
    if (retryAfter === undefined) return backoff;
    return retryAfter <= maxRetryAfterMs ? retryAfter : undefined;
  }

  return {
    model,
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

/** Milliseconds from retry-after-ms or Retry-After (seconds or an HTTP date), if present. */
export function parseRetryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers?.get("retry-after");
  if (!raw) return undefined;
  const s = Number(raw);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
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
