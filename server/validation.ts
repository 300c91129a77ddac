import { z } from "zod";

/**
 * Text a client sends (descriptions, queries, chat messages): no control characters but tab, line feed and carriage
 * return, and no lone UTF-16 surrogates. PostgreSQL refuses NUL outright (a 500 and, in chat, a poisoned history);
 * the others have no meaning in prose and only hide text from whoever reads it.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function clientText() {
  return z
    .string()
    .refine((s) => !CONTROL.test(s), "control characters (such as NUL) are not allowed")
    .refine((s) => s.isWellFormed(), "the text is not well-formed Unicode (a lone surrogate)");
}

/** PostgreSQL's int4: ids and cursors beyond it cannot name a row, and the database would answer with an error. */
export const INT4_MAX = 2_147_483_647;
