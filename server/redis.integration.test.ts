import { afterAll, describe, expect, inject, it } from "vitest";
import { createRedis, keepConnected } from "./redis.js";
import { waitUntil } from "../test/setup/wait.js";

/** The API's shared client must never stay ended (see keepConnected), and must stay ended when told to quit. */
const s = inject("services");
const redis = createRedis({ host: s.redis.host, port: s.redis.port, password: s.redis.password });
redis.on("error", () => undefined);

afterAll(() => redis.disconnect());

describe("keepConnected (real Redis)", () => {
  it("connects a client that ended again, and leaves it ended once stopped", async () => {
    let restarts = 0;
    const stop = keepConnected(redis, () => restarts++, 50);
    await redis.connect();
    expect(await redis.ping()).toBe("PONG");

    // ioredis's own give-up ends the client exactly as this does: status "end", and no further dialling by itself.
    const ended = new Promise((r) => redis.once("end", r));
    redis.disconnect();
    await ended;
    await waitUntil("the client to be ready again", 10_000, async () => redis.status === "ready");
    expect(await redis.ping()).toBe("PONG");
    expect(restarts).toBe(1);

    stop();
    redis.disconnect();
    await new Promise((r) => setTimeout(r, 500));
    expect(redis.status).toBe("end");
    expect(restarts).toBe(1);
  });
});
