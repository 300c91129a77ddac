/** Raised when a Redis call takes longer than the caller can wait; the call itself is left to finish or fail. */
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/** `promise`, or a TimeoutError after `ms`. The timer never keeps the process alive. */
export async function timebox<T>(promise: Promise<T>, ms: number, what = "redis call"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
