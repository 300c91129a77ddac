import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkOpenAIKey, ensureOpenAIKey, OPENAI_SECRET, readOpenAIKey, writeOpenAIKey } from "./openai.js";
import { stackPaths } from "./paths.js";
import { ensureSecrets } from "./secrets.js";
import { composeFiles } from "./handle.js";

/** A key-shaped value made up for this run (no key-like literal in the repository). */
const madeUpKey = () => `test-${randomBytes(12).toString("hex")}`;

const fresh = async () => {
  const paths = stackPaths(await mkdtemp(join(tmpdir(), "stevie-openai-")));
  await ensureSecrets(paths.secrets);
  return paths;
};

describe("the OpenAI key", () => {
  it("is optional: no key, no hash (the offline model answers)", async () => {
    const paths = await fresh();
    expect(await ensureOpenAIKey(paths, {})).toEqual({ changed: false });
    expect(await readOpenAIKey(paths)).toBeUndefined();
  });

  it("is taken from STEVIE_OPENAI_API_KEY at install into a 0600 file, and a new key changes the hash", async () => {
    const paths = await fresh();
    const [firstKey, secondKey] = [madeUpKey(), madeUpKey()];
    const first = await ensureOpenAIKey(paths, { STEVIE_OPENAI_API_KEY: ` ${firstKey}\n` });
    expect(first.changed).toBe(true);
    expect(first.hash).toMatch(/^[0-9a-f]{16}$/);
    const file = join(paths.secrets, OPENAI_SECRET);
    expect(await readFile(file, "utf8")).toBe(`${firstKey}\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // A re-run without the variable keeps the key; the same key again is no change.
    expect(await ensureOpenAIKey(paths, {})).toEqual({ changed: false, hash: first.hash });
    expect(await ensureOpenAIKey(paths, { STEVIE_OPENAI_API_KEY: firstKey })).toEqual({
      changed: false,
      hash: first.hash,
    });
    // An empty variable does not remove it (only `config set openai.apiKey ""` does).
    expect((await ensureOpenAIKey(paths, { STEVIE_OPENAI_API_KEY: "" })).hash).toBe(first.hash);
    const second = await ensureOpenAIKey(paths, { STEVIE_OPENAI_API_KEY: secondKey });
    expect(second.changed).toBe(true);
    expect(second.hash).not.toBe(first.hash);
    expect(second.hash).not.toContain(secondKey.slice(0, 8));
  });

  it("is removed by an empty value, and the previous one is returned for putting back", async () => {
    const paths = await fresh();
    const key = madeUpKey();
    expect(await writeOpenAIKey(paths, key)).toBeUndefined();
    expect(await writeOpenAIKey(paths, "")).toBe(key);
    expect(await readOpenAIKey(paths)).toBeUndefined();
    expect((await ensureOpenAIKey(paths, {})).hash).toBeUndefined();
  });

  it("refuses what cannot be a key, without repeating it", () => {
    const key = madeUpKey();
    expect(checkOpenAIKey(`  ${key}  `)).toBe(key);
    expect(checkOpenAIKey("")).toBe("");
    for (const bad of [
      "with spaces in it",
      "short",
      "k-\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9",
      "a".repeat(600),
    ]) {
      let message = "";
      try {
        checkOpenAIKey(bad);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, bad).toMatch(/not an API key/);
      expect(message).not.toContain(bad.trim());
    }
  });
});

describe("compose.override.yaml", () => {
  it("is read after compose.yaml by every command once the operator creates it", async () => {
    const paths = stackPaths(await mkdtemp(join(tmpdir(), "stevie-override-")));
    expect(composeFiles(paths)).toEqual([paths.compose]);
    await writeFile(paths.composeOverride, "services: {}\n");
    expect(composeFiles(paths)).toEqual([paths.compose, paths.composeOverride]);
  });
});
