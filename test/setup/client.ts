import { readFileSync } from "node:fs";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { Agent, fetch as undiciFetch } from "undici";
import type { AppRouter } from "../../server/api.js";
import type { TestStack } from "./stack.js";

/** An HTTPS client that trusts the stack's own CA, like a web app configured with it would. */
export function stackFetch(stack: TestStack) {
  const dispatcher = new Agent({ connect: { ca: readFileSync(stack.caFile) } });
  return (url: string, init: Parameters<typeof undiciFetch>[1] = {}) => undiciFetch(url, { ...init, dispatcher });
}

export function trpcClient(stack: TestStack) {
  const f = stackFetch(stack);
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${stack.baseUrl}/api/trpc`, fetch: f as unknown as typeof fetch, methodOverride: "POST" })],
  });
}
