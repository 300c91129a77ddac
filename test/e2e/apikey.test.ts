import { describe, expect, inject, it } from "vitest";
import { hashApiKey } from "../../server/apikeys.js";
import { runCli } from "../setup/cli.js";
import { stackFetch } from "../setup/client.js";
import { waitUntil } from "../setup/wait.js";

const stack = inject("stack");
const dir = ["--dir", stack.dir];

/** One call through nginx as a caller with this key (or none): the status and the error code, if any. */
async function call(key?: string): Promise<{ status: number; code?: string; message?: string }> {
  const res = await stackFetch(stack)(`${stack.baseUrl}/api/trpc/programs.list`, {
    headers: key ? { "x-api-key": key } : {},
  });
  const body = (await res.json()) as { error?: { message: string; data: { code: string } } };
  return { status: res.status, code: body.error?.data.code, message: body.error?.message };
}

describe("API keys (stevie-stack apikey) against the installed stack", () => {
  const name = `webapp-${process.pid}`;
  let key = "";

  it("issues a key shown once, lists it by name and prefix only, refuses a second live key of that name, and audits both", async () => {
    const created = await runCli(["apikey", "create", "--name", name, "--rate-limit-per-hour", "3", "--json", ...dir]);
    expect(created.code, created.stderr).toBe(0);
    const k = JSON.parse(created.stdout) as { key: string; name: string; prefix: string; rateLimitPerHour: number };
    expect(k).toMatchObject({ name, rateLimitPerHour: 3 });
    expect(k.key).toMatch(/^stv_[A-Za-z0-9_-]{43}$/);
    expect(k.key.startsWith(k.prefix)).toBe(true);
    key = k.key;

    const list = await runCli(["apikey", "list", "--json", ...dir]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toContain(key);
    expect(JSON.parse(list.stdout)).toContainEqual(
      expect.objectContaining({ name, prefix: k.prefix, rateLimitPerHour: 3, revokedAt: null }),
    );

    const dup = await runCli(["apikey", "create", "--name", name, ...dir]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(new RegExp(`an API key named ${name} exists already`));
    expect(dup.stderr).toMatch(/Fix: .*apikey revoke/);
    const bad = await runCli(["apikey", "create", "--name", "Bad Name!", ...dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a usable key name/);

    const audit = await runCli(["audit", "--action", "apikey.create", "--json", ...dir]);
    const entry = (JSON.parse(audit.stdout) as { target: string; actor: string; details: unknown }[]).find(
      (e) => e.target === name,
    );
    expect(entry).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
      details: { prefix: k.prefix, rateLimitPerHour: 3 },
    });
    expect(audit.stdout).not.toContain(key);
    expect(audit.stdout).not.toContain(hashApiKey(key));
  });

  it(
    "counts a caller by its key's own limit through nginx, refuses an invented key, and refuses the key once revoked",
    { timeout: 120_000 },
    async () => {
      expect(key).not.toBe("");
      for (let i = 0; i < 3; i++) expect((await call(key)).status).toBe(200);
      const over = await call(key);
      expect(over.status).toBe(429);
      expect(over.message).toMatch(/rate limit of 3 requests per hour/);
      // The key's bucket is its own: the same address without a key is not refused, an invented key is.
      expect((await call()).status).toBe(200);
      expect(await call(`stv_${"A".repeat(43)}`)).toMatchObject({ status: 401, code: "UNAUTHORIZED" });

      const revoked = await runCli(["apikey", "revoke", name, ...dir]);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toMatch(new RegExp(`Revoked API key ${name}`));
      // Each replica keeps an answer for 10 s.
      await waitUntil("the revoked key to be refused", 30_000, async () => (await call(key)).status === 401);
      const audit = await runCli(["audit", "--action", "apikey.revoke", "--json", ...dir]);
      expect(JSON.parse(audit.stdout)).toContainEqual(
        expect.objectContaining({ target: name, details: { prefix: key.slice(0, 12) } }),
      );
      expect(audit.stdout).not.toContain(key);
      const again = await runCli(["apikey", "revoke", name, ...dir]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/no live API key is named/);
      const unknown = await runCli(["apikey", "revoke", `never-issued-${process.pid}`, ...dir]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(new RegExp(`no live API key is named never-issued-${process.pid}`));
      expect(unknown.stderr).toMatch(/Fix: .*apikey list/);
      const list = JSON.parse((await runCli(["apikey", "list", "--json", ...dir])).stdout) as {
        name: string;
        revokedAt: string | null;
      }[];
      expect(list.find((k) => k.name === name)?.revokedAt).not.toBeNull();
    },
  );
});
