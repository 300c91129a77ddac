import { join } from "node:path";
import { stringify } from "yaml";
import { ACME_DIR, renderNginxConf } from "../../nginx/render.js";
import { configJsonSchema, SCHEMA_HEADER } from "../config/json-schema.js";
import type { StevieConfig } from "../config/schema.js";
import { buildCompose, renderCompose } from "./compose.js";
import { planFilesOn, readDisk, sha256, type Disk, type GeneratedFile } from "./files.js";
import type { StackPaths } from "./paths.js";
import { API_PORT } from "./services/api.js";
import type { MeasuredFilesystem } from "./filesystems.js";
import type { StackContext } from "./services/common.js";
import type { Sizing } from "./sizing.js";
import { renderHaproxyConf } from "./services/postgres.js";
import {
  alertRules,
  grafanaFiles,
  MONITORING_DIR,
  renderAlloyConfig,
  renderLokiConfig,
  renderLogsRules,
  MONITORING_SERVICES,
  renderAlertmanagerConfig,
  renderPrometheusConfig,
  renderStackRules,
  stackRuleValues,
} from "./services/monitoring.js";
import { ETCD_MEMBERS, topology } from "./topology.js";
import { composeFiles } from "./handle.js";
import type { ServiceCertificate } from "./tls.js";
import type { OpsHost } from "./ops.js";

/** nginx.conf for this config: the edge settings, and where the certificate is for the TLS mode. */
export function renderEdgeConf(config: StevieConfig): string {
  const tls = config.tls.mode;
  return renderNginxConf({
    domain: config.domain,
    httpsPort: config.network.httpsPort,
    upstream: { host: "api", port: API_PORT },
    ...config.edge,
    corsOrigins: config.api.corsOrigins,
    ocspStapling: tls === "files",
    caDownload: tls === "self-signed",
    ...(tls === "acme" ? { certDir: `${ACME_DIR}/live` } : {}),
  });
}

/** What the renderers read from the package and the stack directory, read once beforehand (renderAssets). */
export interface RenderAssets {
  /** compose/monitoring/alerts.yml, copied as it is. */
  alertRules: string;
  /** Grafana's provisioning and dashboards, as files of the stack directory. */
  grafana: { path: string; content: string }[];
  /** The compose files: compose.yaml, and the operator's compose.override.yaml when there is one. */
  composeFiles: string[];
}

export function renderAssets(paths: StackPaths, config: StevieConfig): RenderAssets {
  return {
    alertRules: config.monitoring.enabled ? alertRules() : "",
    grafana: config.monitoring.enabled && config.monitoring.grafana.enabled ? grafanaFiles(config) : [],
    composeFiles: composeFiles(paths),
  };
}

/** Everything the stack's files are rendered from, prepared beforehand: the renderers read nothing else. */
export interface RenderInput {
  paths: StackPaths;
  config: StevieConfig;
  sizing: Sizing;
  version: string;
  /** stevie.yaml as the stack directory keeps it. */
  configText: string;
  /** `ops`: the ops service's view of the host (ops.ts); without it, no ops service. */
  host: { dataSubnet: string; filesystems?: MeasuredFilesystem[]; ops?: OpsHost | undefined };
  /** The image each service runs (content tags), by image name; the version tags without it. */
  images?: Partial<Record<string, string>>;
  /** Hashes of the S3 credentials, the OpenAI key, the CA bundle and the service certificates, when the stack has them. */
  access?: {
    s3?: string;
    openai?: string;
    alerts?: string;
    ca?: string;
    certificates?: Partial<Record<ServiceCertificate, string>>;
  };
  assets: RenderAssets;
}

/**
 * Every plain (non-secret) file of the stack directory, rendered from INPUT. Pure. `kept`: the content of files
 * whose operator's edits install keeps (files.ts, "kept-edited"), by path: what the containers run, so what their
 * labels are made from (see renderKeepingEdits).
 */
