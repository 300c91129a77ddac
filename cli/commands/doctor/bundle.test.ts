import { describe, expect, it } from "vitest";
import { redact } from "./bundle.js";

describe("redact", () => {
  it("replaces every secret value, longest first, and counts them", () => {
    const secrets = { redis_password: "s3cr3t-redis", session_key: "s3cr3t-redis-and-more", short: "abc" };
    const r = redact("auth s3cr3t-redis-and-more then s3cr3t-redis twice s3cr3t-redis; abc stays", secrets);
    expect(r.text).toBe(
      "auth [REDACTED:session_key] then [REDACTED:redis_password] twice [REDACTED:redis_password]; abc stays",
    );
    expect(r.count).toBe(3);
  });

  it("removes credentials from URLs, whatever the scheme", () => {
    const r = redact(
      'url: "redis://default:hunter22@redis-1:6379/0" and https://user:pw@hooks.example/x and https://plain.example/x',
      {},
    );
    expect(r.text).toBe(
      'url: "redis://[REDACTED]@redis-1:6379/0" and https://[REDACTED]@hooks.example/x and https://plain.example/x',
    );
    expect(r.count).toBe(2);
  });
});
