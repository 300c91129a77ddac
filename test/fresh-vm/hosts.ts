import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { BASE_IMAGE } from "../../cli/host/prepare.js";

/**
 * "Fresh VMs" for the installer: a distribution's minimal root file system (debootstrap --variant=minbase, from the
 * distribution's own archive: no registry image) imported into Docker and run with Docker-in-Docker's flags
 * (MACHINES.md). The image holds no Node.js and no Docker; `baseline` turns it into what a cloud image has before
 * anyone logs in (curl, a CA store, the usual apt sources).
 */
export interface FreshHost {
  /** Short name, used in container names and STEVIE_FRESH_VM. */
  id: string;
  label: string;
  /** Cached across runs (the test never removes stevie-stack-test/* images). */
  image: string;
  build: (dir: string) => Promise<void>;
  baseline: string[];
}

const DEBIAN = "http://deb.debian.org/debian";
const UBUNTU = "http://archive.ubuntu.com/ubuntu";
const APT_INSTALL =
  "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl ca-certificates >/dev/null";

const debootstrap = (args: string[]) => run("debootstrap", ["--variant=minbase", ...args], { timeoutMs: 15 * 60_000 });

/** Ubuntu's archive key, from Debian's ubuntu-keyring package (fetched through apt, so Debian's signatures vouch for it). */
async function ubuntuKeyring(dir: string): Promise<string> {
  const script =
    "apt-get update -qq && cd /tmp && apt-get download -qq ubuntu-keyring && dpkg-deb -x ubuntu-keyring_*.deb x && cp x/usr/share/keyrings/ubuntu-archive-keyring.gpg /out/";
  await run("docker", ["run", "--rm", "-v", `${dir}:/out`, BASE_IMAGE, "sh", "-c", script], { timeoutMs: 5 * 60_000 });
  return join(dir, "ubuntu-archive-keyring.gpg");
}

export const FRESH_HOSTS: FreshHost[] = [
  {
    id: "trixie",
    label: "Debian 13 (trixie)",
    image: "stevie-stack-test/fresh-trixie:1",
    build: async (dir) => void (await debootstrap(["trixie", dir, DEBIAN])),
    baseline: ["apt-get update -qq >/dev/null", APT_INSTALL],
  },
  {
    id: "bookworm",
    label: "Debian 12 (bookworm)",
    // Also the host of host-prepare.test.ts.
    image: "stevie-stack-test/fresh-bookworm:1",
    build: async (dir) => void (await debootstrap(["bookworm", dir, DEBIAN])),
    baseline: ["apt-get update -qq >/dev/null", APT_INSTALL],
  },
  {
    id: "noble",
    label: "Ubuntu 24.04 (noble)",
    image: "stevie-stack-test/fresh-noble:1",
    build: async (dir) => {
      const keys = await mkdtemp(join(tmpdir(), "stevie-ubuntu-keyring-"));
      try {
        // The host's debootstrap may predate noble; Ubuntu's releases all use the gutsy script.
        const keyring = await ubuntuKeyring(keys);
        await debootstrap([
          "--components=main,universe",
          `--keyring=${keyring}`,
          "noble",
          dir,
          UBUNTU,
          "/usr/share/debootstrap/scripts/gutsy",
        ]);
      } finally {
        await rm(keys, { recursive: true, force: true });
      }
    },
    // A cloud image also has the updates and security pockets, and universe (where Ubuntu keeps docker.io).
    baseline: [
      `printf '%s\\n' 'deb ${UBUNTU} noble main universe' 'deb ${UBUNTU} noble-updates main universe' 'deb http://security.ubuntu.com/ubuntu noble-security main universe' >/etc/apt/sources.list`,
      "apt-get update -qq >/dev/null",
      APT_INSTALL,
    ],
  },
];

/** The host's image, built once (about a minute of debootstrap) and kept. */
export async function ensureFreshHostImage(host: FreshHost): Promise<void> {
  if (await docker.imageExists(host.image)) return;
  const dir = await mkdtemp(join(tmpdir(), `stevie-${host.id}-`));
  try {
    await host.build(dir);
    await run("tar", ["-C", dir, "-cf", `${dir}.tar`, "."], { timeoutMs: 5 * 60_000 });
    await run("docker", ["import", `${dir}.tar`, host.image], { timeoutMs: 5 * 60_000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}.tar`, { force: true });
  }
}

/**
 * `docker run` arguments for a Docker-in-Docker host: MACHINES.md's flags, plus /proc/sys writable (below); its own
 * engine with its storage on an anonymous volume.
 */
export function freshHostRunArgs(opts: {
  name: string;
  label: string;
  image: string;
  mounts: string[];
  env: Record<string, string>;
}): string[] {
  return [
    "run",
    "-d",
    "--name",
    opts.name,
    "--label",
    opts.label,
    "--hostname",
    opts.name.slice(0, 60),
    "--cap-add",
    "ALL",
    "--cap-drop",
    "SYS_RESOURCE",
    "--security-opt",
    "seccomp=unconfined",
    "--security-opt",
    "apparmor=unconfined",
    // /proc/sys writable, as on a VM: Docker 29 (Ubuntu 24.04's docker.io) sets disable_ipv6 in each container's
    // namespace and, with /proc/sys read-only, fails every build step even with DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE.
    "--security-opt",
    "systempaths=unconfined",
    "-v",
    "/sys/fs/cgroup:/sys/fs/cgroup:rw",
    "-v",
    "/var/lib/docker",
    "-e",
    "DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1",
    ...Object.entries(opts.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    ...opts.mounts.flatMap((m) => ["-v", m]),
    // tini as PID 1 reaps what the installer leaves running (dockerd and its children) when it exits.
    "--init",
    opts.image,
    "sleep",
    "infinity",
  ];
}