export function renderStackFiles(input: RenderInput, kept: Record<string, string> = {}): GeneratedFile[] {
  const { paths, config, sizing, version, configText, host, images, assets } = input;
  const accessHashes = input.access ?? {};
  const topo = topology(config, sizing, host.dataSubnet);
  const nginxConf = renderEdgeConf(config);
  const haproxyConf = renderHaproxyConf(topo);
  const base: StackContext = {
    config,
    sizing,
    version,
    topology: topo,
    ...(images ? { images } : {}),
    ...(host.filesystems ? { filesystems: host.filesystems } : {}),
    ...(host.ops ? { ops: host.ops } : {}),
    paths,
  };
  const mon = join(paths.dir, MONITORING_DIR);
  const monitoring: GeneratedFile[] = config.monitoring.enabled
    ? [
        { path: join(mon, "prometheus.yml"), content: renderPrometheusConfig(base) },
        { path: join(mon, "rules", "alerts.yml"), content: assets.alertRules },
        { path: join(mon, "rules", "stack.yml"), content: renderStackRules(stackRuleValues(config)) },
        { path: join(mon, "rules", "logs.yml"), content: renderLogsRules(config) },
        { path: join(mon, "alertmanager.yml"), content: renderAlertmanagerConfig(config) },
        ...assets.grafana.map((f) => ({ path: join(paths.dir, f.path), content: f.content })),
        ...(config.monitoring.logs.enabled
          ? [
              { path: join(mon, "loki.yml"), content: renderLokiConfig(config) },
              { path: join(mon, "config.alloy"), content: renderAlloyConfig(config) },
            ]
          : []),
      ]
    : [];
  const hash = (...texts: string[]) => sha256(texts.join("\0")).slice(0, 16);
  const running = (f: GeneratedFile) => kept[f.path] ?? f.content;
  const hashOf = (pick: (path: string) => boolean) => hash(...monitoring.filter((f) => pick(f.path)).map(running));
  const alertmanagerYml = hashOf((p) => p.endsWith("alertmanager.yml"));
  const ctx: StackContext = {
    ...base,
    // A changed file mounted into a container recreates that container. prometheus.yml is mounted as a file (a
    // rewrite needs a new container); its rules directory is re-read on SIGHUP (install sends one), so a new replica
    // count or threshold does not restart Prometheus.
    fileHashes: {
      "nginx.conf": hash(kept[paths.nginxConf] ?? nginxConf),
      "haproxy.cfg": hash(kept[paths.haproxyConf] ?? haproxyConf),
      prometheus: hashOf((p) => p.endsWith("prometheus.yml")),
      // With the receivers' secrets (alert-access.ts), which Alertmanager reads at start.
      alertmanager: accessHashes.alerts ? hash(alertmanagerYml, accessHashes.alerts) : alertmanagerYml,
      grafana: hashOf((p) => p.includes("/grafana/")),
      loki: hashOf((p) => p.endsWith("loki.yml")),
      alloy: hashOf((p) => p.endsWith("config.alloy")),
      // The S3 credentials and CA, and the OpenAI key (hashes from ensureS3Access and ensureOpenAIKey; the values
      // stay in secrets/ and tls/). With no OpenAI key hash there is no key: the API runs on the offline model.
      ...(accessHashes.s3 ? { s3: accessHashes.s3 } : {}),
      ...(accessHashes.openai ? { openai: accessHashes.openai } : {}),
      // The CA bundle the stack trusts (tls/ca.crt): a new one recreates the clients that check it in Go.
      ...(accessHashes.ca ? { ca: accessHashes.ca } : {}),
      // Each certificate a service presents (compose.ts withCertificateHash): a renewed one recreates its containers.
      ...Object.fromEntries(Object.entries(accessHashes.certificates ?? {}).map(([c, h]) => [`cert:${c}`, h])),
    },
  };
  const env = [
    "# Generated by stevie-stack. Lets plain `docker compose` commands in this directory find the project.",
    `COMPOSE_PROJECT_NAME=${config.projectName}`,
    // With the operator's compose.override.yaml (when there is one at install) as every stevie-stack command reads it.
    `COMPOSE_FILE=${assets.composeFiles.join(":")}`,
    "",
  ].join("\n");
  return [
    { path: paths.config, content: configText },
    { path: paths.configSchema, content: `${JSON.stringify(configJsonSchema(), null, 2)}\n` },
    { path: paths.compose, content: renderCompose(buildCompose(ctx)) },
    { path: paths.envFile, content: env },
    { path: paths.haproxyConf, content: haproxyConf },
    { path: paths.nginxConf, content: nginxConf },
    ...monitoring,
  ];
}

/** The config as YAML, for a stack installed from flags or the wizard rather than a file. */
export function renderConfigYaml(config: StevieConfig): string {
  return `# ${SCHEMA_HEADER}\n# stevie-stack configuration. Change it and run \`stevie-stack install\` again to apply.\n${stringify(config)}`;
}

/** How many containers of each service the stack should run. */
export function expectedContainers(config: StevieConfig, sizing: Sizing): Record<string, number> {
  const topo = topology(config, sizing, "10.0.0.0/24");
  const one = (names: string[]) => Object.fromEntries(names.map((n) => [n, 1]));
  return {
    nginx: 1,
    api: config.api.replicas,
    haproxy: 1,
    ...one(topo.postgres),
    ...one([...ETCD_MEMBERS]),
    ...one(topo.redis.map((r) => r.service)),
    ...one(topo.sentinels.map((s) => s.service)),
    ...(config.monitoring.enabled
      ? one([
          ...MONITORING_SERVICES,
          ...(config.monitoring.grafana.enabled ? ["grafana"] : []),
          ...(config.monitoring.logs.enabled ? ["loki", "alloy"] : []),
        ])
      : {}),
    ...(config.ops.enabled ? { ops: 1 } : {}),
  };
}

/**
 * The stack's files as `render(kept)` makes them, where a file whose operator's edits install keeps counts with the
 * operator's content: that is what the container mounts, so its label follows that file. Without it a kept nginx.conf
 * labelled the container with our version's hash, so the container was recreated for our changes it never ran, and
 * not for the operator's.
 */
export async function renderKeepingEdits(
  paths: StackPaths,
  render: (kept: Record<string, string>) => GeneratedFile[],
): Promise<GeneratedFile[]> {
  const disk = await readDisk(
    paths,
    render({}).map((f) => f.path),
  );
  return renderKeeping(paths.dir, disk, render);
}

/** renderKeepingEdits over what DISK holds. Pure. */
export function renderKeeping(
  dir: string,
  disk: Disk,
  render: (kept: Record<string, string>) => GeneratedFile[],
): GeneratedFile[] {
  const first = render({});
  const kept = Object.fromEntries(
    planFilesOn(dir, disk, first)
      .filter((p) => p.outcome === "kept-edited")
      .map((p) => [p.file.path, p.current!]),
  );
  return Object.keys(kept).length ? render(kept) : first;
}
