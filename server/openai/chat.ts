import OpenAI from "openai";
import type { OpenAIBreaker } from "./breaker.js";
import { noopObserver, type OpenAIObserver } from "./metrics.js";
import { OpenAIRequestError, scrubber, StreamError, withRetry, type RetryPolicy } from "./retry.js";

export const DEFAULT_CHAT_MODEL = "gpt-4o-mini";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatCompletion {
  text: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number; estimated: boolean };
}

/** The chat model, behind retries and the circuit breaker. Failures are OpenAIRequestError (kind "circuit_open" while open). */
export interface OpenAIChat {
  readonly model: string;
  /**
   * Stream a completion, calling `onDelta` with each piece of text. Resolves when the model finished; once any text
   * was delivered a failure is not retried (the caller already showed it), it is thrown for the caller to record.
   */
  stream(
    messages: ChatMessage[],
    opts: { signal?: AbortSignal; onDelta: (text: string) => void; maxTokens?: number },
  ): Promise<ChatCompletion>;
  /** A short non-streamed completion (conversation summaries). */
  complete(messages: ChatMessage[], opts?: { signal?: AbortSignal; maxTokens?: number }): Promise<ChatCompletion>;
}

export interface OpenAIChatOptions extends RetryPolicy {
  apiKey: string;
  baseURL?: string;
  model?: string;
  /** Per attempt, until the response headers (default 30 s). */
  timeoutMs?: number;
  /** A stream that sends nothing for this long is abandoned (default 30 s): the SDK's timeout ends at the headers. */
  idleTimeoutMs?: number;
  breaker: OpenAIBreaker;
  observer?: OpenAIObserver;
  logger?: { warn(obj: object, msg?: string): void };
}

/** ~4 characters a token: used only when a stream broke off before its usage chunk. */
const estimateTokens = (s: string) => Math.ceil(s.length / 4);

export function createOpenAIChat(opts: OpenAIChatOptions): OpenAIChat {
  const { apiKey, model = DEFAULT_CHAT_MODEL, timeoutMs = 30_000, idleTimeoutMs = 30_000, breaker, logger } = opts;
  if (!apiKey) throw new Error("OpenAI chat needs an API key");
  const observer = opts.observer ?? noopObserver;
  const client = new OpenAI({ apiKey, baseURL: opts.baseURL, timeout: timeoutMs, maxRetries: 0 });
  const scrub = scrubber(apiKey);

  const retryOptions = (op: "chat" | "summary", signal: AbortSignal | undefined) => ({
    maxRetries: opts.maxRetries,
    baseDelayMs: opts.baseDelayMs,
    maxDelayMs: opts.maxDelayMs,
    maxRetryAfterMs: opts.maxRetryAfterMs,
    signal,
    scrub,
    what: `OpenAI ${op} request`,
    onAttempt: ({ ms, error }: { ms: number; error?: { kind: OpenAIRequestError["kind"] } }) =>
      observer.attempt(op, ms / 1000, error?.kind),
    onRetry: ({
      attempt,
      delayMs,
      error,
      message,
    }: {
      attempt: number;
      delayMs: number;
      error: { kind: OpenAIRequestError["kind"]; status: number | undefined };
      message: string;
    }) => {
      observer.retry(op, error.kind);
      logger?.warn(
        { op, status: error.status, attempt, delayMs: Math.round(delayMs), err: message },
        "openai request failed; retrying",
      );
    },
  });

  const recordUsage = (prompt: number, completion: number) => {
    observer.tokens("prompt", model, prompt);
    observer.tokens("completion", model, completion);
  };

  return {
    model,
    stream(messages, { signal, onDelta, maxTokens }) {
      let delivered = false;
      return breaker.run(
        () =>
          withRetry(
            async () => {
              const idle = new AbortController();
              const combined = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
              let timer: NodeJS.Timeout | undefined;
              const arm = () => {
                clearTimeout(timer);
                timer = setTimeout(
                  () => idle.abort(new StreamError(`OpenAI stream sent nothing for ${idleTimeoutMs} ms`, "timeout")),
                  idleTimeoutMs,
                );
              };
              let started = false;
              let text = "";
              let usage: { promptTokens: number; completionTokens: number } | undefined;
              try {
                const stream = await client.chat.completions.create(
                  {
                    model,
                    messages,
                    stream: true,
                    stream_options: { include_usage: true },
                    ...(maxTokens ? { max_completion_tokens: maxTokens } : {}),
                  },
                  { signal: combined },
                );
                started = true;
                arm();
                let finish: string | null = null;
                for await (const chunk of stream) {
                  arm();
                  const choice = chunk.choices[0];
                  const piece = choice?.delta?.content;
                  if (piece) {
                    text += piece;
                    delivered = true;
                    onDelta(piece);
                  }
                  if (choice?.finish_reason) finish = choice.finish_reason;
                  if (chunk.usage)
                    usage = {
                      promptTokens: chunk.usage.prompt_tokens,
                      completionTokens: chunk.usage.completion_tokens,
                    };
                }
                // The SDK ends the iteration quietly when its signal aborts: find out why it stopped.
                if (idle.signal.aborted) throw idle.signal.reason;
                signal?.throwIfAborted();
                if (!finish)
                  throw new StreamError("OpenAI stream ended before the answer finished", "stream_interrupted");
                const u = usage ?? {
                  promptTokens: estimateTokens(messages.map((m) => m.content).join("")),
                  completionTokens: estimateTokens(text),
                };
                return { text, model, usage: { ...u, estimated: !usage } };
              } finally {
                clearTimeout(timer);
                // A stream that started is billed even if it broke off: count it (estimated when the usage chunk never came).
                if (usage) recordUsage(usage.promptTokens, usage.completionTokens);
                else if (started)
                  recordUsage(estimateTokens(messages.map((m) => m.content).join("")), estimateTokens(text));
              }
            },
            { ...retryOptions("chat", signal), shouldRetry: () => !delivered },
          ),
        "chat",
      );
    },
    complete(messages, { signal, maxTokens = 400 } = {}) {
      return breaker.run(
        () =>
          withRetry(
            async () => {
              const res = await client.chat.completions.create(
                { model, messages, max_completion_tokens: maxTokens },
                signal ? { signal } : {},
              );
              const text = res.choices[0]?.message?.content ?? "";
              const promptTokens = res.usage?.prompt_tokens ?? estimateTokens(messages.map((m) => m.content).join(""));
              const completionTokens = res.usage?.completion_tokens ?? estimateTokens(text);
              recordUsage(promptTokens, completionTokens);
              if (!text.trim())
                throw new OpenAIRequestError("OpenAI returned an empty completion", { kind: "invalid_response" });
              return { text, model, usage: { promptTokens, completionTokens, estimated: !res.usage } };
            },
            retryOptions("summary", signal),
          ),
        "summary",
      );
    },
  };
}
