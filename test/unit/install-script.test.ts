import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_NODE_VERSION, IMAGE_NAMES } from "../../cli/stack/images.js";
import { repoRoot } from "../setup/cli.js";
import { quickStartOneLiner, REGISTRY_TARBALL_BASE } from "../setup/quick-start.js";

/**
 * The cheap half of the fresh-VM test (test/fresh-vm/, `npm run test:fresh-vm`): install.sh's choice of Node.js, with
 * fake `node` binaries and nothing downloaded, and the package's file list as `npm pack` would upload it.
 */
const execFileP = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  version: string;
  private?: boolean;
  engines: { node: string };
  scripts: Record<string, string>;
  bin: Record<string, string>;
  exports?: Record<string, Record<string, string>>;
};
const script = readFileSync(join(repoRoot, "install.sh"), "utf8");
const constant = (name: string) => new RegExp(`^${name}=(\\S+)$`, "m").exec(script)?.[1];

describe("install.sh", () => {
  it("belongs to this release: its version, Node.js floor and Node.js download match package.json and the API image", () => {
    expect(constant("STEVIE_STACK_VERSION")).toBe(pkg.version);
    expect(`>=${constant("MIN_NODE")}`).toBe(`${pkg.engines.node}.0`);
    expect(constant("NODE_VERSION")).toBe(API_NODE_VERSION);
    const oneLiner = quickStartOneLiner(repoRoot);
    expect(oneLiner).toContain(`${REGISTRY_TARBALL_BASE}stevie-stack-${pkg.version}.tgz`);
    expect(oneLiner).toContain("package/install.sh");
  });

  let dir: string;
  let n = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevie-install-sh-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A dry run on a PATH holding only the few tools it needs, and the given fake node/npm. */
  async function dryRun(opts: { node?: string; npm?: boolean; ours?: string; env?: Record<string, string> } = {}) {
    const root = join(dir, String(n++));
    const bin = join(root, "bin");
    await mkdir(bin, { recursive: true });
    for (const tool of ["id", "dirname", "uname", "sed", "head", "cat"]) {
      const found = ["/usr/bin", "/bin"].map((d) => join(d, tool)).find((p) => existsSync(p));
      if (found) await symlink(found, join(bin, tool));
    }
    const fake = async (file: string, body: string) => {
      await mkdir(join(file, ".."), { recursive: true });
      await writeFile(file, `#!/bin/sh\n${body}\n`);
      await chmod(file, 0o755);
    };
    if (opts.node) await fake(join(bin, "node"), opts.node);
    if (opts.npm) await fake(join(bin, "npm"), "echo 10.9.0");
    const prefix = join(root, "prefix");
    if (opts.ours) {
      await fake(join(prefix, "node", "bin", "node"), `echo ${opts.ours}`);
      await fake(join(prefix, "node", "bin", "npm"), "echo 11.0.0");
    }
    const env = {
      PATH: bin,
      HOME: root,
      STEVIE_STACK_PREFIX: prefix,
      STEVIE_STACK_BIN_DIR: join(root, "cmd"),
      STEVIE_STACK_INSTALLER_DRY_RUN: "1",
      ...opts.env,
    };
    const r = await execFileP("/bin/sh", [join(repoRoot, "install.sh"), "--yes"], { env }).then(
      (x) => ({ code: 0, out: x.stdout + x.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    return { ...r, prefix, bin };
  }

  it.each([
    ["no node at all", {}, /Node\.js 24\.\d+\.\d+ from the npm registry into .*\/prefix\/node \(this host has none\)/],
    [
      "Debian 12's and Ubuntu 24.04's Node 18",
      { node: "echo v18.19.0", npm: true },
      /from the npm registry .*is v18\.19\.0, older than 20\.19\.0\)/,
    ],
    ["Node 20 before 20.19", { node: "echo v20.18.3", npm: true }, /older than 20\.19\.0/],
    ["Node 12 (Ubuntu 22.04)", { node: "echo v12.22.9", npm: true }, /older than 20\.19\.0/],
    ["a node that does not run", { node: "exit 1", npm: true }, /does not run\)/],
    [
      "Debian 13's Node 20.19 without its separate npm package",
      { node: "echo v20.19.2" },
      /\(v20\.19\.2\) has no npm\)/,
    ],
  ])("downloads Node.js when the host has %s", async (_what, opts, message) => {
    const r = await dryRun(opts);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(message);
    expect(r.out).toContain("dry run: nothing changed; next: stevie-stack install --yes");
    expect(existsSync(r.prefix)).toBe(false);
  });

  it.each([
    ["20.19.0", "v20.19.0"],
    ["22", "v22.12.0"],
    ["24 with a pre-release suffix", "v24.1.0-rc.1"],
    ["100", "v100.0.0"],
  ])("uses the host's Node.js %s when it has npm", async (_what, version) => {
    const r = await dryRun({ node: `echo ${version}`, npm: true });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Node.js ${version}: using ${join(r.bin, "node")}`);
  });

  it("keeps the Node.js an earlier run installed, and says which package it installs where", async () => {
    const r = await dryRun({
      ours: `v${API_NODE_VERSION}`,
      node: "echo v18.19.0",
      npm: true,
      env: { STEVIE_STACK_PACKAGE: "/srv/stevie-stack-9.9.9.tgz" },
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Node.js ${API_NODE_VERSION}: already installed in ${join(r.prefix, "node")}`);
    expect(r.out).toContain(`stevie-stack CLI: /srv/stevie-stack-9.9.9.tgz into ${join(r.prefix, "cli")}`);
  });

  it("refuses a relative install directory, saying what to set", async () => {
    const r = await dryRun({ env: { STEVIE_STACK_PREFIX: "opt/stevie" } });
    expect(r.code).toBe(1);
    expect(r.out).toContain("error: STEVIE_STACK_PREFIX must be an absolute path (found 'opt/stevie')");
    expect(r.out).toContain("fix: set STEVIE_STACK_PREFIX to a directory");
  });
});

