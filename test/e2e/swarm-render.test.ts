import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { run } from "../../cli/exec.js";
import type { ComposeFile } from "../../cli/stack/compose-types.js";
import { sha256 } from "../../cli/stack/files.js";
import { renderSwarmStack, swarmStack, type SwarmFile } from "../../cli/stack/swarm.js";

/**
 * The Swarm target's smoke test in `npm test` (the cluster itself is `npm run test:swarm`): the stack file rendered from
 * the suite's real stack directory, as `docker stack deploy` will read it, is accepted by `docker stack config`, which
 * rejects what Swarm cannot deploy (a top-level name, depends_on conditions, dns_opt, an address range).
 */
const stack = inject("stack");

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("the Swarm stack file of the suite's stack (issue 27)", () => {
  it("is accepted by docker stack config, with every service, config and secret in it", async () => {
    const compose = parse(await readFile(join(stack.dir, "compose.yaml"), "utf8")) as ComposeFile;
    const hashes: Record<string, string> = {};
    for (const f of await filesUnder(stack.dir)) hashes[relative(stack.dir, f)] = sha256(await readFile(f));
    const file = join(stack.dir, "swarm-check.yaml");
    await writeFile(file, renderSwarmStack(swarmStack(compose, { hashes, nodes: 3 })), { mode: 0o600 });
    try {
      const r = await run("docker", ["stack", "config", "-c", file], { reject: false });
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(0);
      const read = parse(r.stdout) as SwarmFile;
      // Every service but the ops service, which is one host's CLI (swarm.ts).
      expect(Object.keys(read.services).sort()).toEqual(
        Object.keys(compose.services)
          .filter((s) => s !== "ops")
          .sort(),
      );
      expect(read.services.api?.deploy).toMatchObject({
        endpoint_mode: "dnsrr",
        update_config: { order: "start-first" },
      });
      expect(read.services.nginx?.deploy.mode).toBe("global");
      expect(read.configs.haproxy_haproxy_cfg?.name).toBe(
        `${compose.name}_haproxy_haproxy_cfg_${hashes["haproxy/haproxy.cfg"]!.slice(0, 8)}`,
      );
      expect(Object.keys(read.secrets)).toContain("tls_edge_server_key");
    } finally {
      await rm(file, { force: true });
    }
  });
});
