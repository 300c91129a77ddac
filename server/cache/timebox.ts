/** Raised when a Redis call takes longer than the caller can wait; the call itself is left to finish or fail. */
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/**
 * `promise`, or a TimeoutError after `ms`. The timer never keeps the process alive.
 *
 * When the deadline passes, the error waits one turn of the event loop (setImmediate runs after the loop has read
 * its sockets), so an answer that already arrived wins. Without that, a process whose loop was busy for longer than
 * `ms` (an embedding takes 30-60 ms) would find every timer expired before reading the replies waiting for it,
 * count them all as timeouts, compute uncached, and so stay busy: a collapse that feeds itself under load.
 */
export async function timebox<T>(promise: Promise<T>, ms: number, what = "redis call"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => setImmediate(() => reject(new TimeoutError(what, ms))), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
