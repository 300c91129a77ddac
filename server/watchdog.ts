import { Worker } from "node:worker_threads";

/**
 * The event-loop watchdog (issue 23): a replica whose main thread stops turning (an endless loop, a stuck native
 * call) still holds its port, so nginx keeps sending it requests that never end. The main thread bumps a shared
 * counter every `tickMs`; a worker thread watches it, and when it has not moved for `stallMs` it writes one line to
 * stderr and SIGKILLs the process: the container exits and Docker's restart policy replaces it.
 *
 * A process that was not running at all (`docker pause`, a host under so much load that the worker's own timer came
 * more than `frozenMs` late) is not stalled: the worker starts counting again when it wakes, so a frozen replica
 * that thaws is left alone.
 */
export interface WatchdogOptions {
  /** How long the counter may stand still: 0 turns the watchdog off. */
  stallMs: number;
  tickMs?: number;
  frozenMs?: number;
}

// Runs in the worker: plain JavaScript, so the bundle needs no extra file (dynamic import: eval'd code may be loaded
// as CommonJS or, under a loader such as tsx, as a module).
const WATCHER = `
(async () => {
  const { workerData } = await import("node:worker_threads");
  const { writeSync } = await import("node:fs");
  const { beat, stallMs, tickMs, frozenMs } = workerData;
  const counter = new Int32Array(beat);
  let seen = Atomics.load(counter, 0);
  let movedAt = Date.now();
  let lastTick = movedAt;
  setInterval(() => {
    const now = Date.now();
    const value = Atomics.load(counter, 0);
    if (value !== seen || now - lastTick > frozenMs) {
      seen = value;
      movedAt = now;
    } else if (now - movedAt >= stallMs) {
      writeSync(2, JSON.stringify({ level: 60, time: now, msg: "event loop stalled: exiting so the container is replaced", stalledMs: now - movedAt }) + "\\n");
      process.kill(process.pid, "SIGKILL");
    }
    lastTick = now;
  }, tickMs);
})();
`;

/** Starts the watchdog; the returned function stops it (a clean shutdown may take longer than the bound). */
export function startWatchdog({ stallMs, tickMs = 500, frozenMs = 2_000 }: WatchdogOptions): () => void {
  if (stallMs <= 0) return () => undefined;
  const beat = new SharedArrayBuffer(4);
  const counter = new Int32Array(beat);
  const timer = setInterval(() => Atomics.add(counter, 0, 1), tickMs);
  timer.unref();
  const worker = new Worker(WATCHER, { eval: true, workerData: { beat, stallMs, tickMs, frozenMs } });
  worker.unref();
  return () => {
    clearInterval(timer);
    void worker.terminate();
  };
}
