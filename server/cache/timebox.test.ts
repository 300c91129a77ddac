import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TimeoutError, timebox } from "./timebox.js";

/** A connected pair of sockets in this process: what one writes waits in the other's buffer until the loop reads it. */
const server = createServer();
let port = 0;
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function socketPair(): Promise<{ client: Socket; peer: Socket }> {
  const peer = new Promise<Socket>((r) => server.once("connection", r));
  const client = connect(port, "127.0.0.1");
  await new Promise((r) => client.once("connect", r));
  return { client, peer: await peer };
}

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe("timebox", () => {
  it("fails a call that does not answer in time", async () => {
    await expect(timebox(new Promise(() => undefined), 20, "never")).rejects.toThrow(TimeoutError);
    await expect(timebox(new Promise(() => undefined), 20, "never")).rejects.toThrow("never took longer than 20 ms");
  });

  it("passes an answer through", async () => {
    await expect(timebox(Promise.resolve(42), 20)).resolves.toBe(42);
  });

  it("lets an answer that arrived while the event loop was busy win over the expired deadline", async () => {
    const { client, peer } = await socketPair();
    const reply = new Promise<string>((r) => client.once("data", (d) => r(String(d))));
    const boxed = timebox(reply, 20, "echo");
    peer.write("ping"); // written to the kernel now; read by this process only when the loop next polls
    busy(80); // the reply waits in the socket buffer while the 20 ms timer expires
    await expect(boxed).resolves.toBe("ping");
    client.destroy();
    peer.destroy();
  });
});
