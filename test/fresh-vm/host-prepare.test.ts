import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { repoRoot } from "../setup/cli.js";
import { ensureFreshHostImage, FRESH_HOSTS } from "./hosts.js";

/**
 * The README's promise on a fresh Debian machine with no Docker: `host prepare` (which `install --yes` runs)
 * installs the engine and the compose v2 plugin, starts the daemon and builds the base image when no registry
 * answers. The "fresh machine" is a Debian bookworm container (debootstrap, like the base image) running Docker
 * inside Docker with the flags MACHINES.md lists; the CLI comes from this checkout, read-only (built: the script
 * runs `npm run build` first). Part of `npm run test:fresh-vm`, not `npm test`: it needs a host of its own, and
 * the one-liner's runs cover the same path from the package.
 */
const BOOKWORM = FRESH_HOSTS.find((h) => h.id === "bookworm")!;

describe("a fresh Debian host without Docker", () => {
  it(
    "gets Docker Engine, compose v2, a running daemon and the base image from `stevie-stack host prepare --yes`",
    { timeout: 1_500_000 },
    async () => {
      await ensureFreshHostImage(BOOKWORM);
      const script = join(await mkdtemp(join(tmpdir(), "stevie-fresh-")), "fresh.sh");
      await writeFile(
        script,
        [
          "#!/bin/sh",
          "set -e",
          "apt-get update -qq >/dev/null",
          "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libstdc++6 >/dev/null",
          "! command -v docker >/dev/null || { echo 'docker already present'; exit 9; }",
          "cd /src",
          "node dist/cli/bin.js host prepare --yes",
          "echo \"engine=$(docker version --format '{{.Server.Version}}')\"",
          'echo "compose=$(docker compose version --short)"',
          'echo "base=$(docker image ls -q debian:trixie-slim)"',
          "node dist/cli/bin.js host prepare --yes",
        ].join("\n"),
        { mode: 0o755 },
      );
      const name = `stevietest-fresh-${process.pid}`;
      const r = await run(
        "docker",
        [
          "run",
          "--rm",
          "--name",
          name,
          "--label",
          `${docker.PROJECT_LABEL}=${name}`,
          "--cap-add",
          "ALL",
          "--cap-drop",
          "SYS_RESOURCE",
          "--security-opt",
          "seccomp=unconfined",
          "--security-opt",
          "apparmor=unconfined",
          "-v",
          "/sys/fs/cgroup:/sys/fs/cgroup:rw",
          "--tmpfs",
          "/var/lib/docker:exec",
          "-e",
          "DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1",
          "-v",
          `${repoRoot}:/src:ro`,
          "-v",
          `${process.execPath}:/usr/bin/node:ro`,
          "-v",
          `${script}:/fresh.sh:ro`,
          BOOKWORM.image,
          "/fresh.sh",
        ],
        { reject: false, timeoutMs: 1_400_000 },
      );
      const output = `${r.stdout}\n${r.stderr}`;
      expect(r.exitCode, output).toBe(0);
      expect(output).toMatch(
        /Host prepared: installed docker\.io; installed docker-compose[^;]*; started the Docker daemon; built debian:trixie-slim with debootstrap\./,
      );
      expect(output).toMatch(/engine=20\.10\./);
      expect(output).toMatch(/compose=2\.\d+/);
      expect(output).toMatch(/base=[0-9a-f]{12}/);
      // Run twice: the second run finds everything in place and changes nothing.
      expect(output).toMatch(/Host already prepared/);
      expect(existsSync(script)).toBe(true);
    },
  );
});
