import type { Server } from "node:http";

/**
 * Stop an HTTP server without failing a request that nginx already sent. nginx reuses idle upstream connections and
 * does not retry a POST that reached a replica, so closing an idle connection as nginx writes to it fails that request.
 * Hence: for `lingerMs` keep serving, every response with `Connection: close` (the caller sets it while draining), so
 * nginx retires each pooled connection after its next answer; only then stop listening (a refused connection is
 * retried elsewhere) and close what is left; after `graceMs` more, cut whatever is still open.
 */
export function drainServer(server: Server, opts: { lingerMs: number; graceMs: number }): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(() => {
      const timer = setTimeout(() => {
        server.closeAllConnections();
        resolve();
      }, opts.graceMs);
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    }, opts.lingerMs);
  });
}
