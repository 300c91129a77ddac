import type { ChatMessage } from "../openai/chat.js";
import type { Recommendation } from "../recommend/engine.js";
import type { ChatTurn, Citation } from "./types.js";

/** Pure functions: what the model is sent, what the fallback answers, which categories an answer cites. */

export const FALLBACK_NOTICE =
  "The AI assistant is unavailable right now, so this answer was put together automatically from the catalogue categories that best match your message.";

const SYSTEM = `You are the Stevie Awards category assistant. You help people choose which Stevie Awards categories to enter.
Rules:
- Recommend only categories from the "Catalogue categories" list below; never invent a category or a code.
- Cite every category you mention by its code in square brackets, e.g. [ABA-MGMT-012].
- If none of the listed categories fits, say so and ask what else the nominee has achieved.
- Be concise: a short paragraph or a few bullet points. Mention eligibility limits (nominee type, organization size, region) when they matter.`;

export function citationOf(r: Recommendation): Citation {
  return { code: r.category.code, name: r.category.name, program: r.program.code, programName: r.program.name };
}

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1).trimEnd()}…`);

/** The retrieved categories as the model sees them. */
export function catalogueBlock(categories: Recommendation[]): string {
  if (categories.length === 0) return "Catalogue categories: none matched this message.";
  const lines = categories.map(
    (r) =>
      `[${r.category.code}] ${r.category.name} (${r.program.name}; group: ${r.category.group}). ${clip(r.category.description, 400)} Eligibility: ${r.eligibility.notes.join("; ")}.`,
  );
  return `Catalogue categories relevant to the latest message, best match first:\n${lines.join("\n")}`;
}

/** System prompt (rules, summary of older turns, retrieved categories), the kept turns, then the new message. */
export function buildMessages(o: {
  summary: string | null;
  history: ChatTurn[];
  categories: Recommendation[];
  message: string;
}): ChatMessage[] {
  const system = [
    SYSTEM,
    o.summary ? `Summary of the earlier conversation:\n${o.summary}` : "",
    catalogueBlock(o.categories),
  ]
    .filter(Boolean)
    .join("\n\n");
  return [
    { role: "system", content: system },
    ...o.history.filter((t) => t.status === "complete").map((t): ChatMessage => ({ role: t.role, content: t.text })),
    { role: "user", content: o.message },
  ];
}

/** Retrieved categories the answer cites (by code, in order of first mention). Codes that were not retrieved are ignored. */
export function extractCitations(text: string, categories: Recommendation[]): Citation[] {
  const byCode = new Map(categories.map((r) => [r.category.code.toUpperCase(), r]));
  const seen = new Set<string>();
  const out: Citation[] = [];
  for (const m of text.matchAll(/[A-Z0-9]+(?:-[A-Z0-9]+)+/gi)) {
    const code = m[0].toUpperCase();
    const r = byCode.get(code);
    if (r && !seen.has(code)) {
      seen.add(code);
      out.push(citationOf(r));
    }
  }
  return out;
}

/** The deterministic answer: the notice, then the retrieved categories with one line each. */
export function fallbackAnswer(categories: Recommendation[], retrievalFailed = false): string {
  if (retrievalFailed) return `${FALLBACK_NOTICE} The catalogue search failed as well; please try again in a minute.`;
  if (categories.length === 0) {
    return `${FALLBACK_NOTICE} No category matched your message; try describing the nominee and its achievements in more detail.`;
  }
  const items = categories.map(
    (r, i) =>
      `${i + 1}. [${r.category.code}] ${r.category.name} (${r.program.name}): ${clip(r.category.description, 200)}`,
  );
  return `${FALLBACK_NOTICE}\n\n${items.join("\n")}`;
}

/** What to search the catalogue for: the new message, after the user's two previous messages for context. */
export function retrievalText(history: ChatTurn[], message: string): string {
  const previous = history
    .filter((t) => t.role === "user")
    .slice(-2)
    .map((t) => t.text);
  return [...previous, message].join("\n").slice(-8_000);
}

export const SUMMARY_MAX_CHARS = 1_500;

/** Messages asking the model to fold `turns` (and the previous summary) into one short summary. */
export function summaryMessages(previous: string | null, turns: ChatTurn[]): ChatMessage[] {
  const transcript = turns
    .filter((t) => t.status === "complete")
    .map((t) => `${t.role === "user" ? "User" : "Assistant"}: ${clip(t.text, 1_500)}`)
    .join("\n");
  return [
    {
      role: "system",
      content:
        "Summarise this conversation between a user and the Stevie Awards category assistant in at most 150 words, for the assistant to continue it. Keep the nominee's facts (organization, size, country, achievements), the user's preferences and every category code discussed.",
    },
    { role: "user", content: `${previous ? `Earlier summary:\n${previous}\n\n` : ""}Conversation:\n${transcript}` },
  ];
}

/** The summary when the model is not available: the user's earlier messages, clipped, newest kept when too long. */
export function truncationNote(previous: string | null, turns: ChatTurn[]): string {
  const said = turns.filter((t) => t.role === "user").map((t) => `“${clip(t.text.replace(/\s+/g, " "), 160)}”`);
  const note = `[${turns.length} older messages were shortened without the model.] Earlier, the user wrote: ${said.join("; ") || "(nothing)"}.`;
  const all = previous ? `${previous}\n${note}` : note;
  return all.length <= SUMMARY_MAX_CHARS ? all : `…${all.slice(-(SUMMARY_MAX_CHARS - 1))}`;
}
