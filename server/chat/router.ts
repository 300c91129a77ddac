import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Context } from "../context.js";
import { creatingProcedure, publicProcedure, router } from "../trpc.js";
import { clientText } from "../validation.js";
import { chatAnswer, type ChatEvent, chatSession, chatStart } from "./schema.js";
import { getHistory, sendMessage, startSession } from "./service.js";
import type { ChatDeps } from "./types.js";

/**
 * The chat assistant. chat.send streams over SSE (httpSubscriptionLink); chat.sendAndWait is the same turn as one
 * response (≤ 110 s) for clients without EventSource. Both take an optional messageId: a resent message (an
 * EventSource reconnect re-runs the subscription) replays the stored answer instead of answering twice.
 */

/** The input travels in the URL for a subscription: 2,000 characters stays inside nginx's header buffers. */
export const MAX_MESSAGE_CHARS = 2_000;

const sessionId = z.uuid("a session id from chat.start");
const sendInput = z
  .object({
    sessionId,
    message: clientText()
      .trim()
      .min(1, "the message is empty")
      .max(MAX_MESSAGE_CHARS, `a message may be at most ${MAX_MESSAGE_CHARS} characters`),
    messageId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "1-64 letters, digits, - or _")
      .optional(),
  })
  .strict();

// The one cast: until Context declares `chat`, read it here and hand it on typed.
type ChatContext = Context & { chat?: ChatDeps };
function withChat<T extends typeof publicProcedure>(base: T) {
  return base.use(({ ctx, next }) => {
    const chat = (ctx as ChatContext).chat;
    if (!chat)
      throw new TRPCError({
        code: "INTERNAL_SERVER_ERROR",
        message: "ctx.chat is not set: the chat dependencies are missing from the context",
      });
    return next({ ctx: { chat } });
  });
}
const chatProcedure = withChat(publicProcedure);

/** Events pushed by a callback, read as an async iterable. */
function channel<T>() {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let failure: { err: unknown } | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(v: T) {
      queue.push(v);
      notify();
    },
    end(err?: unknown) {
      ended = true;
      if (err !== undefined) failure = { err };
      notify();
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<T> {
      for (;;) {
        if (queue.length) yield queue.shift() as T;
        else if (failure) throw failure.err;
        else if (ended) return;
        else await new Promise<void>((r) => (wake = r));
      }
    },
  };
}

export const chatRouter = router({
  start: withChat(creatingProcedure)
    .output(chatStart)
    .mutation(({ ctx }) => startSession(ctx.chat)),

  // No .output(): tRPC would check the stream object, not each event. The events are typed by the chatEvent schema.
  send: chatProcedure.input(sendInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }): AsyncGenerator<ChatEvent> {
    const events = channel<ChatEvent>();
    const turn = sendMessage(ctx.chat, input, { signal, onEvent: (e) => events.push(e) }).then(
      () => events.end(),
      (err: unknown) => events.end(err),
    );
    try {
      yield* events;
    } finally {
      await turn; // on disconnect the signal has aborted it: this waits only for the partial answer to be stored
    }
  }),

  sendAndWait: chatProcedure
    .input(sendInput)
    .output(chatAnswer)
    .mutation(({ ctx, input, signal }) => sendMessage(ctx.chat, input, { signal })),

  history: chatProcedure
    .input(z.object({ sessionId }).strict())
    .output(chatSession)
    .query(({ ctx, input }) => getHistory(ctx.chat, input.sessionId)),
});

export type ChatRouter = typeof chatRouter;
