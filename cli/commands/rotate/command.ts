import type { Command } from "commander";
import { UserError } from "../../errors.js";
import { type GlobalFlags, intArg, readSecretInput, out, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  withShared(program.command("rotate-secrets"))
    .description(
      "new passwords for the database, Redis, etcd and Grafana (default: all), with the API serving throughout; the old ones stop working. `openai` reads a new OpenAI key from stdin",
    )
    .argument("[what]", "db, redis, etcd, grafana, all, or openai")
    .option(
      "--replica-timeout <seconds>",
      "how long a new API replica may take to become healthy",
      intArg("--replica-timeout", 10, 3600),
      150,
    )
    .action(async (what: string | undefined, f: GlobalFlags & { replicaTimeout: number }) => {
      if (what === "openai") {
        const { setOpenAIKey } = await import("../../stack/config-edit.js");
        const key = await readSecretInput("New OpenAI API key");
        if (!key)
          throw new UserError(
            "no key was given on stdin",
            'printf %s "$KEY" | stevie-stack rotate-secrets openai   (to remove the key: stevie-stack config set openai.apiKey "")',
          );
        const started = Date.now();
        const r = await setOpenAIKey(stackDir(f), key, f.json ? () => undefined : out, "rotate-secrets");
        const seconds = (Date.now() - started) / 1000;
        return print(f, { rotated: r.changed ? ["openai"] : [], seconds }, () =>
          r.changed
            ? `Rotated openai in ${seconds.toFixed(0)} s: the API replicas use the new key.`
            : "No change: that key is already in use.",
        );
      }
      const { runRotateSecrets } = await import("./run.js");
      const r = await runRotateSecrets({
        dir: stackDir(f),
        ...(what ? { what } : {}),
        replicaTimeoutMs: Number(f.replicaTimeout) * 1000,
        log: f.json ? () => undefined : out,
      });
      print(
        f,
        r,
        () =>
          `Rotated ${r.rotated.join(", ")} in ${r.seconds.toFixed(0)} s; the new values are in the stack's secrets/ directory.`,
      );
    });
}
