import { ListrLogger, ProcessOutput } from "listr2";

/**
 * Where progress goes. Normally stdout; with `--json` stdout carries only the JSON document, so every progress
 * display (install's task list, also when `config set`, `scale` or `rotate-secrets` run install) goes to stderr.
 */
let progressToStderr = false;

export function reserveStdoutForJson(): void {
  progressToStderr = true;
}

/** install's task-list renderer: redrawn in place on a terminal, otherwise one line per change. */
export function progressRenderer() {
  const stream = progressToStderr ? process.stderr : process.stdout;
  if (stream.isTTY)
    return {
      renderer: "default" as const,
      rendererOptions: {
        collapseSubtasks: false,
        logger: new ListrLogger({ processOutput: new ProcessOutput(stream, process.stderr) }),
      },
    };
  return {
    renderer: "simple" as const,
    rendererOptions: { logger: new ListrLogger({ processOutput: new ProcessOutput(stream, process.stderr) }) },
  };
}
