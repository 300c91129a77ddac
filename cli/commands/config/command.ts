import type { Command } from "commander";
import { UserError } from "../../errors.js";
import { type GlobalFlags, readSecretInput, out, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  const config = program.command("config").description("the stevie.yaml configuration");
  config
    .command("example")
    .description("print a commented stevie.yaml with every key at its default")
    .action(async () => {
      const { renderConfigExample } = await import("../../config/example.js");
      process.stdout.write(renderConfigExample());
    });
  config
    .command("schema")
    .description(
      "print the JSON Schema of stevie.yaml (install keeps a copy beside it, stevie.schema.json, for editors)",
    )
    .action(async () => {
      const { configJsonSchema } = await import("../../config/json-schema.js");
      out(JSON.stringify(configJsonSchema(), null, 2));
    });
  withShared(config.command("show"))
    .description("the configuration in effect (every default filled in), secrets redacted")
    .action(async (f: GlobalFlags) => {
      const { showConfig } = await import("../../stack/config-edit.js");
      const r = await showConfig(stackDir(f));
      print(f, r.config, () => `# ${r.file}, with defaults\n${r.yaml}`);
    });
  withShared(config.command("set"))
    .description(
      "change keys of the installed stack's stevie.yaml (e.g. `config set api.rateLimitPerHour 500`), validate, and apply only what changed",
    )
    .argument("<key>", "a dotted key, e.g. api.replicas")
    .argument("<value>", 'the new value, as YAML (4, true, [a, b], "text")')
    .argument("[more...]", "further KEY VALUE pairs, applied together")
    .action(async (key: string, value: string, more: string[], f: GlobalFlags) => {
      if (more.length % 2) throw new UserError(`config set takes KEY VALUE pairs; "${more.at(-1)}" has no value`);
      const pairs: [string, string][] = [[key, value]];
      for (let i = 0; i < more.length; i += 2) pairs.push([more[i]!, more[i + 1]!]);
      const { setConfig, setOpenAIKey, OPENAI_KEY_SETTING } = await import("../../stack/config-edit.js");
      const log = f.json ? () => undefined : out;
      let r;
      if (pairs.some(([k]) => k === OPENAI_KEY_SETTING)) {
        if (pairs.length > 1)
          throw new UserError(
            `${OPENAI_KEY_SETTING} is set on its own`,
            `run \`config set ${OPENAI_KEY_SETTING} -\` apart from the other keys`,
          );
        if (value !== "-" && value !== "")
          throw new UserError(
            `${OPENAI_KEY_SETTING} is read from stdin, not the command line (where shell history and the process list would keep it)`,
            `printf %s "$KEY" | stevie-stack config set ${OPENAI_KEY_SETTING} -   (an empty value: back to the offline model)`,
          );
        const given = value === "-" ? await readSecretInput("OpenAI API key") : "";
        // "-" with nothing piped in is a mistake, not a request to remove the key.
        if (value === "-" && !given)
          throw new UserError(
            "no key was given on stdin; nothing was changed",
            `printf %s "$KEY" | stevie-stack config set ${OPENAI_KEY_SETTING} -   (to remove the key: config set ${OPENAI_KEY_SETTING} "")`,
          );
        r = await setOpenAIKey(stackDir(f), given, log);
      } else r = await setConfig(stackDir(f), pairs, log);
      print(f, r, () =>
        r.changed
          ? r.changes.map((c) => `${c.key}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`).join("\n") +
            "\nApplied."
          : "No change: the configuration already has these values.",
      );
    });
  config
    .command("validate <file>")
    .description("check a stevie.yaml and report every problem at once")
    .action(async (file: string) => {
      const { loadConfigFile } = await import("../../config/load.js");
      await loadConfigFile(file);
      out(`${file} is valid.`);
    });
}
