import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Where the README's one-liner downloads the published package from (the npm registry's tarball URL). */
export const REGISTRY_TARBALL_BASE = "https://registry.npmjs.org/stevie-stack/-/";

/** The README's install one-liner: the line of its Quick start section that pipes install.sh into sh. */
export function quickStartOneLiner(repoRoot: string): string {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const section = /^## Quick start\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? "";
  const line = section.split("\n").find((l) => l.includes("install.sh") && /\|\s*sh\b/.test(l));
  if (!line) throw new Error("README.md's Quick start has no `… install.sh | sh …` line");
  return line.trim();
}

/** The one-liner with the registry's tarball URL pointed at another server that holds the same file names. */
export function oneLinerFrom(oneLiner: string, base: string): string {
  if (!oneLiner.includes(REGISTRY_TARBALL_BASE))
    throw new Error(`the one-liner does not download from ${REGISTRY_TARBALL_BASE}: ${oneLiner}`);
  return oneLiner.replaceAll(REGISTRY_TARBALL_BASE, base);
}
