import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../config/load.js";
import { clusterRolesScript, dbRolesScript, ensureAppRole, otherRole, rewriteSecretFile } from "./credentials.js";
import { rotationTargets } from "./rotate.js";

const pw = "a".repeat(64);
const mpw = "b".repeat(64);

describe("clusterRolesScript", () => {
  it("sets the superuser's and the replication role's passwords from psql variables, logging no statement", () => {
    const s = clusterRolesScript(pw, mpw);
    expect(s.indexOf("SET log_statement = 'none';")).toBe(0);
    expect(s).toContain(`\\set su '${pw}'`);
    expect(s).toContain(`\\set rep '${mpw}'`);
    expect(s).toContain("'ALTER ROLE %I PASSWORD %L', 'postgres', :'su'");
    expect(s).toContain("'ALTER ROLE %I PASSWORD %L', 'replicator', :'rep'");
    expect(() => clusterRolesScript(pw, "x'; DROP ROLE replicator; --")).toThrow(
      /secrets\/postgres_replication_password is not the hex/,
    );
  });
});

describe("dbRolesScript", () => {
  it("gives the active role its password, logs no statement, and leaves the other alone when asked to", () => {
    const s = dbRolesScript({ active: "stevie_alt", password: pw, other: "keep" });
    expect(s.indexOf("SET log_statement = 'none';")).toBe(0);
    expect(s).toContain(`\\set pw '${pw}'`);
    expect(s).toContain("'ALTER ROLE %I LOGIN PASSWORD %L', 'stevie_alt', :'pw'");
    expect(s).toContain("ALTER ROLE stevie_alt SET role = 'stevie';");
    expect(s).not.toMatch(/PASSWORD NULL/);
    expect(s).not.toContain("stevie_monitor");
  });

  it("takes the other role's password away: always with force (ending its sessions), only when idle otherwise", () => {
    const force = dbRolesScript({ active: "stevie", password: pw, other: "force" });
    expect(force).toContain("ALTER ROLE stevie_alt PASSWORD NULL;");
    expect(force).toContain("count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'stevie_alt'");
    const idle = dbRolesScript({ active: "stevie", password: pw, other: "if-idle" });
    expect(idle).toContain(
      "'ALTER ROLE %I PASSWORD NULL', 'stevie_alt') WHERE NOT EXISTS (SELECT FROM pg_stat_activity WHERE usename = 'stevie_alt')",
    );
    expect(idle).not.toContain("pg_terminate_backend");
  });

  it("sets the monitoring role's password when given", () => {
    const s = dbRolesScript({ active: "stevie", password: pw, monitorPassword: mpw, other: "keep" });
    expect(s).toContain(`\\set mpw '${mpw}'`);
    expect(s).toContain("'ALTER ROLE %I PASSWORD %L', 'stevie_monitor', :'mpw'");
  });

  it("refuses a value that is not the generated hex (it would be SQL), without showing it", () => {
    expect(() => dbRolesScript({ active: "stevie", password: "x'; DROP ROLE stevie; --", other: "keep" })).toThrow(
      /secrets\/postgres_password is not the hex the installer generates/,
    );
    try {
      dbRolesScript({ active: "stevie", password: "secret'value-here", other: "keep" });
    } catch (err) {
      expect(String(err)).not.toContain("secret'value-here");
    }
  });
});

describe("the API's login role", () => {
  it("alternates between the two roles", () => {
    expect(otherRole("stevie")).toBe("stevie_alt");
    expect(otherRole("stevie_alt")).toBe("stevie");
  });

  it("is stevie for a stack without the file (written 0600), and a wrong name is refused", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevie-roles-"));
    expect(await ensureAppRole(dir)).toBe("stevie");
    expect((await stat(join(dir, "postgres_user"))).mode & 0o777).toBe(0o600);
    await writeFile(join(dir, "postgres_user"), "stevie_alt\n");
    expect(await ensureAppRole(dir)).toBe("stevie_alt");
    await writeFile(join(dir, "postgres_user"), "postgres\n");
    await expect(ensureAppRole(dir)).rejects.toThrow(/names "postgres", which is not one of the API's roles/);
  });

  it("rewrites a secret file in place: same inode (what a container's bind mount sees), mode 0600", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevie-roles-"));
    await writeFile(join(dir, "redis_password"), "old\n", { mode: 0o600 });
    const before = await stat(join(dir, "redis_password"));
    await rewriteSecretFile(dir, "redis_password", pw);
    const after = await stat(join(dir, "redis_password"));
    expect(after.ino).toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, "redis_password"), "utf8")).toBe(`${pw}\n`);
  });
});

describe("rotationTargets", () => {
  const config = (grafana: boolean) => parseConfigText(`monitoring:\n  grafana:\n    enabled: ${grafana}\n`, "test");
  it("all means the database, Redis and etcd, and Grafana when it runs", () => {
    expect(rotationTargets(undefined, config(false))).toEqual(["db", "redis", "etcd"]);
    expect(rotationTargets("all", config(true))).toEqual(["db", "redis", "etcd", "grafana"]);
    expect(rotationTargets("etcd", config(false))).toEqual(["etcd"]);
    expect(rotationTargets("redis", config(false))).toEqual(["redis"]);
  });

  it("refuses what it cannot rotate, with the choices", () => {
    expect(() => rotationTargets("everything", config(true))).toThrow(/cannot rotate "everything"/);
    expect(() => rotationTargets("grafana", config(false))).toThrow(/Grafana is not enabled/);
  });
});
