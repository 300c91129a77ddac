import type { Command } from "commander";
import { type GlobalFlags, intArg, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("history"))
    .description(
      "what the CLI changed in the stack directory, newest first (a git repository: `git -C DIR log -p` shows the differences)",
    )
    .option("-n, --limit <n>", "how many changes", intArg("--limit", 1, 10_000), 20)
    .action(async (f: GlobalFlags & { limit: number }) => {
      const { stackHistory } = await import("../../stack/history.js");
      const { loadStack } = await import("../../stack/load.js");
      const { paths } = await loadStack(stackDir(f));
      const h = await stackHistory(paths.dir, f.limit);
      print(f, h, () =>
        h.length
          ? h.map((c) => `${c.id}  ${c.at}  ${c.message.split("\n")[0]}`).join("\n")
          : "No history yet: it starts with the next install.",
      );
    });
}
