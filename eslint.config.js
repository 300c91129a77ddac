import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Who may import what. execa and dockerode only behind cli/exec.ts and cli/docker.ts; those two only behind the Stack
 * handle (cli/stack/handle.ts), apart from the modules still to move behind it (STILL_DIRECT, issue 26: the list only
 * shrinks); a command never imports another; only the program imports commands.
 */
const LIBRARIES = [
  { name: "execa", message: "Run processes through cli/exec.ts." },
  { name: "dockerode", message: "Talk to Docker through cli/docker.ts." },
];
const DIRECT = {
  regex: "(^|/)(exec|docker)\\.js$",
  message: "Reach Docker and processes through the Stack handle (cli/stack/handle.ts).",
};
const OTHER_COMMAND = {
  regex: "^\\.\\./(?!\\.\\.|shared\\.js$)",
  message: "A command does not import another command: move what they share under cli/stack.",
};
const A_COMMAND = { regex: "/commands/", message: "Only cli/program.ts imports a command." };
const imports = (...patterns) => ["error", { paths: LIBRARIES, patterns }];

const STILL_DIRECT = [
  "cli/commands/doctor/bundle.ts",
  "cli/commands/doctor/run.ts",
  "cli/host/preflight.ts",
  "cli/host/prepare.ts",
  "cli/stack/backup.ts",
  "cli/stack/filesystems.ts",
  "cli/stack/images.ts",
  "cli/stack/restore.ts",
  "cli/stack/snapshot.ts",
  "cli/stack/subnet.ts",
  "cli/stack/tls.ts",
];

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "**/*.mjs", "server/catalog/data/", "server/generated/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": imports(),
    },
  },
  {
    files: ["cli/**/*.ts", "server/**/*.ts", "client/**/*.ts"],
    ignores: ["cli/program.ts", "cli/commands/**", "**/*.test.ts"],
    rules: { "no-restricted-imports": imports(A_COMMAND, DIRECT) },
  },
  {
    // A command is a thin shell (cli/commands/NAME/command.ts, its logic beside it in run.ts).
    files: ["cli/commands/*/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": imports(OTHER_COMMAND, DIRECT) },
  },
  {
    files: STILL_DIRECT.filter((f) => !f.startsWith("cli/commands/")),
    rules: { "no-restricted-imports": imports(A_COMMAND) },
  },
  {
    files: STILL_DIRECT.filter((f) => f.startsWith("cli/commands/")),
    rules: { "no-restricted-imports": imports(OTHER_COMMAND) },
  },
  {
    // A function that does not fit on a screen does several things: name them (issue 26).
    files: ["cli/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  { files: ["cli/exec.ts", "cli/docker.ts", "cli/stack/handle.ts"], rules: { "no-restricted-imports": "off" } },
);
