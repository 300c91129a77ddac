import { readFileSync } from "node:fs";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { Agent, fetch as undiciFetch } from "undici";
import type { AppRouter } from "../../server/api.js";
import type { TestStack } from "./stack.js";

/**
 * An HTTPS client that trusts the stack's own CA, like a web app configured with it would.
 * `resend`: like a browser, send a request again once when the keep-alive connection it was put on turned out to be
 * closed by nginx before any answer (nginx closes idle connections when it reloads its configuration); `resent`
 * counts them, so a test can report how often that happened.
 */
export function stackFetch(stack: TestStack, opts: { resend?: boolean } = {}) {
  const dispatcher = new Agent({ connect: { ca: readFileSync(stack.caFile) } });
  const once = (url: string, init: Parameters<typeof undiciFetch>[1] = {}) => undiciFetch(url, { ...init, dispatcher });
  const f = async (url: string, init: Parameters<typeof undiciFetch>[1] = {}) => {
    try {
      return await once(url, init);
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (!opts.resend || (code !== "UND_ERR_SOCKET" && code !== "ECONNRESET"))
        throw code ? new Error(`fetch failed (${code})`, { cause: err }) : err;
      f.resent++;
      return once(url, init);
    }
  };
  f.resent = 0;
  return f;
}

export function trpcClient(stack: TestStack) {
  return resendingClient(stack, false).client;
}

/** A tRPC client for load tests: resends as a browser does (see stackFetch) and counts it. */
export function resendingClient(stack: TestStack, resend = true) {
  const f = stackFetch(stack, { resend });
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${stack.baseUrl}/api/trpc`,
        fetch: f as unknown as typeof fetch,
        methodOverride: "POST",
        maxItems: 10,
      }),
    ],
  });
  return { client, resent: () => f.resent };
}
