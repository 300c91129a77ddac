import { type Command, InvalidArgumentError } from "commander";
import { originListProblems } from "../../../server/cors.js";
import { intArg } from "../shared.js";

export function register(program: Command): void {
  program
    .command("dev")
    .description(
      "run the API on localhost without Docker or keys: embedded PostgreSQL (PGlite), offline embeddings, no Redis",
    )
    .option(
      "--port <n>",
      "HTTP port (default: 8790, or a free one when that is taken; 0 picks a free one)",
      intArg("--port", 0, 65535),
    )
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--data-dir <dir>", "keep the database here across runs (default: in memory)")
    // Repeatable; each checked as api.corsOrigins checks its entries.
    .option(
      "--cors-origin <origin>",
      "let browser pages on this exact origin call the API, such as http://localhost:5173 (repeatable; default: any origin)",
      (v: string, previous: string[] = []) => {
        const origins = [...previous, v.toLowerCase()];
        const problem = originListProblems(origins)[0];
        if (problem) throw new InvalidArgumentError(problem);
        return origins;
      },
    )
    .option("--verbose", "show stack traces")
    .action(async (f: { port?: number; host?: string; dataDir?: string; corsOrigin?: string[] }) => {
      const { devCommand } = await import("./run.js");
      await devCommand(f);
    });
}
