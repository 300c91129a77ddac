import { execFile, spawn } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../setup/cli.js";

/**
 * The PostgreSQL image's data-network watch (compose/images/postgres/data-watch.sh) with a fake `hostname` (the
 * container's addresses, from a file) and a `sleep` process standing in for Patroni. The chaos suite (`npm run
 * test:chaos`) cuts a real leader off the data network.
 */
const execFileP = promisify(execFile);
const script = join(repoRoot, "compose", "images", "postgres", "data-watch.sh");
const ADDRESS = "10.9.8.31";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "stevie-data-watch-"));
  await writeFile(join(dir, "hostname"), `#!/bin/sh\ncat "${dir}/addresses"\n`);
  await chmod(join(dir, "hostname"), 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ PATH: `${dir}:/usr/bin:/bin`, PATRONI_ADDRESS: ADDRESS });
const addresses = (...a: string[]) => writeFile(join(dir, "addresses"), `${a.join(" ")} \n`);

describe("the data-network watch beside Patroni", () => {
  it("holds Patroni's start until the member's address is on an interface", async () => {
    await addresses("172.18.0.5");
    const started = Date.now();
    const waiting = execFileP("sh", [script, "wait"], { env: env() });
    await new Promise((r) => setTimeout(r, 1_500));
    await addresses("172.18.0.5", ADDRESS);
    const { stderr } = await waiting;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(stderr).toMatch(/not on the data network yet[\s\S]*is back/);
  });

  it("stops Patroni (SIGTERM) two seconds after the address left, and not while it is there", async () => {
    await addresses(ADDRESS, "172.18.0.5");
    const patroni = spawn("sleep", ["60"]);
    const exited = new Promise<NodeJS.Signals | null>((r) => patroni.on("exit", (_code, signal) => r(signal)));
    const watch = execFileP("sh", [script, String(patroni.pid)], { env: env() });
    await new Promise((r) => setTimeout(r, 2_500));
    expect(patroni.exitCode).toBeNull();
    expect(patroni.signalCode).toBeNull();
    const cut = Date.now();
    await addresses("172.18.0.5");
    expect(await exited).toBe("SIGTERM");
    expect(Date.now() - cut).toBeLessThan(4_000);
    expect((await watch).stderr).toMatch(/left the data network; stopping Patroni/);
  });
});
