import { describe, expect, it } from "vitest";
import { SessionError, encodeSession, isSessionId, newSessionId } from "./sessions.js";

describe("session ids", () => {
  it("are 128 random bits in base64url", () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) {
      expect(isSessionId(id)).toBe(true);
      expect(Buffer.from(id, "base64url")).toHaveLength(16);
    }
    for (const bad of ["", "short", "x".repeat(23), "a+b/cdefghijklmnopqrstu", 42, null])
      expect(isSessionId(bad)).toBe(false);
  });
});

describe("session values", () => {
  it("accept a JSON object up to the size cap and refuse bigger ones with the sizes", () => {
    const at = "2026-01-01T00:00:00.000Z";
    expect(JSON.parse(encodeSession({ step: 2 }, at, at, 5120))).toEqual({ c: at, u: at, d: { step: 2 } });
    const big = { text: "x".repeat(5200) };
    const err = (() => {
      try {
        encodeSession(big, at, at, 5120);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SessionError);
    expect((err as SessionError).code).toBe("PAYLOAD_TOO_LARGE");
    expect((err as SessionError).message).toMatch(/^session data is 5,2\d\d bytes; the limit is 5,120$/);
  });

  it("refuse data that is not a plain JSON object", () => {
    for (const bad of [null, [1], "x", 3])
      expect(() => encodeSession(bad, "a", "a", 5120)).toThrow(/must be a JSON object/);
    expect(() => encodeSession({ n: 1n }, "a", "a", 5120)).toThrow(/plain JSON/);
  });
});
