import { z } from "zod";

/**
 * What the chat procedures answer. chat.start, chat.sendAndWait and chat.history validate their results against
 * these (`.output()`); the client's types are inferred from them (plain object types, issue 24).
 */

/** A catalogue category an answer refers to, for the client to render as a link or card. */
export const citation = z.object({
  code: z.string(),
  name: z.string(),
  program: z.string().describe('program code, e.g. "ABA"'),
  programName: z.string(),
});

/**
 * complete: a finished message (an assistant turn may be a fallback answer, see `fallback`).
 * failed: the model broke off; `text` is what it had sent. aborted: the client went away mid-answer.
 * Failed and aborted turns are kept for the record but never sent back to the model.
 */
export const turnStatus = z.enum(["complete", "failed", "aborted"]);

export const chatTurn = z.object({
  id: z.string(),
  role: z.enum(["user", "assistant"]),
  text: z.string(),
  at: z.string().describe("ISO time"),
  status: turnStatus,
  messageId: z.string().optional().describe("user turns: the client's idempotency key, when it sent one"),
  replyTo: z.string().optional().describe("assistant turns: the user turn answered"),
  fallback: z
    .boolean()
    .optional()
    .describe("assistant turns built without the model (it is unavailable or not configured)"),
  citations: z.array(citation).optional(),
  error: z
    .string()
    .optional()
    .describe('why the model was not used or failed (an OpenAIErrorKind, "not_configured", "retrieval_failed")'),
});

export const chatSession = z.object({
  id: z.string(),
  createdAt: z.string(),
  summary: z
    .string()
    .nullable()
    .describe("summary of the turns folded away to keep the history short; null until the first fold"),
  summarisedTurns: z.number().int().describe("how many turns the summary replaced"),
  turns: z.array(chatTurn).describe("the kept turns, oldest first"),
});

/** The result of one message: the final text is authoritative (it replaces whatever was streamed). */
export const chatAnswer = z.object({
  sessionId: z.string(),
  turnId: z.string(),
  replyTo: z.string(),
  text: z.string(),
  citations: z.array(citation),
  fallback: z
    .boolean()
    .describe("true: the assistant (model) was unavailable and this answer was built from the catalogue search alone"),
  interrupted: z
    .boolean()
    .describe(
      "true: the model's answer broke off part-way; the streamed text was discarded (kept in history as failed)",
    ),
  model: z.string().nullable().describe("the chat model that wrote the answer; null for a fallback answer"),
});

/** What chat.send streams: text as the model writes it, then the answer. */
export const chatEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("delta"), text: z.string() }),
  z.object({ type: z.literal("done"), answer: chatAnswer }),
]);

export const chatStart = z.object({ sessionId: z.string(), createdAt: z.string() });

export type Citation = z.output<typeof citation>;
export type TurnStatus = z.output<typeof turnStatus>;
export type ChatTurn = z.output<typeof chatTurn>;
export type ChatSession = z.output<typeof chatSession>;
export type ChatAnswer = z.output<typeof chatAnswer>;
export type ChatEvent = z.output<typeof chatEvent>;