/** Every file under dir, relative to the repository. */
function walk(dir: string): string[] {
  const abs = join(repoRoot, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, f))
    .filter((f) => statSync(join(repoRoot, f)).isFile());
}

describe("the npm package", () => {
  it("is publishable and builds itself on pack", () => {
    expect(pkg.private, "package.json: remove `private: true`").not.toBe(true);
    expect(pkg.scripts.prepack, "package.json: scripts.prepack must build").toMatch(/npm run build/);
  });

  // `npm pack --dry-run` lists the built dist/ as it is: npm test builds before vitest runs.
  it.skipIf(!existsSync(join(repoRoot, "dist", "cli", "bin.js")))(
    "holds everything `install` reads at run time and nothing that is only for development",
    { timeout: 60_000 },
    async () => {
      const { stdout } = await execFileP(
        "npm",
        ["pack", "--dry-run", "--json", "--ignore-scripts", "--loglevel=error"],
        { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
      );
      const [report] = JSON.parse(stdout) as { files: { path: string }[]; size: number; unpackedSize: number }[];
      const files = new Set(report!.files.map((f) => f.path));
      const bundle = "dist/server-bundle";
      const needed = [
        "package.json",
        "README.md",
        "install.sh",
        ...Object.values(pkg.bin),
        ...Object.values(pkg.exports ?? {})
          .flatMap((e) => Object.values(e))
          .map((p) => relative(".", p)),
        // The images' build contexts, the alert rules, the SQL the drills run.
        ...walk("compose"),
        ...IMAGE_NAMES.map((i) => `compose/images/${i}/Dockerfile`),
        ...walk("grafana/provisioning"),
        ...walk("grafana/dashboards").filter((f) => f.endsWith(".json")),
        // The API image's app/: server, tasks, worker, catalogue, embeddings, model, migrations, Piscina, WASM.
        ...[
          "main.mjs",
          "tasks.mjs",
          "embed-worker.mjs",
          "catalog.json",
          "embeddings/use-lite-512.json",
          "node_modules/piscina/package.json",
        ].map((f) => `${bundle}/${f}`),
        ...["model.json", "vocab.json", ...Array.from({ length: 7 }, (_, i) => `group1-shard${i + 1}of7`)].map(
          (f) => `${bundle}/models/use-lite-512/${f}`,
        ),
        ...walk("prisma/migrations").map((f) => `${bundle}/migrations/${relative("prisma/migrations", f)}`),
        ...["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm"].map((f) => `${bundle}/chunks/${f}`),
      ];
      expect(
        needed.filter((f) => !files.has(f)),
        "missing from the package",
      ).toEqual([]);

      const topLevel = new Set([...files].map((f) => f.split("/")[0]));
      expect(
        [...topLevel].filter(
          (t) =>
            !["dist", "compose", "grafana", "prisma", "install.sh", "README.md", "package.json", "LICENSE"].includes(
              t!,
            ),
        ),
        "unexpected top-level entries",
      ).toEqual([]);
      const devOnly = [...files].filter(
        (f) =>
          /(^|\/)(test|tests|__snapshots__|\.cache|fixtures)\//.test(f) ||
          /\.(test|spec)\.[cm]?[jt]sx?$/.test(f) ||
          (/\.[cm]?tsx?$/.test(f) && !/\.d\.[cm]?ts$/.test(f)),
      );
      expect(devOnly, "development-only files in the package").toEqual([]);
      process.stdout.write(
        `npm package: ${files.size} files, ${(report!.size / 1e6).toFixed(1)} MB packed, ${(report!.unpackedSize / 1e6).toFixed(1)} MB unpacked\n`,
      );
    },
  );
});
