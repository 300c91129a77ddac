import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/load.js";
import { run } from "../exec.js";
import { buildCompose, renderCompose } from "./compose.js";
import { stackPaths } from "./paths.js";
import { ensureS3Access, s3RunArgs, type S3Config } from "./s3.js";
import { sizeStack } from "./sizing.js";
import { topology } from "./topology.js";
import { configuredRepos, pickRepos, sourceRepo } from "../pgbackrest/take-backup.js";

const s3Section = { endpoint: "s3.example.net", bucket: "stevie-backups", uriStyle: "path" as const };

describe("backup.s3 in stevie.yaml", () => {
  it("fills defaults and refuses what pgBackRest could not use, saying which key", () => {
    const c = parseConfig({ backup: { s3: s3Section } }, "test");
    expect(c.backup.s3).toEqual({ ...s3Section, port: 443, region: "us-east-1", path: "/stevie" });
    expect(() => parseConfig({ backup: { s3: { ...s3Section, endpoint: "https://s3.example.net" } } }, "test")).toThrow(
      /backup\.s3\.endpoint.*without scheme/s,
    );
    expect(() => parseConfig({ backup: { s3: { ...s3Section, bucket: "No_Such" } } }, "test")).toThrow(
      /backup\.s3\.bucket/,
    );
    expect(() => parseConfig({ backup: { s3: { ...s3Section, path: "relative" } } }, "test")).toThrow(
      /backup\.s3\.path/,
    );
    expect(() => parseConfig({ backup: { s3: { ...s3Section, secretKey: "x" } } }, "test")).toThrow(/secretKey/);
  });

  it("gives --repo only the repositories the stack has", () => {
    const without = parseConfig({}, "test");
    const withS3 = parseConfig({ backup: { s3: s3Section } }, "test");
    expect(configuredRepos(without)).toEqual(["local"]);
    expect(pickRepos(withS3, undefined)).toEqual(["local", "s3"]);
    expect(pickRepos(withS3, "s3")).toEqual(["s3"]);
    expect(() => pickRepos(without, "s3")).toThrow(/no S3 repository/);
    expect(() => pickRepos(withS3, "nas")).toThrow(/not a repository/);
    // A drill or a restore reads one: the S3 settings, or none for the local volume.
    expect(sourceRepo(withS3, "s3")).toEqual(withS3.backup.s3);
    expect(sourceRepo(withS3, undefined)).toBeUndefined();
    expect(() => sourceRepo(withS3, "all")).toThrow(/reads one repository/);
    expect(() => sourceRepo(without, "s3")).toThrow(/no S3 repository/);
  });
});

describe("compose with an S3 repository", () => {
  const sizing = sizeStack({ cpus: 2, memBytes: 8 * 1024 ** 3 }, "auto");
  const build = (s3?: object, hash?: string) => {
    const config = parseConfig({ projectName: "demo", ...(s3 ? { backup: { s3 } } : {}) }, "test");
    return buildCompose({
      config,
      sizing,
      version: "1.2.3",
      topology: topology(config, sizing, "10.213.7.0/24"),
      ...(hash ? { fileHashes: { s3: hash } } : {}),
    });
  };

  it("gives the members, and nothing else, a way out; none without backup.s3", () => {
    expect(build().networks.egress).toBeUndefined();
    const file = build({ ...s3Section, caFile: "ca.pem" }, "abc123");
    expect(file.networks.egress).toBeDefined();
    expect(file.networks.egress?.internal).toBeUndefined();
    for (const [name, svc] of Object.entries(file.services)) {
      const nets = Array.isArray(svc.networks) ? svc.networks : Object.keys(svc.networks ?? {});
      expect(nets.includes("egress"), name).toBe(/^postgres-\d$/.test(name));
    }
    const member = file.services["postgres-1"]!;
    expect(member.secrets).toEqual(expect.arrayContaining(["s3_access_key", "s3_secret_key", "s3_ca"]));
    expect(member.environment).toMatchObject({
      BACKUP_S3_ENDPOINT: "s3.example.net",
      BACKUP_S3_BUCKET: "stevie-backups",
      BACKUP_S3_URI_STYLE: "path",
      BACKUP_S3_KEY_FILE: "/run/secrets/s3_access_key",
      BACKUP_S3_CA_FILE: "/run/secrets/s3_ca",
    });
    // Changed credentials change this label, so install recreates the members with them.
    expect(Object.values(member.labels ?? {})).toContain("abc123");
    expect(file.secrets.s3_secret_key).toEqual({ file: "./secrets/s3_secret_key" });
    expect(file.secrets.s3_ca).toEqual({ file: "./tls/s3-ca.crt" });
  });
});

