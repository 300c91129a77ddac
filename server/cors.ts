/**
 * Cross-origin calls from browser pages (issue 24). In the stack nginx answers them (nginx/render.ts); under
 * `stevie-stack dev`, which has no nginx, the API server does (server/http.ts). Both take their rules from here.
 *
 * No credentials: the API sets no cookies, so Access-Control-Allow-Credentials is never sent, and `x-api-key` is not a
 * header a page may send (a key in a page is a key anyone can read; it belongs to a web app's backend).
 */

/** `api.corsOrigins: ["*"]`: any origin. */
export const ANY_ORIGIN = "*";

export const CORS_METHODS = "GET, POST, OPTIONS";

/**
 * What @trpc/client 11 sends beyond the headers every request may carry: content-type (httpBatchLink's JSON POST),
 * trpc-accept (httpBatchStreamLink) and last-event-id (an EventSource resuming httpSubscriptionLink's stream).
 */
export const CORS_REQUEST_HEADERS = "content-type, trpc-accept, last-event-id";

/** What a page may read besides the basic headers: how long to wait after a 429, and the id to quote in a report. */
export const CORS_EXPOSED_HEADERS = "retry-after, x-request-id";

/** How long a browser may reuse a preflight's answer (Chrome caps it at 2 hours). */
export const CORS_MAX_AGE_SECONDS = 600;

/** An origin as a browser sends it: http or https, a lower-case host name or address, a port other than the default. */
const ORIGIN =
  /^https?:\/\/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(:[1-9][0-9]{0,4})?$/;

/**
 * Why `value` (lower-cased) is not an exact origin, or undefined when it is one. The pattern keeps out every byte that
 * means something to nginx (`;`, `$`, quotes, braces, spaces), which the URL parser would let into a host name; the
 * parser then checks it is written as a browser writes it (no default port, an address in its usual form).
 */
export function originProblem(value: string): string | undefined {
  const expected =
    "an exact origin such as https://app.example.com or http://localhost:5173 (http or https, a host, an optional port; no path)";
  if (value === ANY_ORIGIN) return undefined;
  if (value.includes("*"))
    return `"${value}": no wildcards in an origin; list each one (https://app.example.com), or "*" alone for any`;
  let canonical: string | undefined;
  try {
    const url = new URL(value);
    if ((url.protocol === "http:" || url.protocol === "https:") && !url.username && !url.password)
      canonical = url.origin;
  } catch {
    // not a URL at all: the general message below
  }
  if (ORIGIN.test(value) && canonical === value) return undefined;
  if (canonical && ORIGIN.test(canonical))
    return `"${value}" is not how a browser sends its origin; write ${canonical}`;
  return `"${value}" is not ${expected}`;
}

/** Problems with a whole list: each origin's, and `*` mixed with others. */
export function originListProblems(origins: readonly string[]): string[] {
  const problems = origins.flatMap((o) => originProblem(o) ?? []);
  if (origins.includes(ANY_ORIGIN) && origins.length > 1) problems.push(`"*" (any origin) stands alone in the list`);
  return problems;
}

/** The Access-Control-Allow-Origin value for a request's Origin header, or undefined when that origin is not allowed. */
export function allowedOrigin(origin: string | undefined, allowed: readonly string[]): string | undefined {
  if (allowed.includes(ANY_ORIGIN)) return ANY_ORIGIN;
  return origin === undefined ? undefined : allowed.find((a) => a === origin.toLowerCase());
}
