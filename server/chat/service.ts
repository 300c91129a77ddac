import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { TRPCError } from "@trpc/server";
import { classifyError } from "../openai/retry.js";
import type { Recommendation } from "../recommend/engine.js";
import {
  buildMessages,
  citationOf,
  extractCitations,
  fallbackAnswer,
  retrievalText,
  summaryMessages,
  truncationNote,
} from "./prompt.js";
import { SessionGoneError } from "./store.js";
import type { ChatAnswer, ChatConfig, ChatDeps, ChatEvent, ChatSession, ChatTurn } from "./types.js";

export const DEFAULT_CHAT_CONFIG: ChatConfig = {
  keepTurns: 20,
  compactAfter: 30,
  turnTimeoutMs: 110_000,
  retrievalTopK: 6,
  summaryTimeoutMs: 15_000,
  maxAnswerTokens: 700,
};

/** The lock outlives the turn deadline a little, so it is never lost mid-turn, and frees itself after a crash. */
const LOCK_MARGIN_MS = 20_000;
const RESEND_WAIT_MS = 5_000;

const config = (deps: ChatDeps): ChatConfig => ({ ...DEFAULT_CHAT_CONFIG, ...deps.config });
const nowIso = (deps: ChatDeps) => (deps.now?.() ?? new Date()).toISOString();

export async function startSession(deps: ChatDeps): Promise<{ sessionId: string; createdAt: string }> {
  const sessionId = randomUUID();
  const createdAt = nowIso(deps);
  await deps.store.create({ id: sessionId, createdAt });
  return { sessionId, createdAt };
}

export async function getHistory(deps: ChatDeps, sessionId: string): Promise<ChatSession> {
  const s = await deps.store.get(sessionId);
  if (!s) throw notFound(sessionId);
  return s;
}

const notFound = (id: string) =>
  new TRPCError({
    code: "NOT_FOUND",
    message: `chat session ${id} does not exist or has expired (sessions last 24 hours); start a new one with chat.start`,
  });

function answerOf(sessionId: string, t: ChatTurn, interrupted: boolean, model: string | null): ChatAnswer {
  return {
    sessionId,
    turnId: t.id,
    replyTo: t.replyTo ?? "",
    text: t.text,
    citations: t.citations ?? [],
    fallback: t.fallback ?? false,
    interrupted,
    model,
  };
}

export interface SendInput {
  sessionId: string;
  message: string;
  /** Client-chosen id for this message: sending it again (an EventSource reconnect, a retry) never answers twice. */
  messageId?: string;
}

/**
 * Answer one message. The user's message is stored before anything that can fail; the model's answer is streamed
 * through `onEvent` and stored when complete. If the model is unavailable, fails, or breaks off, the answer is the
 * deterministic fallback (a broken-off partial answer is stored as a failed turn first). If the client goes away
 * (`signal`), the upstream request is aborted and the partial answer is stored as aborted.
 *
 * One message at a time per session: a second send while one is being answered gets CONFLICT at once (see report).
 */
