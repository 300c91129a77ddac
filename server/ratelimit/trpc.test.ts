import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { RateLimitError } from "./limiter.js";
import { rateLimitResponseMeta, retryAfterOf } from "./trpc.js";

describe("Retry-After for rate-limited responses", () => {
  it("is a TOO_MANY_REQUESTS TRPCError with the wait and a message that says the limit", () => {
    const e = new RateLimitError({ retryAfterSeconds: 734, limit: 1000 }, 3600);
    expect(e).toBeInstanceOf(TRPCError);
    expect(e.code).toBe("TOO_MANY_REQUESTS");
    expect(e.name).toBe("TRPCError");
    expect(e.message).toBe("rate limit of 1000 requests per hour reached; retry in 734 s");
    expect(new RateLimitError({ retryAfterSeconds: 5, limit: 3 }, 120).message).toMatch(/per 2 minutes/);
  });

  it("sets Retry-After to the longest wait of a batch's refusals, and nothing otherwise", () => {
    const other = new TRPCError({ code: "BAD_REQUEST" });
    expect(rateLimitResponseMeta({ errors: [] })).toEqual({});
    expect(rateLimitResponseMeta({ errors: [other] })).toEqual({});
    const meta = rateLimitResponseMeta({
      errors: [
        other,
        new RateLimitError({ retryAfterSeconds: 12, limit: 5 }, 3600),
        new RateLimitError({ retryAfterSeconds: 40, limit: 5 }, 3600),
      ],
    });
    expect(meta).toEqual({ headers: { "retry-after": "40" } });
  });

  it("finds a refusal wrapped as a cause", () => {
    const inner = new RateLimitError({ retryAfterSeconds: 9, limit: 5 }, 3600);
    expect(retryAfterOf(new TRPCError({ code: "TOO_MANY_REQUESTS", cause: inner }))).toBe(9);
    expect(retryAfterOf(new Error("x"))).toBeUndefined();
    expect(retryAfterOf(undefined)).toBeUndefined();
  });
});
