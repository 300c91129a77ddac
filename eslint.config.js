import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Who may import what. execa and dockerode only behind cli/exec.ts and cli/docker.ts, and those two only behind the
 * Stack handle (cli/stack/handle.ts): Docker through Engine, Project or Stack, as docker.ts and as the `docker` program;
 * the host's own tools (openssl, tar, apt-get, df) through Host. A command never imports another; only the program
 * imports commands. Tests may reach exec.ts and docker.ts themselves.
 */
const LIBRARIES = [
  { name: "execa", message: "Run processes through the Host in cli/stack/handle.ts." },
  { name: "dockerode", message: "Talk to Docker through cli/docker.ts." },
];
const DOCKER_API = {
  regex: "(^|/)docker\\.js$",
  message: "Reach Docker through the Stack handle (Engine, Project or Stack in cli/stack/handle.ts).",
};
const EXEC = {
  regex: "(^|/)exec\\.js$",
  message: "Run the host's tools through the Host in cli/stack/handle.ts (docker through Engine, Project or Stack).",
};
const DOCKER_PROGRAM = {
  // `run("docker", …)` or `host.run("docker", …)`.
  selector:
    "CallExpression:matches([callee.name=/^(run|startDetached)$/], [callee.property.name=/^(run|startDetached)$/])[arguments.0.value='docker']",
  message: "Run docker through the Stack handle (Engine, Project or Stack in cli/stack/handle.ts).",
};
const OTHER_COMMAND = {
  regex: "^\\.\\./(?!\\.\\.|shared\\.js$)",
  message: "A command does not import another command: move what they share under cli/stack.",
};
const A_COMMAND = { regex: "/commands/", message: "Only cli/program.ts imports a command." };
const imports = (...patterns) => ["error", { paths: LIBRARIES, patterns }];

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
    rules: { "no-restricted-imports": imports(A_COMMAND, DOCKER_API, EXEC) },
  },
  {
    // A command is a thin shell (cli/commands/NAME/command.ts, its logic beside it in run.ts).
    files: ["cli/commands/*/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": imports(OTHER_COMMAND, DOCKER_API, EXEC) },
  },
  {
    files: ["cli/**/*.ts"],
    ignores: ["cli/stack/handle.ts", "**/*.test.ts"],
    rules: { "no-restricted-syntax": ["error", DOCKER_PROGRAM] },
  },
  {
    // A function that does not fit on a screen does several things: name them (issue 26).
    files: ["cli/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  { files: ["cli/exec.ts", "cli/docker.ts", "cli/stack/handle.ts"], rules: { "no-restricted-imports": "off" } },
);
