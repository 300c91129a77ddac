import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  type TRPCClient,
} from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { EventSource as EventSourcePolyfill } from "eventsource";
import type { AppRouter } from "../server/api.js";

/**
 * `stevie-stack/client`: a typed client of the API for web apps and Node services. Its types are self-contained
 * (issue 24): they compile with skipLibCheck off and need only @trpc/client, @trpc/server and eventsource.
 */

export type { AppRouter };
export type StevieClient = TRPCClient<AppRouter>;
export type StevieInputs = inferRouterInputs<AppRouter>;
export type StevieOutputs = inferRouterOutputs<AppRouter>;
export type RecommendInput = StevieInputs["recommend"];
export type RecommendOutput = StevieOutputs["recommend"];
export type Recommendation = RecommendOutput["results"][number];
export type ChatAnswer = StevieOutputs["chat"]["sendAndWait"];
/** What chat.send streams: `{ type: "delta", text }` as the model writes, then `{ type: "done", answer }`. */
export type ChatEvent = StevieOutputs["chat"]["send"] extends AsyncIterable<infer E> ? E : never;

/** What every call fails with: `data.code` is the tRPC code (BAD_REQUEST, TOO_MANY_REQUESTS, ...). */
export type StevieClientError = TRPCClientError<AppRouter>;
/** One invalid input field of a BAD_REQUEST (`error.data.fieldErrors`): its path in the input and what is wrong. */
export type FieldError = NonNullable<NonNullable<StevieClientError["data"]>["fieldErrors"]>[number];

export function isStevieClientError(err: unknown): err is StevieClientError {
  return err instanceof TRPCClientError;
}

/** An EventSource class as tRPC's subscription link takes it: the browser's, undici's or the `eventsource` package's. */
export type EventSourceClass = NonNullable<Parameters<typeof httpSubscriptionLink>[0]["EventSource"]>;

export interface StevieClientOptions {
  /** Sent with every request, e.g. `{ "x-api-key": key }` for a caller the operator issued a key. */
  headers?: Record<string, string>;
  /** The fetch to send requests with (default: the global one), e.g. one that trusts a private CA. */
  fetch?: typeof globalThis.fetch;
  /** Aborts every request of this client, streams included (one call takes its own: `query(input, { signal })`). */
  signal?: AbortSignal;
  /** The most calls in one batched request (default 10): at most the API's `api.maxBatchSize`. */
  maxItems?: number;
  /** The EventSource class for chat.send (default: see eventSourceFor). Its init is `{ fetch }`, which only the `eventsource` package's uses. */
  EventSource?: EventSourceClass;
}

/**
 * chat.send's EventSource: the runtime's own (a browser's) when this client adds nothing to requests, else the
 * `eventsource` package's, which is built on fetch and so sends the headers, fetch and signal given here (a
 * browser's EventSource cannot send headers, and Node 20 has none).
 */
function eventSourceFor(options: StevieClientOptions): EventSourceClass {
  if (options.EventSource) return options.EventSource;
  const own = (globalThis as { EventSource?: EventSourceClass }).EventSource;
  return own && !options.headers && !options.fetch && !options.signal ? own : EventSourcePolyfill;
}

/**
 * A client of the API at `url`, the tRPC endpoint (`https://api.example.com/api/trpc`): chat.send streams over SSE,
 * everything else goes in batches of POST requests (a long nominee description does not fit in a URL).
 */
export function createStevieClient(url: string, options: StevieClientOptions = {}): StevieClient {
  const send: typeof globalThis.fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    const signals = [init?.signal, options.signal].filter((s): s is AbortSignal => s != null);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    return (options.fetch ?? globalThis.fetch)(input, { ...init, headers, signal });
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url, EventSource: eventSourceFor(options), eventSourceOptions: { fetch: send } }),
        false: httpBatchLink({ url, fetch: send, methodOverride: "POST", maxItems: options.maxItems ?? 10 }),
      }),
    ],
  });
}
