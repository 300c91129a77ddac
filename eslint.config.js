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
  { files: ["cli/exec.ts"], rules: { "no-restricted-imports": "off" } },
  { files: ["cli/docker.ts"], rules: { "no-restricted-imports": "off" } },
);
