import type { OpenAIChat } from "../openai/chat.js";
import type { RecommendResult } from "../recommend/engine.js";
import type { RecommendInput } from "../recommend/input.js";
import type { ChatMetrics } from "./metrics.js";
import type { ChatStore } from "./store.js";

export type { ChatAnswer, ChatEvent, ChatSession, ChatTurn, Citation, TurnStatus } from "./schema.js";

export interface ChatConfig {
  /** Turns (messages) kept verbatim when the history is folded (default 20). */
  keepTurns: number;
  /**
   * When the stored history exceeds this many turns, the oldest are folded into the summary until keepTurns remain
   * (default 30). The model gets the summary plus every turn not folded: between keepTurns and compactAfter turns.
   */
  compactAfter: number;
  /** A whole turn (retrieval, summary, model) ends within this (default 110 s: under nginx's 120 s chat timeout). */
  turnTimeoutMs: number;
  /** Categories retrieved per message (default 6). */
  retrievalTopK: number;
  /** Longest a summary may take before the deterministic note is used instead (default 15 s). */
  summaryTimeoutMs: number;
  /** Cap on the model's answer (default 700 tokens). */
  maxAnswerTokens: number;
}

export interface ChatLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the chat procedures need; main.ts builds it and the tRPC context carries it as `ctx.chat`. */
export interface ChatDeps {
  store: ChatStore;
  /** Absent (no OPENAI_API_KEY): every answer is the deterministic fallback. */
  openai?: OpenAIChat;
  /** Catalogue retrieval: recommend() over the pool and embedder. */
  recommend: (input: RecommendInput) => Promise<RecommendResult>;
  log: ChatLogger;
  metrics?: ChatMetrics;
  now?: () => Date;
  config?: Partial<ChatConfig>;
}
