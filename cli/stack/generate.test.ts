import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../config/load.js";
import { applyFiles, sha256, type GeneratedFile } from "./files.js";
import { renderAssets, renderKeepingEdits, renderStackFiles, type RenderInput } from "./generate.js";
import { FILE_HASH_LABEL } from "./services/common.js";
import { stackPaths } from "./paths.js";
import { sizeStack } from "./sizing.js";

/**
 * The files install renders, for two configurations, each kept as a snapshot: a change to any renderer shows up as a
 * reviewable difference. Not here: nginx.conf (its own snapshot in nginx/render.test.ts), stevie.schema.json (checked
 * in cli/config), and files copied as they are from the repository (the alert rules, the dashboards) or from the
 * caller (stevie.yaml). Pure: a fixed directory, host and subnet.
 */
const paths = stackPaths("/opt/stevie-stack");
const host = { cpus: 4, memBytes: 16 * 1024 ** 3 };
/** The ops service's view of the host (ops.ts): root, a Docker group, the CLI as install.sh puts it. */
const OPS_HOST = {
  uid: 0,
  gid: 0,
  socket: "/var/run/docker.sock",
  socketGid: 989,
  packageRoot: "/usr/local/lib/stevie-stack/cli/lib/node_modules/stevie-stack",
  linked: [],
  cacheDir: "/var/cache/stevie-stack",
};
const SKIP =
  /^(nginx\/nginx\.conf|stevie\.schema\.json|stevie\.yaml|monitoring\/rules\/alerts\.yml|monitoring\/grafana\/dashboards\/.*)$/;

/** `access`: hashes of the S3 credentials and the OpenAI key, when the stack has them. */
function rendered(raw: Record<string, unknown>, access: RenderInput["access"] = {}): Record<string, string> {
  const config = parseConfig(raw, "stevie");
  const files = renderStackFiles({
    paths,
    config,
    sizing: sizeStack(host, config.resources.profile),
    version: "1.2.3",
    configText: "# stevie.yaml as written\n",
    host: { dataSubnet: "10.213.7.0/24", ops: OPS_HOST },
    access,
    assets: renderAssets(paths, config),
  });
  return Object.fromEntries(
    files.map((f) => [relative(paths.dir, f.path), String(f.content)]).filter(([name]) => !SKIP.test(name!)),
  );
}

describe("generated stack files keep their shape", () => {
  it("with the defaults", () => {
    for (const [name, content] of Object.entries(rendered({}))) expect(content).toMatchSnapshot(name);
  });

  it("with three members, S3, OpenAI, Grafana and Loki, and alert receivers", () => {
    const files = rendered(
      {
        postgres: { nodes: 3 },
        backup: { s3: { endpoint: "s3.example.com", bucket: "stevie-backups", region: "eu-west-1" } },
        openai: { chatModel: "gpt-4o-mini" },
        monitoring: {
          grafana: { enabled: true },
          logs: { enabled: true },
          alerts: {
            webhookUrl: "https://hooks.example.com/stevie",
            email: { to: "ops@example.com", from: "stevie@example.com", smarthost: "smtp.example.com:587" },
          },
        },
      },
      {
        ...{ s3: "s3hash", openai: "openaihash", ca: "cahash" },
        certificates: { postgres: "pghash", etcd: "etcdhash", redis: "redishash", "patroni-client": "clienthash" },
      },
    );
    for (const [name, content] of Object.entries(files)) expect(content).toMatchSnapshot(name);
  });
});

describe("an operator's kept edit (renderKeepingEdits)", () => {
  it("labels the container with the file it runs: the operator's, not our version beside it", async () => {
    const dir = stackPaths(await mkdtemp(join(tmpdir(), "stevie-kept-")));
    const config = parseConfig({}, "stevie");
    const render = (kept: Record<string, string>) =>
      renderStackFiles(
        {
          paths: dir,
          config,
          sizing: sizeStack(host, "small"),
          version: "1.2.3",
          configText: "# x\n",
          host: { dataSubnet: "10.213.7.0/24" },
          images: {},
          assets: renderAssets(dir, config),
        },
        kept,
      );
    const label = (files: GeneratedFile[]) =>
      (
        parse(files.find((f) => f.path === dir.compose)!.content) as {
          services: { nginx: { labels: Record<string, string> } };
        }
      ).services.nginx.labels[FILE_HASH_LABEL];
    await applyFiles(dir, render({}));
    const ours = label(render({}));
    expect(label(await renderKeepingEdits(dir, render))).toBe(ours);
    // The operator edits nginx.conf: install keeps it (our version goes to nginx.conf.new), and nginx runs theirs.
    const theirs = `${await readFile(dir.nginxConf, "utf8")}# tuned by the operator\n`;
    await writeFile(dir.nginxConf, theirs);
    const files = await renderKeepingEdits(dir, render);
    expect(label(files)).toBe(sha256(theirs).slice(0, 16));
    expect(label(files)).not.toBe(ours);
    // The edit taken back (the file as we wrote it): our label again.
    await rm(dir.nginxConf);
    expect(label(await renderKeepingEdits(dir, render))).toBe(ours);
  });
});