export async function sendMessage(
  deps: ChatDeps,
  input: SendInput,
  opts: { signal?: AbortSignal; onEvent?: (e: ChatEvent) => void } = {},
): Promise<ChatAnswer> {
  const cfg = config(deps);
  const { store, log } = deps;
  const { sessionId, message } = input;
  const emit = opts.onEvent ?? (() => {});
  const current = await store.get(sessionId);
  if (!current) throw notFound(sessionId);
  let lock = await store.lock(sessionId, cfg.turnTimeoutMs + LOCK_MARGIN_MS);
  // A resend of a stored message (an EventSource reconnect) may arrive while the dropped connection's turn is still
  // winding down: wait briefly for it rather than answer CONFLICT.
  const resend = input.messageId !== undefined && current.turns.some((t) => t.messageId === input.messageId);
  for (const until = Date.now() + RESEND_WAIT_MS; !lock && resend && Date.now() < until;) {
    await sleep(100, undefined, opts.signal ? { signal: opts.signal } : {});
    lock = await store.lock(sessionId, cfg.turnTimeoutMs + LOCK_MARGIN_MS);
  }
  if (!lock) {
    throw new TRPCError({
      code: "CONFLICT",
      message: "this session is still answering the previous message; send the next one when that answer is done",
    });
  }
  try {
    const session = await store.get(sessionId); // again, under the lock
    if (!session) throw notFound(sessionId);

    let userTurn = input.messageId
      ? session.turns.find((t) => t.role === "user" && t.messageId === input.messageId)
      : undefined;
    if (userTurn) {
      const replyTo = userTurn.id;
      const reply = session.turns.findLast((t) => t.replyTo === replyTo && t.status === "complete");
      if (reply) {
        const answer = answerOf(sessionId, reply, false, null);
        emit({ type: "done", answer });
        return answer;
      }
    } else {
      userTurn = {
        id: randomUUID(),
        role: "user",
        text: message,
        at: nowIso(deps),
        status: "complete",
        ...(input.messageId ? { messageId: input.messageId } : {}),
      };
      await store.append(sessionId, userTurn);
      session.turns.push(userTurn);
    }
    const replyTo = userTurn.id;

    const deadline = AbortSignal.timeout(cfg.turnTimeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
    const before = session.turns.filter((t) => t.id !== replyTo);

    const [retrieval, { summary, folded }] = await Promise.all([
      retrieve(deps, retrievalText(before, userTurn.text), cfg.retrievalTopK),
      compactIfLong(deps, session, cfg, signal),
    ]);
    // Every turn not folded into the summary goes to the model verbatim (at most compactAfter).
    const history = before.slice(folded);

    const store1 = async (t: Omit<ChatTurn, "id" | "role" | "at" | "replyTo">) => {
      const turn: ChatTurn = { id: randomUUID(), role: "assistant", at: nowIso(deps), replyTo, ...t };
      await store.append(sessionId, turn);
      return turn;
    };

    let partial = "";
    let failure = deps.openai ? undefined : "not_configured";
    if (deps.openai) {
      try {
        const done = await deps.openai.stream(
          buildMessages({ summary, history, categories: retrieval.categories, message: userTurn.text }),
          {
            signal,
            maxTokens: cfg.maxAnswerTokens,
            onDelta: (text) => {
              partial += text;
              emit({ type: "delta", text });
            },
          },
        );
        const turn = await store1({
          text: done.text,
          status: "complete",
          citations: extractCitations(done.text, retrieval.categories),
        });
        deps.metrics?.turn("answered");
        const answer = answerOf(sessionId, turn, false, done.model);
        emit({ type: "done", answer });
        return answer;
      } catch (err) {
        if (opts.signal?.aborted) {
          // The client went away: keep what was written, marked as not an answer, and stop.
          await store1({ text: partial, status: "aborted", error: "aborted" }).catch((e: Error) =>
            log.warn({ sessionId, err: e.message }, "could not record aborted chat turn"),
          );
          deps.metrics?.turn("aborted");
          throw opts.signal.reason ?? err;
        }
        failure = deadline.aborted ? "timeout" : classifyError(err).kind;
        log.warn(
          { sessionId, kind: failure, streamedChars: partial.length, err: (err as Error).message },
          "chat model failed; answering with the fallback",
        );
        if (partial) await store1({ text: partial, status: "failed", error: failure });
      }
    }

    const text = fallbackAnswer(retrieval.categories, retrieval.failed);
    const turn = await store1({
      text,
      status: "complete",
      fallback: true,
      citations: retrieval.categories.map(citationOf),
      error: retrieval.failed ? "retrieval_failed" : failure,
    });
    deps.metrics?.turn("fallback");
    const answer = answerOf(sessionId, turn, partial.length > 0, null);
    emit({ type: "done", answer });
    return answer;
  } catch (err) {
    if (err instanceof SessionGoneError) throw notFound(sessionId);
    if (!(err instanceof TRPCError) && !opts.signal?.aborted) deps.metrics?.turn("failed");
    throw err;
  } finally {
    await lock
      .release()
      .catch((e: Error) =>
        log.warn({ sessionId, err: e.message }, "could not release chat session lock (it expires by itself)"),
      );
  }
}

async function retrieve(
  deps: ChatDeps,
  text: string,
  topK: number,
): Promise<{ categories: Recommendation[]; failed: boolean }> {
  try {
    const r = await deps.recommend({ description: text, topK, mode: "hybrid" });
    return { categories: r.results, failed: false };
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, "chat retrieval failed; answering without catalogue context");
    return { categories: [], failed: true };
  }
}

/**
 * Keep the history short: past `compactAfter` turns, fold the oldest into the summary until `keepTurns` remain.
 * The model writes the summary when it can; otherwise (or if it fails or is slow) a deterministic note does.
 * Returns the summary to use for this turn and how many of the oldest turns it replaced.
 */
async function compactIfLong(
  deps: ChatDeps,
  session: ChatSession,
  cfg: ChatConfig,
  signal: AbortSignal,
): Promise<{ summary: string | null; folded: number }> {
  if (session.turns.length <= cfg.compactAfter) return { summary: session.summary, folded: 0 };
  const count = session.turns.length - cfg.keepTurns;
  const folded = session.turns.slice(0, count);
  let summary: string | undefined;
  if (deps.openai) {
    try {
      const r = await deps.openai.complete(summaryMessages(session.summary, folded), {
        signal: AbortSignal.any([signal, AbortSignal.timeout(cfg.summaryTimeoutMs)]),
        maxTokens: 300,
      });
      summary = r.text.trim();
    } catch (err) {
      deps.log.warn(
        { sessionId: session.id, err: (err as Error).message },
        "could not summarise the chat history with the model; using a truncation note",
      );
    }
  }
  summary ||= truncationNote(session.summary, folded);
  await deps.store.compact(session.id, summary, count);
  return { summary, folded: count };
}
