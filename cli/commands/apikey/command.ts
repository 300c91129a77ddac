import type { Command } from "commander";
import { type GlobalFlags, intArg, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  const apikey = program
    .command("apikey")
    .description("API keys for callers with a limit of their own (a web app's backend), sent as the x-api-key header");
  const stackOf = async (f: GlobalFlags) => {
    const { loadStack } = await import("../../stack/load.js");
    const { Stack } = await import("../../stack/handle.js");
    const { paths, config } = await loadStack(stackDir(f));
    return new Stack(paths, config.projectName);
  };
  withShared(apikey.command("create"))
    .description("issue a key (shown once: only its hash is stored)")
    .requiredOption("--name <name>", "a label such as webapp-prod (lower-case letters, digits, . _ -)")
    .option(
      "--rate-limit-per-hour <n>",
      "calls per hour for this key (default: api.rateLimitPerHour)",
      intArg("--rate-limit-per-hour", 1, 100_000_000),
    )
    .action(async (f: GlobalFlags & { name: string; rateLimitPerHour?: number }) => {
      const { createApiKey } = await import("../../stack/apikeys.js");
      const stack = await stackOf(f);
      const k = await createApiKey(stack, {
        name: f.name,
        ...(f.rateLimitPerHour ? { rateLimitPerHour: f.rateLimitPerHour } : {}),
      });
      print(
        f,
        k,
        () =>
          `${k.key}\n\nAPI key ${k.name} (${k.prefix}…, ${k.rateLimitPerHour ?? "the default"} calls/hour). It is shown only now: store it as a secret; callers send it as the x-api-key header.`,
      );
    });
  withShared(apikey.command("list"))
    .description("the keys issued, live and revoked (names and prefixes, never the keys)")
    .action(async (f: GlobalFlags) => {
      const { listApiKeys } = await import("../../stack/apikeys.js");
      const stack = await stackOf(f);
      const keys = await listApiKeys(stack);
      print(f, keys, () =>
        keys.length
          ? keys
              .map(
                (k) =>
                  `${k.name}  ${k.prefix}…  ${k.rateLimitPerHour ?? "default"}/h  created ${k.createdAt}${k.revokedAt ? `  revoked ${k.revokedAt}` : ""}`,
              )
              .join("\n")
          : "No API keys.",
      );
    });
  withShared(apikey.command("revoke"))
    .description("revoke a key: the API refuses it within 10 s (each replica caches an answer that long)")
    .argument("<name>", "the key's name")
    .action(async (name: string, f: GlobalFlags) => {
      const { revokeApiKey } = await import("../../stack/apikeys.js");
      const stack = await stackOf(f);
      const r = await revokeApiKey(stack, name);
      print(f, r, () => `Revoked API key ${r.name} (${r.prefix}…).`);
    });
}
