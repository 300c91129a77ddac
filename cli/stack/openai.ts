import { rm } from "node:fs/promises";
import { join } from "node:path";
import { OPENAI_KEY_ENV } from "../config/schema.js";
import { UserError } from "../errors.js";
import { rewriteSecretFile } from "./credentials.js";
import { readIfExists, sha256 } from "./files.js";
import type { StackPaths } from "./paths.js";
import { registerSecret } from "../secret.js";

/**
 * The OpenAI API key: a secret file like every other (0600 in secrets/), never in stevie.yaml. It is optional: without
 * it the API runs on the offline model. Where it comes from: the STEVIE_OPENAI_API_KEY environment variable at install,
 * the wizard, or `config set openai.apiKey -` / `rotate-secrets openai` reading stdin.
 */
export const OPENAI_SECRET = "openai_api_key";

/** A key as OpenAI and compatible services issue them: printable, no spaces. Empty means "no key". */
export function checkOpenAIKey(value: string): string {
  const key = value.trim();
  if (key && !/^[\x21-\x7e]{8,512}$/.test(key))
    throw new UserError(
      "that is not an API key: it must be 8 to 512 printable characters without spaces",
      'paste the key alone, e.g. `printf %s "$KEY" | stevie-stack config set openai.apiKey -`',
    );
  return key;
}

/** The key in secrets/, or undefined without one. */
export async function readOpenAIKey(paths: StackPaths): Promise<string | undefined> {
  const key = (await readIfExists(join(paths.secrets, OPENAI_SECRET)))?.trim();
  if (key) registerSecret(key);
  return key || undefined;
}

/** Put a key in place (empty: remove it). Returns the previous one, so a failed apply can put it back. */
export async function writeOpenAIKey(paths: StackPaths, key: string): Promise<string | undefined> {
  const previous = await readOpenAIKey(paths);
  if (key) await rewriteSecretFile(paths.secrets, OPENAI_SECRET, key);
  else await rm(join(paths.secrets, OPENAI_SECRET), { force: true });
  return previous;
}

/**
 * At install: take a key from the environment when one is given, then report the one in effect as a short hash (what
 * the API and migration containers are labelled with, so a new key replaces them; the value stays in secrets/).
 * `write: false` (a dry run): the same answer, nothing written.
 */
export async function ensureOpenAIKey(
  paths: StackPaths,
  env: NodeJS.ProcessEnv = process.env,
  { write } = { write: true },
): Promise<{ changed: boolean; hash?: string }> {
  const given = env[OPENAI_KEY_ENV] === undefined ? undefined : checkOpenAIKey(env[OPENAI_KEY_ENV]);
  if (given) registerSecret(given);
  const current = await readOpenAIKey(paths);
  const changed = Boolean(given) && given !== current;
  if (changed && write) await writeOpenAIKey(paths, given!);
  const key = given || current;
  return { changed, ...(key ? { hash: sha256(key).slice(0, 16) } : {}) };
}
