import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.js";

describe("API environment", () => {
  it("reads secrets from *_FILE variables", () => {
    const dir = mkdtempSync(join(tmpdir(), "env-"));
    writeFileSync(join(dir, "pw"), "s3cret-value\n");
    const env = parseEnv({ PGPASSWORD_FILE: join(dir, "pw"), PORT: "4000" });
    expect(env.PGPASSWORD).toBe("s3cret-value");
    expect(env.PORT).toBe(4000);
  });

  it("names the variable, not the value, when a secret file is missing", () => {
    expect(() => parseEnv({ REDIS_PASSWORD_FILE: "/nonexistent/x" })).toThrow(
      /REDIS_PASSWORD_FILE points to \/nonexistent\/x, which cannot be read \(ENOENT\)/,
    );
  });

  it("rejects a malformed port with the variable's name", () => {
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(/PORT/);
  });
});
