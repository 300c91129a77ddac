import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../setup/cli.js";
import { freePort } from "../setup/ports.js";

async function scratch(): Promise<{ dir: string; cfg: (text: string) => Promise<string> }> {
  const base = await mkdtemp(join(tmpdir(), "stevie-bad-"));
  return {
    dir: join(base, "stack"),
    cfg: async (text) => {
      const f = join(base, "stevie.yaml");
      await writeFile(f, text);
      return f;
    },
  };
}

describe("install refuses bad input with one clear message and writes nothing", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("reports every unknown or invalid key at once, with its path", async () => {
    const s = await scratch();
    const cfg = await s.cfg("colour: blue\nnetwork:\n  httpsPort: 70000\n  bindAdress: 1.2.3.4\napi:\n  replicas: 1\n");
    const r = await runCli(["install", "--non-interactive", "--config", cfg, "--dir", s.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown key "colour"');
    expect(r.stderr).toContain('network: unknown key "bindAdress"');
    expect(r.stderr).toMatch(/network\.httpsPort: .*65535/);
    expect(r.stderr).toMatch(/api\.replicas: .*2/);
    expect(r.stderr).toMatch(/Fix: /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(s.dir)).toBe(false);
  });

  it("reports broken YAML with its line", async () => {
    const s = await scratch();
    const cfg = await s.cfg("network:\n  httpPort: [1,\n");
    const r = await runCli(["install", "--non-interactive", "--config", cfg, "--dir", s.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not valid YAML/);
    expect(r.stderr).toMatch(/line \d+/);
    expect(existsSync(s.dir)).toBe(false);
  });

  it("names the process holding a port that is already taken", async () => {
    const s = await scratch();
    const taken = await freePort();
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(taken, "127.0.0.1", resolve));
    const cfg = await s.cfg(
      `projectName: stevietest-port\nnetwork:\n  bindAddress: 127.0.0.1\n  httpPort: ${await freePort()}\n  httpsPort: ${taken}\n`,
    );
    const r = await runCli(["install", "--non-interactive", "--config", cfg, "--dir", s.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${taken}: expected free, found in use by`);
    expect(r.stderr).toContain(`(pid ${process.pid})`);
    expect(r.stderr).toMatch(/choose another port/);
    expect(existsSync(s.dir)).toBe(false);
  });

  it("explains a Docker daemon that does not answer", async () => {
    const s = await scratch();
    const cfg = await s.cfg(
      `projectName: stevietest-nodaemon\nnetwork:\n  bindAddress: 127.0.0.1\n  httpPort: ${await freePort()}\n  httpsPort: ${await freePort()}\n`,
    );
    const r = await runCli(["install", "--non-interactive", "--config", cfg, "--dir", s.dir], {
      env: { DOCKER_SOCKET: "/nonexistent/docker.sock", DOCKER_HOST: "unix:///nonexistent/docker.sock" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/docker engine: expected Docker Engine 20\.10\.0 or newer.*found no engine answered/);
    expect(r.stderr).toMatch(/start the daemon/);
    expect(existsSync(s.dir)).toBe(false);
  });

  it("rejects out-of-range flags before doing anything", async () => {
    const s = await scratch();
    const r = await runCli(["install", "--non-interactive", "--api-replicas", "50", "--dir", s.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--api-replicas must be a whole number from 2 to 20/);
    expect(existsSync(s.dir)).toBe(false);
  });

  it("refuses to uninstall without --yes when nobody can be asked", async () => {
    const s = await scratch();
    const r = await runCli(["uninstall", "--dir", s.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no stevie-stack installation/);
  });
});
