import { describe, expect, it } from "vitest";
import type { Context } from "./context.js";
import { createCallerFactory, publicProcedure, router } from "./trpc.js";

describe("base procedure", () => {
  it("answers a Redis outage under a call as SERVICE_UNAVAILABLE (503), anything else unknown as an internal error", async () => {
    const r = router({
      timedOut: publicProcedure.query(() => Promise.reject(new Error("Command timed out"))),
      closed: publicProcedure.query(() => Promise.reject(new Error("Connection is closed."))),
      broken: publicProcedure.query(() => Promise.reject(new Error("something else"))),
    });
    const caller = createCallerFactory(r)({ requestId: "t" } as Context);
    await expect(caller.timedOut()).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await expect(caller.closed()).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await expect(caller.broken()).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
  });
});
