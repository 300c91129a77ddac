import type { OpenAIChat } from "../openai/chat.js";
import type { RecommendResult } from "../recommend/engine.js";
import type { RecommendInput } from "../recommend/input.js";
import type { ChatMetrics } from "./metrics.js";
import type { ChatStore } from "./store.js";

/** A catalogue category an answer refers to, for the client to render as a link or card. */
export interface Citation {
  code: string;
  name: string;
  /** Program code, e.g. "ABA". */
  program: string;
  programName: string;
}

/**
 * complete: a finished message (an assistant turn may be a fallback answer, see `fallback`).
 * failed: the model broke off; `text` is what it had sent. aborted: the client went away mid-answer.
 * Failed and aborted turns are kept for the record but never sent back to the model.
 */
export type TurnStatus = "complete" | "failed" | "aborted";

export interface ChatTurn {
  id: string;
  role: "user" | "assistant";
  text: string;
  /** ISO time. */
  at: string;
  status: TurnStatus;
  /** User turns: the client's idempotency key, when it sent one. */
  messageId?: string;
  /** Assistant turns: the user turn answered. */
  replyTo?: string;
  /** Assistant turns built without the model (it is unavailable or not configured). */
  fallback?: boolean;
  citations?: Citation[];
  /** Why the model was not used or failed (an OpenAIErrorKind, "not_configured", "retrieval_failed"). */
  error?: string;
}

export interface ChatSession {
  id: string;
  createdAt: string;
  /** Summary of the turns that were folded away to keep the history short; null until the first fold. */
  summary: string | null;
  /** How many turns the summary replaced. */
  summarisedTurns: number;
  /** The kept turns, oldest first. */
  turns: ChatTurn[];
}

/** The result of one message: the final text is authoritative (it replaces whatever was streamed). */
export interface ChatAnswer {
  sessionId: string;
  turnId: string;
  replyTo: string;
  text: string;
  citations: Citation[];
  /** True: the assistant (model) was unavailable and this answer was built from the catalogue search alone. */
  fallback: boolean;
  /** True: the model's answer broke off part-way; the streamed text was discarded (kept in history as failed). */
  interrupted: boolean;
  /** The chat model that wrote the answer; null for a fallback answer. */
  model: string | null;
}

/** What chat.send streams: text as the model writes it, then the answer. */
export type ChatEvent = { type: "delta"; text: string } | { type: "done"; answer: ChatAnswer };

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
