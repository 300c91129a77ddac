import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { cliBin } from "../test/setup/cli.js";

/**
 * The install wizard on a real terminal: util-linux's `script` gives the built CLI a pseudo-terminal, and the test
 * presses Enter at every question. (Needs `npm run build`, as npm test does.)
 */
async function pressEnterThrough(args: string[], maxPresses: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "stevie-wizard-"));
  const transcript = join(dir, "typescript");
  const child = spawn("script", ["-qfec", [process.execPath, cliBin, ...args].join(" "), transcript], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  let running = true;
  const exited = new Promise<void>((resolve) =>
    child.on("close", () => {
      running = false;
      resolve();
    }),
  );
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  // Enter once the screen has been still for half a second (a question waiting), however slowly the CLI starts.
  let size = -1;
  let stillSince = Date.now();
  let pressedAt = 0;
  for (let presses = 0; running && presses < maxPresses;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = (await stat(transcript).catch(() => ({ size: -1 }))).size;
    if (now !== size) [size, stillSince] = [now, Date.now()];
    else if (size > 0 && Date.now() - stillSince > 500 && pressedAt < stillSince) {
      child.stdin.write("\r");
      pressedAt = Date.now();
      presses++;
    }
  }
  await exited;
  clearTimeout(timer);
  // Without the terminal's colour and cursor sequences.
  return stripVTControlCharacters(await readFile(transcript, "utf8"));
}

describe("install's questions on a terminal", () => {
  it(
    "offer an installed stack's settings, so pressing Enter through them changes nothing",
    { timeout: 90_000 },
    async () => {
      const dir = join(await mkdtemp(join(tmpdir(), "stevie-rerun-")), "stack");
      await mkdir(dir);
      await writeFile(
        join(dir, "stevie.yaml"),
        "environment: staging\nprojectName: wizardtest\ndomain: api.example.com\nnetwork:\n  httpPort: 18080\n  httpsPort: 18443\napi:\n  replicas: 3\n",
      );
      const out = await pressEnterThrough(["install", "--dry-run", "--dir", dir], 12);
      for (const answer of [
        "Environment staging",
        "Host name the API will be reached at api.example.com",
        "HTTPS port 18443",
        "HTTP port (redirects to HTTPS) 18080",
        "API replicas 3",
      ]) {
        expect(out, out).toContain(`✔ ${answer}`);
      }
      expect(out).toContain("Dry run: nothing was changed");
    },
  );
});
