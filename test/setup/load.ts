const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A steady load for the e2e suites: `concurrency` workers each calling `op`, pausing `everyMs` between calls, until
 * stopped; records when each call started and ended and whether it succeeded.
 */
export function steady(op: (i: number) => Promise<unknown>, everyMs: number, concurrency = 1) {
  const calls: { start: number; end: number; ok: boolean; i: number; error?: string }[] = [];
  let stopped = false;
  let i = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (!stopped) {
      const n = i++;
      const start = Date.now();
      const error = await op(n).then(
        () => undefined,
        (e: Error) => e.message.slice(0, 200),
      );
      calls.push({ start, end: Date.now(), ok: error === undefined, i: n, ...(error !== undefined ? { error } : {}) });
      await sleep(everyMs);
    }
  });
  return {
    calls,
    async stop() {
      stopped = true;
      await Promise.all(workers);
    },
  };
}
