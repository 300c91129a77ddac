import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { TRPCError } from "@trpc/server";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Context } from "./context.js";
import { recommendInput } from "./recommend/input.js";
import { createCallerFactory, publicProcedure, router } from "./trpc.js";

describe("base procedure", () => {
  it("answers a Redis or database outage under a call as SERVICE_UNAVAILABLE (503), anything else unknown as an internal error", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:5432"), { code: "ECONNREFUSED" });
    const r = router({
      timedOut: publicProcedure.query(() => Promise.reject(new Error("Command timed out"))),
      closed: publicProcedure.query(() => Promise.reject(new Error("Connection is closed."))),
      // pg's query_timeout (PG_QUERY_TIMEOUT_MS): the database took the query and never answered (seen with HAProxy frozen).
      noReply: publicProcedure.query(() => Promise.reject(new Error("Query read timeout"))),
      noDatabase: publicProcedure.query(() => Promise.reject(refused)),
      broken: publicProcedure.query(() => Promise.reject(new Error("something else"))),
    });
    const caller = createCallerFactory(r)({ requestId: "t" } as Context);
    await expect(caller.timedOut()).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await expect(caller.closed()).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await expect(caller.noReply()).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      message: "the database is not answering; retry shortly",
    });
    await expect(caller.noDatabase()).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await expect(caller.broken()).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
  });
});

describe("error formatter", () => {
  const r = router({
    recommend: publicProcedure.input(recommendInput).query(() => "ok"),
    refused: publicProcedure.query(() =>
      Promise.reject(new TRPCError({ code: "BAD_REQUEST", message: "unknown program codes: NOPE" })),
    ),
    // A result that fails its own output schema is our bug: a 500 that names nothing.
    broken: publicProcedure.output(z.object({ n: z.number() })).query(() => ({ n: "one" }) as unknown as { n: number }),
  });
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createHTTPServer({ router: r, createContext: () => ({ requestId: "t" }) as Context });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const call = async (path: string, input?: unknown) => {
    const res = await fetch(
      `${url}/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
    );
    return {
      status: res.status,
      error: ((await res.json()) as { error: { message: string; data: { code: string; fieldErrors?: unknown } } })
        .error,
    };
  };

  it("gives each invalid input field with its path, and a message that names them", async () => {
    const { status, error } = await call("recommend", {
      description: "too short",
      profile: { country: "USA" },
      topK: 0,
    });
    expect(status).toBe(400);
    expect(error.data.fieldErrors).toEqual([
      { path: ["description"], message: "describe the nominee in at least 20 characters" },
      { path: ["profile", "country"], message: "an ISO 3166-1 alpha-2 country code such as US or DE" },
      { path: ["topK"], message: "Too small: expected number to be >=1" },
    ]);
    expect(error.message).toBe(
      "description: describe the nominee in at least 20 characters; profile.country: an ISO 3166-1 alpha-2 country code such as US or DE; topK: Too small: expected number to be >=1",
    );
    const extra = await call("recommend", { description: "x".repeat(30), extra: 1 });
    expect(extra.error.data.fieldErrors).toEqual([{ path: [], message: 'Unrecognized key: "extra"' }]);
    expect(extra.error.message).toBe('Unrecognized key: "extra"');
  });

  it("keeps other errors as they were: a refusal's own message, and an internal error that says nothing", async () => {
    const refused = await call("refused");
    expect(refused.error).toMatchObject({ message: "unknown program codes: NOPE", data: { code: "BAD_REQUEST" } });
    expect(refused.error.data.fieldErrors).toBeUndefined();
    const broken = await call("broken");
    expect(broken.status).toBe(500);
    expect(broken.error.message).toBe("internal error");
    expect(broken.error.data.fieldErrors).toBeUndefined();
  });
});
