import { parse, stringify } from "yaml";
import { PROJECT_LABEL } from "../labels.js";
import type { ComposeFile, ComposeService } from "./compose-types.js";
import { openaiEnabled, type StackContext } from "./services/common.js";
import { apiService, migrateService } from "./services/api.js";
import {
  ALERTING_NETWORK,
  grafanaService,
  GRAFANA_NETWORK,
  logServices,
  monitoringServices,
  NGINX_STATUS_VOLUME,
  NODE_FS_VOLUME,
} from "./services/monitoring.js";
import { nginxService } from "./services/nginx.js";
import { opsService } from "./services/ops.js";
import {
  BACKUP_METRICS_VOLUME,
  BACKUP_VOLUME,
  etcdService,
  haproxyService,
  patroniService,
  POSTGRES_SECRETS,
} from "./services/postgres.js";
import { redisNodeService, sentinelService } from "./services/redis.js";
import { EGRESS_NETWORK, S3_CA_FILE, S3_SECRETS } from "./s3.js";
import { ETCD_KEY_SECRET, ETCD_MEMBERS, ETCD_ROOT_SECRET, PATRONI_CLIENT_SECRET } from "./topology.js";
import { OPENAI_SECRET } from "./openai.js";
import type { ServiceCertificate } from "./tls.js";
import { SMTP_CA_FILE, SMTP_CA_SECRET, alertSecretsWanted } from "./alert-access.js";

/**
 * No route out (internal) and none in: Docker gives the bridge no host address (`inhibit_ipv4`), so the host has no
 * route to the network (Docker 28 calls this gateway mode "isolated"). Compose applies it when it creates the network;
 * a network made by an earlier version keeps its host address until it is recreated (doctor says so).
 */
export const INHIBIT_HOST_ADDRESS = "com.docker.network.bridge.inhibit_ipv4";
export const INTERNAL = { internal: true, driver_opts: { [INHIBIT_HOST_ADDRESS]: "true" } };

/**
 * The whole stack as one typed object. Networks: `edge` joins nginx and the API; `data` (internal: no route
 * out, nothing published; a fixed /24) joins the API with HAProxy, the Postgres members, Redis and the Sentinels;
 * `consensus` (internal) joins the Postgres members with etcd and nothing else. Prometheus and the exporters are on
 * `data` (see services/monitoring.ts). `egress` exists only with an S3 backup repository (the members' way out to it)
 * or an OpenAI key (the migration job's way out to OpenAI; the API has the edge network's); `alerting` is
 * Alertmanager's way out to the operator's receivers, `grafana` the one Grafana is published on.
 * The internal networks have no address on the host (INTERNAL): nothing on them answers the host.
 */
