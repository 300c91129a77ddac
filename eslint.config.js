import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "**/*.mjs", "server/catalog/data/", "server/generated/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "execa", message: "Run processes through cli/exec.ts." },
            { name: "dockerode", message: "Talk to Docker through cli/docker.ts." },
          ],
        },
      ],
    },
  },
  {
    // A command is a thin shell (cli/commands/NAME/command.ts, its logic beside it in run.ts): it never imports
    // another command; what two commands share lives under cli/stack, cli/config or cli/host.
    files: ["cli/commands/*/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "execa", message: "Run processes through cli/exec.ts." },
            { name: "dockerode", message: "Talk to Docker through cli/docker.ts." },
          ],
          patterns: [
            {
              regex: "^\\.\\./(?!\\.\\.|shared\\.js$)",
              message: "A command does not import another command: move what they share under cli/stack.",
            },
          ],
        },
      ],
    },
  },
  {
    // Only the program registers commands; nothing else reaches into them.
    files: ["cli/**/*.ts", "server/**/*.ts", "client/**/*.ts"],
    ignores: ["cli/program.ts", "cli/commands/**", "**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "execa", message: "Run processes through cli/exec.ts." },
            { name: "dockerode", message: "Talk to Docker through cli/docker.ts." },
          ],
          patterns: [{ regex: "/commands/", message: "Only cli/program.ts imports a command." }],
        },
      ],
    },
  },
  {
    // A function that does not fit on a screen does several things: name them (issue 26).
    files: ["cli/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  { files: ["cli/exec.ts"], rules: { "no-restricted-imports": "off" } },
  { files: ["cli/docker.ts"], rules: { "no-restricted-imports": "off" } },
);