describe("S3 credentials", () => {
  const fresh = async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevie-s3-"));
    const paths = stackPaths(dir);
    await mkdir(paths.secrets, { recursive: true });
    return paths;
  };
  const s3 = { ...s3Section, port: 443, region: "us-east-1", path: "/stevie" } as S3Config;
  const env = { STEVIE_S3_ACCESS_KEY_ID: "AKIAEXAMPLE", STEVIE_S3_SECRET_ACCESS_KEY: "wJalrXUtnFEMI-example-secret" };

  it("keeps them in secrets/ (0600), and never in the compose file", async () => {
    const paths = await fresh();
    const first = await ensureS3Access(paths, s3, env);
    expect(first.changed).toBe(true);
    for (const f of ["s3_access_key", "s3_secret_key"])
      expect((await stat(join(paths.secrets, f))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(paths.secrets, "s3_secret_key"), "utf8")).toBe(`${env.STEVIE_S3_SECRET_ACCESS_KEY}\n`);
    // A later install without the variables uses the kept ones; new ones change the hash.
    const again = await ensureS3Access(paths, s3, {});
    expect(again).toEqual({ changed: false, hash: first.hash });
    const rotated = await ensureS3Access(paths, s3, { ...env, STEVIE_S3_SECRET_ACCESS_KEY: "another-secret" });
    expect(rotated.changed).toBe(true);
    expect(rotated.hash).not.toBe(first.hash);
    const sizing = sizeStack({ cpus: 2, memBytes: 8 * 1024 ** 3 }, "auto");
    const config = parseConfig({ projectName: "demo", backup: { s3: s3Section } }, "test");
    const text = renderCompose(
      buildCompose({ config, sizing, version: "1", topology: topology(config, sizing, "10.213.7.0/24") }),
    );
    expect(text).not.toContain("another-secret");
    expect(s3RunArgs(paths, "demo", s3, true).join(" ")).not.toContain("another-secret");
  });

  it("refuses a missing or half-given pair, and a CA that is not a certificate", async () => {
    const paths = await fresh();
    await expect(ensureS3Access(paths, s3, {})).rejects.toThrow(/no S3 credentials/);
    await expect(ensureS3Access(paths, s3, { STEVIE_S3_ACCESS_KEY_ID: "AKIA" })).rejects.toThrow(
      /STEVIE_S3_SECRET_ACCESS_KEY is not set/,
    );
    await writeFile(join(paths.dir, "ca.pem"), "not a certificate\n");
    await expect(ensureS3Access(paths, { ...s3, caFile: "ca.pem" }, env)).rejects.toThrow(/not a PEM certificate/);
    await expect(ensureS3Access(paths, { ...s3, caFile: "missing.pem" }, env)).rejects.toThrow(/cannot be read/);
  });

  it("copies a private CA into tls/ for the members", async () => {
    const paths = await fresh();
    const key = join(paths.dir, "ca.key");
    await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      join(paths.dir, "ca.pem"),
      "-days",
      "2",
      "-subj",
      "/CN=test S3 CA",
    ]);
    const r = await ensureS3Access(paths, { ...s3, caFile: "ca.pem" }, env);
    expect(r.changed).toBe(true);
    expect(await readFile(join(paths.tls, "s3-ca.crt"), "utf8")).toBe(
      await readFile(join(paths.dir, "ca.pem"), "utf8"),
    );
    expect(s3RunArgs(paths, "demo", { ...s3, caFile: "ca.pem" }, true)).toEqual(
      expect.arrayContaining([
        "--network",
        "demo_egress",
        "BACKUP_LOCAL_REPO=off",
        `${join(paths.tls, "s3-ca.crt")}:/run/secrets/s3_ca:ro`,
      ]),
    );
  });
});