export function buildCompose(ctx: StackContext): ComposeFile {
  const project = { [PROJECT_LABEL]: ctx.config.projectName };
  const topo = ctx.topology;
  const s3 = ctx.config.backup.s3;
  const services: Record<string, ComposeService> = {
    nginx: nginxService(ctx),
    migrate: migrateService(ctx),
    api: apiService(ctx),
    haproxy: haproxyService(ctx),
  };
  for (const m of topo.postgres) services[m] = patroniService(ctx, m);
  for (const m of ETCD_MEMBERS) services[m] = etcdService(ctx, m);
  topo.redis.forEach((_, i) => (services[topo.redis[i]!.service] = redisNodeService(ctx, i)));
  topo.sentinels.forEach((_, i) => (services[topo.sentinels[i]!.service] = sentinelService(ctx, i)));
  Object.assign(services, monitoringServices(ctx), logServices(ctx));
  const grafana = grafanaService(ctx);
  if (grafana) services.grafana = grafana;
  const ops = opsService(ctx);
  if (ops) services.ops = ops;
  for (const svc of Object.values(services)) Object.assign(svc, withCertificateHash(ctx, svc));
  const volumes = [
    ...topo.postgres,
    ...ETCD_MEMBERS,
    ...topo.redis.map((r) => r.service),
    ...topo.sentinels.map((s) => s.service),
  ];
  if (ctx.config.monitoring.enabled) volumes.push("prometheus", "alertmanager");
  if (grafana) volumes.push("grafana");
  if (services.loki) volumes.push("loki", "alloy");
  return {
    name: ctx.config.projectName,
    services,
    networks: {
      edge: { labels: project },
      data: { ...INTERNAL, labels: project, ipam: { config: [{ subnet: topo.subnet, ip_range: topo.dynamicRange }] } },
      consensus: { ...INTERNAL, labels: project },
      ...(s3 || openaiEnabled(ctx) ? { [EGRESS_NETWORK]: { labels: project } } : {}),
      ...(services.alertmanager ? { [ALERTING_NETWORK]: { labels: project } } : {}),
      ...(grafana ? { [GRAFANA_NETWORK]: { labels: project } } : {}),
    },
    volumes: {
      ...Object.fromEntries(volumes.map((v) => [`${v}-data`, { labels: project }])),
      [BACKUP_VOLUME]: { labels: project },
      [BACKUP_METRICS_VOLUME]: { labels: project },
      [NGINX_STATUS_VOLUME]: { labels: project },
      ...(services["node-exporter"] ? { [NODE_FS_VOLUME]: { labels: project } } : {}),
    },
    secrets: {
      ...Object.fromEntries(
        [
          ...new Set([
            ...POSTGRES_SECRETS,
            ETCD_ROOT_SECRET,
            "postgres_user",
            "redis_password",
            "session_key",
            ...(grafana ? ["grafana_admin_password"] : []),
          ]),
        ].map((s) => [s, { file: `./secrets/${s}` }]),
      ),
      // PostgreSQL's certificate and key, and the local CA the API checks it against (see tls.ts).
      postgres_tls_cert: { file: "./tls/postgres.crt" },
      postgres_tls_key: { file: "./tls/postgres.key" },
      stack_ca: { file: "./tls/ca.crt" },
      redis_tls_cert: { file: "./tls/redis.crt" },
      redis_tls_key: { file: "./tls/redis.key" },
      // etcd's certificate, and its key as etcd's user owns it.
      etcd_tls_cert: { file: "./tls/etcd.crt" },
      [ETCD_KEY_SECRET]: { file: `./secrets/${ETCD_KEY_SECRET}` },
      // The client certificate and key for Patroni's REST API, as HAProxy's and Prometheus's user owns it.
      [PATRONI_CLIENT_SECRET]: { file: `./secrets/${PATRONI_CLIENT_SECRET}` },
      ...(s3 ? Object.fromEntries(S3_SECRETS.map((x) => [x, { file: `./secrets/${x}` }])) : {}),
      ...(s3?.caFile ? { s3_ca: { file: `./tls/${S3_CA_FILE}` } } : {}),
      ...(openaiEnabled(ctx) ? { [OPENAI_SECRET]: { file: `./secrets/${OPENAI_SECRET}` } } : {}),
      // What Alertmanager reads to reach the operator (alert-access.ts).
      ...Object.fromEntries(
        (services.alertmanager ? alertSecretsWanted(ctx.config.monitoring.alerts) : []).map((s) => [
          s,
          { file: s === SMTP_CA_SECRET ? `./tls/${SMTP_CA_FILE}` : `./secrets/${s}` },
        ]),
      ),
    },
  };
}

/** The certificate each of these secrets holds (tls/NAME.crt, or a copy of it with its key). */
const CERTIFICATE_SECRETS: Record<string, ServiceCertificate> = {
  postgres_tls_cert: "postgres",
  etcd_tls_cert: "etcd",
  redis_tls_cert: "redis",
  [PATRONI_CLIENT_SECRET]: "patroni-client",
};

/**
 * A service that presents a certificate of the stack's (as a server or a client) carries its hash in a label: a
 * renewed certificate (tls.ts RENEW_DAYS) then recreates the containers that present it, the only way a container
 * started on the previous file sees the new one.
 */
function withCertificateHash(ctx: StackContext, svc: ComposeService): Pick<ComposeService, "labels"> | undefined {
  const certs = [
    ...new Set((svc.secrets ?? []).flatMap((s) => (CERTIFICATE_SECRETS[s] ? [CERTIFICATE_SECRETS[s]] : []))),
  ];
  const hashes = certs.flatMap((c) => (ctx.fileHashes?.[`cert:${c}`] ? [ctx.fileHashes[`cert:${c}`]!] : []));
  return hashes.length ? { labels: { ...svc.labels, [CERT_HASH_LABEL]: hashes.join("-") } } : undefined;
}
export const CERT_HASH_LABEL = "io.stevie-stack.cert-hash";

export function renderCompose(file: ComposeFile): string {
  return `# Generated by stevie-stack. Edit stevie.yaml and re-run \`stevie-stack install\` instead of editing this file.\n${stringify(file, { lineWidth: 0 })}`;
}

/** The images a compose file names, once each (none for an empty or missing file). Pure. */
export function composeImages(text: string | undefined): string[] {
  const doc = (text ? parse(text) : undefined) as { services?: Record<string, { image?: string }> } | null | undefined;
  const services = Object.values(doc?.services ?? {});
  return [...new Set(services.flatMap((s) => (s?.image ? [s.image] : [])))].sort();
}
