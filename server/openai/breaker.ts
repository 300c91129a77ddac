import CircuitBreaker from "opossum";
import { noopObserver, type BreakerState, type OpenAIObserver, type OpenAIOperation } from "./metrics.js";
import { classifyError, OpenAIRequestError } from "./retry.js";

/**
 * One circuit breaker in front of OpenAI, shared by embeddings and chat (they fail together). It wraps a whole
 * logical call, retries included: after `failureThreshold` consecutive failed calls it opens, refuses calls for
 * `resetTimeoutMs`, then lets one trial call through (half-open); success closes it, failure opens it again.
 *
 * opossum trips on an error *percentage* over a rolling window; §14 asks for "5 failures", so we count consecutive
 * failures ourselves and call `open()`, and set errorThresholdPercentage to 100 so opossum's own rule never fires
 * (a failed half-open trial still re-opens it).
 */

export interface BreakerOptions {
  name?: string;
  /** Consecutive failed calls that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long it stays open before a trial call (default 30 s). */
  resetTimeoutMs?: number;
  observer?: OpenAIObserver;
  onStateChange?: (state: BreakerState) => void;
}

export interface OpenAIBreaker {
  readonly name: string;
  readonly state: BreakerState;
  /** Run `fn` through the breaker; while open, throws OpenAIRequestError kind "circuit_open" without calling it (counted for `op`). */
  run<T>(fn: () => Promise<T>, op?: OpenAIOperation): Promise<T>;
  /** Stop the reset timer (tests, shutdown). */
  shutdown(): void;
}

/**
 * Errors that say nothing about OpenAI's health: the caller went away, or OpenAI answered and rejected this
 * particular request (400/404/422). opossum counts them as successes. 401/403 do count: with a bad key every call
 * fails, and falling back beats failing.
 */
function isNeutral(err: unknown): boolean {
  const { kind } = classifyError(err);
  return kind === "aborted" || kind === "bad_request";
}

export function createOpenAIBreaker(opts: BreakerOptions = {}): OpenAIBreaker {
  const name = opts.name ?? "openai";
  const threshold = opts.failureThreshold ?? 5;
  const observer = opts.observer ?? noopObserver;
  const cb = new CircuitBreaker((fn: () => Promise<unknown>) => fn(), {
    name,
    timeout: false, // every call has its own timeouts (per attempt, stream idle, turn deadline)
    resetTimeout: opts.resetTimeoutMs ?? 30_000,
    errorThresholdPercentage: 100,
    errorFilter: isNeutral,
  });
  let consecutive = 0;
  let state: BreakerState = "closed";
  const set = (s: BreakerState) => {
    state = s;
    observer.breakerState(name, s);
    opts.onStateChange?.(s);
  };
  set("closed");
  cb.on("success", () => {
    consecutive = 0;
  });
  cb.on("failure", () => {
    consecutive++;
    if (consecutive >= threshold && cb.closed) cb.open();
  });
  cb.on("open", () => {
    consecutive = 0;
    set("open");
  });
  cb.on("halfOpen", () => set("half-open"));
  cb.on("close", () => set("closed"));

  return {
    name,
    get state() {
      return state;
    },
    async run<T>(fn: () => Promise<T>, op?: OpenAIOperation): Promise<T> {
      try {
        return (await cb.fire(fn)) as T;
      } catch (err) {
        if (CircuitBreaker.isOurError(err as Error)) {
          if (op) observer.rejected(op);
          throw new OpenAIRequestError(`OpenAI circuit is ${state}: calls are refused for now`, {
            kind: "circuit_open",
            attempts: 0,
          });
        }
        throw err;
      }
    },
    shutdown() {
      cb.shutdown();
    },
  };
}
