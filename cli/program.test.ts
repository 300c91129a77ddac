import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { parseConfig } from "./config/load.js";
import { EXIT_CODES } from "./errors.js";
import { packageRoot } from "./package-root.js";
import { alertOverrides } from "./commands/install/command.js";
import { buildProgram } from "./program.js";

describe("install --alert-* flags", () => {
  it("become monitoring.alerts, checked by the config schema", () => {
    expect(alertOverrides({})).toEqual({});
    const o = alertOverrides({
      alertWebhook: "https://hooks.example.com/a",
      alertEmail: "ops@example.com",
      alertEmailFrom: "stevie@example.com",
      alertSmtp: "smtp.example.com:587",
    });
    expect(parseConfig(o, "flags").monitoring.alerts).toEqual({
      webhookUrl: "https://hooks.example.com/a",
      email: { to: "ops@example.com", from: "stevie@example.com", smarthost: "smtp.example.com:587", requireTls: true },
    });
    expect(() => parseConfig(alertOverrides({ alertWebhook: "not a url" }), "flags")).toThrow(/webhookUrl/);
  });

  it("refuse half a mail setup", () => {
    expect(() => alertOverrides({ alertEmail: "ops@example.com" })).toThrow(/needs all three/);
  });
});

describe("the command line", () => {
  it("documents every exit code in --help and in the README, the same table", async () => {
    const program = buildProgram();
    let help = "";
    program.configureOutput({ writeOut: (s) => (help += s) });
    program.outputHelp();
    const readme = await readFile(join(packageRoot(), "README.md"), "utf8");
    for (const [code, meaning] of EXIT_CODES) {
      expect(help).toContain(`${String(code).padStart(3)}  ${meaning}`);
      expect(readme).toContain(`| ${code} | ${meaning} |`);
    }
  });

  it("has real subcommands for backup, drill and restore", () => {
    const sub = (name: string) =>
      buildProgram()
        .commands.find((c) => c.name() === name)
        ?.commands.map((c) => c.name());
    expect(sub("backup")).toEqual(["list", "export-stack"]);
    expect(sub("drill")).toEqual(["list"]);
    expect(sub("restore")).toEqual(["confirm", "rollback"]);
  });

  it("refuses a word where a subcommand is expected, as a usage error", async () => {
    const program = buildProgram();
    program.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
    for (const c of program.commands)
      c.exitOverride().configureOutput({ writeErr: () => undefined, outputError: () => undefined });
    await expect(program.parseAsync(["node", "stevie-stack", "backup", "lsit"])).rejects.toBeInstanceOf(CommanderError);
  });
});
