import { readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { stringify } from "yaml";
import type { StevieConfig } from "../../config/schema.js";
import { STATUS_DIR, STATUS_SOCKET } from "../../../nginx/render.js";
import { packageRoot } from "../../package-root.js";
import type { ComposeService } from "../compose-types.js";
import { ROOT_ONLY } from "../filesystems.js";
import { API_PORT } from "./api.js";
import { baseService, caTrustLabel, fileHashLabel, health, type StackContext } from "./common.js";
import { PATRONI_CLIENT_SECRET } from "../topology.js";
import { alertSecretsWanted } from "../alert-access.js";
import { BACKUP_METRICS_VOLUME } from "./postgres.js";

/**
 * Metrics and alerts inside the stack: Prometheus and Alertmanager with node, PostgreSQL, Redis and nginx exporters,
 * all from one image of Debian packages. Prometheus and the exporters sit on the internal `data` network only (nothing
 * is published); Alertmanager also joins `alerting`, its own way out to the operator's webhook or mail relay, and
 * listens on its data address only; the nginx exporter reads nginx's stub_status through a Unix socket in a volume the
 * two share (NGINX_STATUS_VOLUME), so neither joins the other's network. The API, Patroni and HAProxy expose their own
 * /metrics.
 */

export const PROMETHEUS_PORT = 9090;
export const ALERTMANAGER_PORT = 9093;
export const MONITORING_SERVICES = [
  "prometheus",
  "alertmanager",
  "node-exporter",
  "postgres-exporter",
  "redis-exporter",
  "nginx-exporter",
] as const;

export const ALERTING_NETWORK = "alerting";
export const GRAFANA_NETWORK = "grafana";
/** Holds nginx's stub_status socket: nginx listens on it, the nginx exporter reads it; nothing else mounts it. */
export const NGINX_STATUS_VOLUME = "nginx-status";

/** Where the rendered files go in the stack directory, and where the containers see them. */
export const MONITORING_DIR = "monitoring";
export const TEXTFILE_DIR = "monitoring/textfile";
/** node-exporter's windows onto the filesystems it measures: a volume (Docker's), a directory (the stack's). */
export const NODE_FS_VOLUME = "node-exporter-fs";
export const FS_PROBE_DIR = "monitoring/fs-probe";

/** Nothing written outside their volumes; no capability (see CONFINED in common.ts). */
const hardening = { read_only: true };

/** Prometheus and Alertmanager are healthy when they say they are ready. */
const readyCheck = (address: string) =>
  health(["CMD", "curl", "-fsS", "-o", "/dev/null", `http://${address}/-/ready`], {
    interval: "10s",
    start_period: "30s",
  });

/** An exporter is healthy when its landing page answers (cheap: no scrape of its target). */
const exporter = (ctx: StackContext, name: string, port: number) =>
  baseService(
    ctx,
    name,
    "monitoring",
    ctx.sizing.exporter,
    health(["CMD", "curl", "-fsS", "-o", "/dev/null", `http://127.0.0.1:${port}/`], {
      interval: "30s",
      start_period: "30s",
    }),
  );

/** The two exporters check certificates against the stack's CA in Go (see caTrustLabel). */
const withCaTrust = (ctx: StackContext, svc: ComposeService) => ({
  ...svc,
  labels: { ...svc.labels, ...caTrustLabel(ctx) },
});

export function monitoringServices(ctx: StackContext): Record<string, ComposeService> {
  if (!ctx.config.monitoring.enabled) return {};
  return {
    prometheus: prometheusService(ctx),
    alertmanager: alertmanagerService(ctx),
    "node-exporter": nodeExporterService(ctx),
    ...exporterServices(ctx),
  };
}

function prometheusService(ctx: StackContext): ComposeService {
  const m = ctx.config.monitoring;
  const prometheus = baseService(
    ctx,
    "prometheus",
    "monitoring",
    ctx.sizing.prometheus,
    readyCheck(`127.0.0.1:${PROMETHEUS_PORT}`),
  );
  return {
    ...prometheus,
    // It scrapes Patroni's REST API with a client certificate and checks the members' in Go (see caTrustLabel).
    labels: { ...prometheus.labels, ...fileHashLabel(ctx, "prometheus"), ...caTrustLabel(ctx) },
    secrets: ["stack_ca", PATRONI_CLIENT_SECRET],
    user: "prometheus",
    command: [
      "prometheus",
      "--config.file=/etc/prometheus/prometheus.yml",
      "--storage.tsdb.path=/prometheus",
      `--storage.tsdb.retention.time=${m.retentionDays}d`,
      `--storage.tsdb.retention.size=${m.retentionSizeMb}MB`,
      `--web.listen-address=:${PROMETHEUS_PORT}`,
    ],
    volumes: [
      "prometheus-data:/prometheus",
      `./${MONITORING_DIR}/prometheus.yml:/etc/prometheus/prometheus.yml:ro`,
      `./${MONITORING_DIR}/rules:/etc/prometheus/rules:ro`,
    ],
    networks: ["data"],
    stop_grace_period: "30s",
    ...hardening,
  };
}

function alertmanagerService(ctx: StackContext): ComposeService {
  // On its data address only: the alerting network (its way out) reaches the host, and its API is unauthenticated.
  const alertmanagerAt = ctx.topology.alertmanagerIp;
  const secrets = alertSecretsWanted(ctx.config.monitoring.alerts);
  const alertmanager = baseService(
    ctx,
    "alertmanager",
    "monitoring",
    ctx.sizing.exporter,
    readyCheck(`${alertmanagerAt}:${ALERTMANAGER_PORT}`),
  );
  return {
    ...alertmanager,
    labels: { ...alertmanager.labels, ...fileHashLabel(ctx, "alertmanager") },
    user: "prometheus",
    command: [
      "prometheus-alertmanager",
      "--config.file=/etc/alertmanager/alertmanager.yml",
      "--storage.path=/alertmanager",
      "--cluster.listen-address=",
      `--web.listen-address=${alertmanagerAt}:${ALERTMANAGER_PORT}`,
    ],
    volumes: [
      "alertmanager-data:/alertmanager",
      `./${MONITORING_DIR}/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro`,
    ],
    ...(secrets.length ? { secrets } : {}),
    networks: { data: { ipv4_address: alertmanagerAt }, [ALERTING_NETWORK]: {} },
    ...hardening,
  };
}

function nodeExporterService(ctx: StackContext): ComposeService {
  const filesystems = ctx.filesystems ?? ROOT_ONLY;
  return {
    ...exporter(ctx, "node-exporter", 9100),
    command: [
      "prometheus-node-exporter",
      "--path.procfs=/host/proc",
      "--path.sysfs=/host/sys",
      "--path.rootfs=/host/root",
      `--collector.filesystem.mount-points-include=^(${filesystems.map((f) => f.mountpoint.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`,
      "--no-collector.systemd",
      // Figures the CLI writes (certificate expiry, its drills) and the ones the backup scheduler writes.
      "--collector.textfile.directory=/textfile/stack",
      "--collector.textfile.directory=/textfile/backups",
    ],
    volumes: [
      "/proc:/host/proc:ro",
      "/sys:/host/sys:ro",
      // Not read-only: when one filesystem is mounted inside the other, Docker makes the inner mount point in the
      // outer directory. Both directories are root's and node-exporter runs as nobody, so it writes to neither.
      ...filesystems.map(
        (f) =>
          `${f.probe === "volume" ? NODE_FS_VOLUME : `./${FS_PROBE_DIR}`}:${posix.join("/host/root", f.mountpoint).replace(/\/$/, "")}`,
      ),
      `./${TEXTFILE_DIR}:/textfile/stack:ro`,
      `${BACKUP_METRICS_VOLUME}:/textfile/backups:ro`,
    ],
    networks: ["data"],
    ...hardening,
    // As nobody, with no capability, and no host's `/`: the host's /proc and /sys (read-only; what any user may read
    // of them), and for each filesystem it measures a directory on it (filesystems.ts). No host PID namespace.
    user: "65534:65534",
  };
}

/** The PostgreSQL, Redis and nginx exporters. */
function exporterServices(ctx: StackContext): Record<string, ComposeService> {
  return {
    "postgres-exporter": {
      ...withCaTrust(ctx, exporter(ctx, "postgres-exporter", 9187)),
      command: ["prometheus-postgres-exporter", "--web.listen-address=:9187"],
      // Through HAProxy's write port: always the current leader. Its own role (pg_monitor), password from a secret;
      // over TLS, PostgreSQL's certificate checked against the stack's CA and HAProxy's name.
      environment: {
        DATA_SOURCE_URI: "haproxy:5432/stevie?sslmode=verify-full&sslrootcert=/run/secrets/stack_ca",
        DATA_SOURCE_USER: "stevie_monitor",
        DATA_SOURCE_PASS_FILE: "/run/secrets/postgres_monitor_password",
      },
      secrets: ["postgres_monitor_password", "stack_ca"],
      networks: ["data"],
      depends_on: { haproxy: { condition: "service_healthy" } },
      ...hardening,
    },
    "redis-exporter": {
      ...withCaTrust(ctx, exporter(ctx, "redis-exporter", 9121)),
      // One exporter, every Redis and Sentinel scraped through /scrape?target=… (see the prometheus.yml jobs).
      // Over TLS (rediss://), the certificate checked against the stack's CA and the address.
      command: [
        "prometheus-redis-exporter",
        "-web.listen-address=:9121",
        "-redis.addr=",
        "-tls-ca-cert-file=/run/secrets/stack_ca",
      ],
      environment: { REDIS_PASSWORD_FILE: "/run/secrets/redis_password" },
      secrets: ["redis_password", "stack_ca"],
      networks: ["data"],
      ...hardening,
    },
    "nginx-exporter": {
      ...exporter(ctx, "nginx-exporter", 9113),
      command: [
        "prometheus-nginx-exporter",
        `--nginx.scrape-uri=unix:${STATUS_SOCKET}:/stub_status`,
        "--web.listen-address=:9113",
      ],
      volumes: [`${NGINX_STATUS_VOLUME}:${STATUS_DIR}:ro`],
      networks: ["data"],
      depends_on: { nginx: { condition: "service_started" } },
      ...hardening,
    },
  };
}

/**
 * Grafana (opt-in: its official image comes from Docker Hub): the provisioned datasource and dashboards from the
 * package's grafana/ directory, copied into the stack directory; published on 127.0.0.1 only; admin password from a
 * secret; no sign-up, no anonymous access.
 */
export function grafanaService(ctx: StackContext): ComposeService | undefined {
  const g = ctx.config.monitoring.grafana;
  if (!ctx.config.monitoring.enabled || !g.enabled) return undefined;
  const base = baseService(
    ctx,
    "grafana",
    "monitoring",
    ctx.sizing.exporter,
    health(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:3000/api/health"], {
      interval: "15s",
      start_period: "60s",
    }),
  );
  return {
    ...base,
    image: g.image,
    labels: { ...base.labels, ...fileHashLabel(ctx, "grafana") },
    deploy: { resources: { limits: { cpus: "0.5", memory: "256M", pids: 256 } } },
    environment: {
      GF_SECURITY_ADMIN_USER: "admin",
      GF_SECURITY_ADMIN_PASSWORD__FILE: "/run/secrets/grafana_admin_password",
      GF_USERS_ALLOW_SIGN_UP: "false",
      GF_AUTH_ANONYMOUS_ENABLED: "false",
      GF_ANALYTICS_REPORTING_ENABLED: "false",
      GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
    },
    secrets: ["grafana_admin_password"],
    // Root inside the container, with no capability: compose's file secrets keep the host file's 0600 root mode.
    // Root filesystem writable: Docker Hub's image, which these machines cannot pull, so read-only is untested.
    user: "0",
    ports: [`127.0.0.1:${g.port}:3000`],
    volumes: [
      "grafana-data:/var/lib/grafana",
      `./${MONITORING_DIR}/grafana/provisioning:/etc/grafana/provisioning:ro`,
      `./${MONITORING_DIR}/grafana/dashboards:/var/lib/grafana/dashboards:ro`,
    ],
    // Its own network to be published on: not `edge`, where nginx would reach it.
    networks: ["data", GRAFANA_NETWORK],
    depends_on: { prometheus: { condition: "service_healthy" } },
  };
}

/**
 * The package's grafana/ provisioning and dashboards, as files of the stack directory (relative path, content); with
 * the log store on, a Loki datasource too.
 */
export function grafanaFiles(config: StevieConfig): { path: string; content: string }[] {
  const root = join(packageRoot(), "grafana");
  const files = [
    join("provisioning", "datasources", "prometheus.yml"),
    join("provisioning", "dashboards", "stevie.yml"),
    ...readdirSync(join(root, "dashboards"))
      .filter((f) => f.endsWith(".json"))
      .map((f) => join("dashboards", f)),
  ];
  const out = files.map((f) => ({
    path: join(MONITORING_DIR, "grafana", f),
    content: readFileSync(join(root, f), "utf8"),
  }));
  if (config.monitoring.logs.enabled) {
    const loki = {
      apiVersion: 1,
      datasources: [
        {
          name: "Loki",
          uid: "stevie-loki",
          type: "loki",
          access: "proxy",
          url: `http://loki:${LOKI_PORT}`,
          editable: false,
        },
      ],
    };
    out.push({
      path: join(MONITORING_DIR, "grafana", "provisioning", "datasources", "loki.yml"),
      content: `# Generated by stevie-stack: the stack's Loki.\n${stringify(loki)}`,
    });
  }
  return out;
}

/** prometheus.yml: what is scraped, every 15 s. */
export function renderPrometheusConfig(ctx: StackContext): string {
  const topo = ctx.topology;
  const redisTargets = (port: number, nodes: { ip: string; service: string }[]) =>
    nodes.map((n) => ({ targets: [`rediss://${n.ip}:${port}`], labels: { service: n.service } }));
  const viaRedisExporter = (job: string, groups: ReturnType<typeof redisTargets>) => ({
    job_name: job,
    metrics_path: "/scrape",
    static_configs: groups,
    relabel_configs: [
      { source_labels: ["__address__"], target_label: "__param_target" },
      { source_labels: ["__param_target"], target_label: "instance" },
      { target_label: "__address__", replacement: "redis-exporter:9121" },
    ],
  });
  const config = {
    global: {
      scrape_interval: "15s",
      evaluation_interval: "15s",
      external_labels: { stack: ctx.config.projectName, environment: ctx.config.environment },
    },
    rule_files: ["/etc/prometheus/rules/*.yml"],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`alertmanager:${ALERTMANAGER_PORT}`] }] }] },
    scrape_configs: [
      // API replicas come and go (scale, upgrade): Docker's DNS names every running one.
      { job_name: "api", dns_sd_configs: [{ names: ["api"], type: "A", port: API_PORT, refresh_interval: "10s" }] },
      {
        job_name: "patroni",
        // Patroni's REST API answers only a certificate from the stack's CA (patroni-config.sh).
        scheme: "https",
        tls_config: {
          ca_file: "/run/secrets/stack_ca",
          cert_file: `/run/secrets/${PATRONI_CLIENT_SECRET}`,
          key_file: `/run/secrets/${PATRONI_CLIENT_SECRET}`,
        },
        static_configs: [{ targets: topo.postgres.map((m) => `${m}:8008`) }],
        relabel_configs: [{ source_labels: ["__address__"], regex: "([^:]+):.*", target_label: "member" }],
      },
      { job_name: "postgres", static_configs: [{ targets: ["postgres-exporter:9187"] }] },
      viaRedisExporter("redis", redisTargets(6379, topo.redis)),
      viaRedisExporter("sentinel", redisTargets(26379, topo.sentinels)),
      { job_name: "haproxy", static_configs: [{ targets: ["haproxy:8404"] }] },
      { job_name: "nginx", static_configs: [{ targets: ["nginx-exporter:9113"] }] },
      { job_name: "node", static_configs: [{ targets: ["node-exporter:9100"] }] },
      { job_name: "alertmanager", static_configs: [{ targets: [`alertmanager:${ALERTMANAGER_PORT}`] }] },
      { job_name: "prometheus", static_configs: [{ targets: [`localhost:${PROMETHEUS_PORT}`] }] },
      ...(ctx.config.monitoring.logs.enabled
        ? [
            { job_name: "loki", static_configs: [{ targets: [`loki:${LOKI_PORT}`] }] },
            { job_name: "alloy", static_configs: [{ targets: [`alloy:${ALLOY_PORT}`] }] },
          ]
        : []),
    ],
  };
  return `# Generated by stevie-stack from stevie.yaml.\n${stringify(config, { lineWidth: 0 })}`;
}

/** The values the alert rules compare against, from the config (recording rules: constants). */
export interface StackRuleValues {
  apiReplicas: number;
  openaiBudgetUsd: number;
  backupMaxAgeSeconds: number;
  drillMaxAgeSeconds: number;
}

export function stackRuleValues(config: StevieConfig): StackRuleValues {
  const grace = 2 * 3600;
  const b = config.backup;
  return {
    apiReplicas: config.api.replicas,
    openaiBudgetUsd: config.monitoring.openaiMonthlyBudgetUsd,
    backupMaxAgeSeconds: Math.min(b.fullEveryHours, b.diffEveryHours) * 3600 + grace,
    drillMaxAgeSeconds: b.drillEveryHours > 0 ? b.drillEveryHours * 3600 + grace : Infinity,
  };
}

/** rules/stack.yml: the config's thresholds as recording rules (a budget of 0 never alerts). */
export function renderStackRules(v: StackRuleValues): string {
  const num = (n: number) => (Number.isFinite(n) ? String(n) : "+Inf");
  const rules = [
    { record: "stevie:api_replicas_expected", expr: `vector(${v.apiReplicas})` },
    { record: "stevie:openai_budget_usd", expr: `vector(${v.openaiBudgetUsd > 0 ? v.openaiBudgetUsd : "+Inf"})` },
    { record: "stevie:backup_max_age_seconds", expr: `vector(${num(v.backupMaxAgeSeconds)})` },
    { record: "stevie:drill_max_age_seconds", expr: `vector(${num(v.drillMaxAgeSeconds)})` },
  ];
  return `# Generated by stevie-stack from stevie.yaml: the thresholds alerts.yml compares against.\n${stringify({ groups: [{ name: "stack-settings", rules }] }, { lineWidth: 0 })}`;
}

/**
 * rules/logs.yml: with the log store on, an alert when Loki refuses log lines because they exceed its disk budget
 * (they are still in Docker's own rotated logs, which `stevie-stack logs` reads). Written either way, empty when the
 * log store is off, so that turning it off leaves no rule behind.
 */
export function renderLogsRules(config: StevieConfig): string {
  const { rateMb } = lokiBudget(config.monitoring.logs);
  const rules = config.monitoring.logs.enabled
    ? [
        {
          alert: "LogsRefused",
          expr: 'sum(increase(loki_discarded_bytes_total{reason="rate_limited"}[15m])) > 0',
          labels: { severity: "warning" },
          annotations: {
            summary: "Loki refused log lines: more log text than its disk budget allows",
            description: `Loki accepts ${Math.round(rateMb * 1_048_576)} bytes of log text a second on average (monitoring.logs.maxSizeMb over retentionDays); the refused lines are only in Docker's own logs (stevie-stack logs). Raise maxSizeMb, or find the service that logs too much.`,
          },
        },
      ]
    : [];
  return `# Generated by stevie-stack from stevie.yaml (monitoring.logs).\n${stringify({ groups: rules.length ? [{ name: "logs", rules }] : [] }, { lineWidth: 0 })}`;
}

/** The alert rules shipped with stevie-stack (compose/monitoring/alerts.yml). */
export const alertRules = (): string =>
  readFileSync(join(packageRoot(), "compose", "monitoring", "alerts.yml"), "utf8");

/**
 * alertmanager.yml: critical alerts go out at once and again every hour while they fire; warnings wait 5 minutes to be
 * grouped and repeat every 12 hours; PagerDuty (when set) pages for critical ones only. Every receiver hears of the
 * resolution too. Passwords, the Slack URL and the routing key are files Alertmanager reads (alert-access.ts). With
 * no receiver configured, alerts are kept for `status` and `alerts list` only.
 */
export function renderAlertmanagerConfig(config: StevieConfig): string {
  const a = config.monitoring.alerts;
  const secret = (name: string) => `/run/secrets/${name}`;
  const receiver: Record<string, unknown> = { name: "operator" };
  if (a.webhookUrl) receiver.webhook_configs = [{ url: a.webhookUrl, send_resolved: true }];
  if (a.email)
    receiver.email_configs = [
      {
        to: a.email.to,
        from: a.email.from,
        smarthost: a.email.smarthost,
        require_tls: a.email.requireTls,
        ...(a.email.username
          ? { auth_username: a.email.username, auth_password_file: secret("alert_smtp_password") }
          : {}),
        ...(a.email.caFile ? { tls_config: { ca_file: secret("alert_smtp_ca") } } : {}),
        send_resolved: true,
      },
    ];
  if (a.slack)
    receiver.slack_configs = [
      {
        api_url_file: secret("alert_slack_url"),
        ...(a.slack.channel ? { channel: a.slack.channel } : {}),
        send_resolved: true,
        title: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})",
        text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
      },
    ];
  const pager = a.pagerduty
    ? [{ name: "pager", pagerduty_configs: [{ routing_key_file: secret("alert_pagerduty_key"), send_resolved: true }] }]
    : [];
  const critical = (receiver: string) => ({
    matchers: ['severity="critical"'],
    receiver,
    ...{ group_wait: "0s", group_interval: "1m", repeat_interval: "1h" },
  });
  const doc = {
    route: {
      receiver: "operator",
      group_by: ["alertname", "severity"],
      group_wait: "5m",
      group_interval: "10m",
      repeat_interval: "12h",
      routes: [
        { ...critical("operator"), ...(pager.length ? { continue: true } : {}) },
        ...(pager.length ? [critical("pager")] : []),
      ],
    },
    // A critical alert silences the warning of the same name (the certificate's 3-day alert, its 14-day one).
    inhibit_rules: [
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["alertname"] },
    ],
    receivers: [receiver, ...pager],
  };
  return `# Generated by stevie-stack from stevie.yaml (monitoring.alerts).\n${stringify(doc, { lineWidth: 0 })}`;
}

export const LOKI_PORT = 3100;
export const ALLOY_PORT = 12345;

/**
 * Loki and Alloy (opt-in, official images): Alloy finds the stack's containers through the Docker socket (read-only),
 * reads their JSON logs and pushes them to Loki, which keeps `logs.retentionDays` (compactor retention) on its volume.
 * Docker's own rotation (5 × 10 MB per container) still bounds what the host keeps.
 */
export function logServices(ctx: StackContext): Record<string, ComposeService> {
  const l = ctx.config.monitoring.logs;
  if (!ctx.config.monitoring.enabled || !l.enabled) return {};
  // Both images are distroless (no shell, no HTTP client): no container health check is possible. Prometheus scrapes
  // them instead (jobs loki and alloy), so ServiceDown fires when either stops answering.
  const loki = baseService(ctx, "loki", "monitoring", ctx.sizing.prometheus);
  const alloy = baseService(ctx, "alloy", "monitoring", ctx.sizing.exporter);
  return {
    loki: {
      ...loki,
      image: l.lokiImage,
      labels: { ...loki.labels, ...fileHashLabel(ctx, "loki") },
      command: ["-config.file=/etc/loki/loki.yml"],
      volumes: ["loki-data:/loki", `./${MONITORING_DIR}/loki.yml:/etc/loki/loki.yml:ro`],
      networks: ["data"],
      // Root filesystem writable: Docker Hub's image, which these machines cannot pull, so read-only is untested.
    },
    alloy: {
      ...alloy,
      image: l.alloyImage,
      labels: { ...alloy.labels, ...fileHashLabel(ctx, "alloy") },
      command: [
        "run",
        "--storage.path=/var/lib/alloy/data",
        `--server.http.listen-addr=0.0.0.0:${ALLOY_PORT}`,
        "/etc/alloy/config.alloy",
      ],
      volumes: [
        "alloy-data:/var/lib/alloy/data",
        `./${MONITORING_DIR}/config.alloy:/etc/alloy/config.alloy:ro`,
        "/var/run/docker.sock:/var/run/docker.sock:ro",
      ],
      networks: ["data"],
      depends_on: { loki: { condition: "service_started" } },
      // Root filesystem writable: Docker Hub's image, which these machines cannot pull, so read-only is untested.
    },
  };
}

/** Time-based retention lets data outlive `retentionDays` by the compactor's delete delay (2 h), its interval and a chunk's span (up to 2 h): one day covers all three. */
const LOKI_RETENTION_SLACK_S = 86_400;

/**
 * Loki's disk budget. Loki can only expire logs by age, so the size is bounded by what it accepts: at most
 * `rate × (retention + slack) + burst` bytes of log text can be on disk at once (chunks are compressed, so in practice
 * far less). 90 % of `maxSizeMb` goes to chunks; the rest is for the index, the write-ahead log and the compactor's
 * scratch files. A burst of up to 5 % (at most 512 MB) lets a busy hour borrow ahead of the average.
 */
export function lokiBudget(logs: StevieConfig["monitoring"]["logs"]): {
  rateMb: number;
  burstMb: number;
  boundMb: number;
} {
  const chunksMb = logs.maxSizeMb * 0.9;
  const burstMb = Math.min(512, Math.floor(chunksMb * 0.05));
  const windowS = logs.retentionDays * 86_400 + LOKI_RETENTION_SLACK_S;
  // Rounded down to a byte a second, so that the bound below never exceeds the budget.
  const rateMb = Math.floor(((chunksMb - burstMb) / windowS) * 1_048_576) / 1_048_576;
  return { rateMb, burstMb, boundMb: rateMb * windowS + burstMb };
}

/** loki.yml: one process, filesystem storage, TSDB index, retention by the compactor, ingestion within the disk budget. */
export function renderLokiConfig(config: StevieConfig): string {
  const hours = config.monitoring.logs.retentionDays * 24;
  const budget = lokiBudget(config.monitoring.logs);
  const doc = {
    auth_enabled: false,
    server: { http_listen_port: LOKI_PORT, log_level: "warn" },
    common: {
      path_prefix: "/loki",
      replication_factor: 1,
      ring: { kvstore: { store: "inmemory" } },
      storage: { filesystem: { chunks_directory: "/loki/chunks", rules_directory: "/loki/rules" } },
    },
    schema_config: {
      configs: [
        {
          from: "2024-01-01",
          store: "tsdb",
          object_store: "filesystem",
          schema: "v13",
          index: { prefix: "index_", period: "24h" },
        },
      ],
    },
    limits_config: {
      retention_period: `${hours}h`,
      ingestion_rate_strategy: "local",
      ingestion_rate_mb: budget.rateMb,
      ingestion_burst_size_mb: budget.burstMb,
      max_query_lookback: `${hours}h`,
      reject_old_samples: true,
      reject_old_samples_max_age: "168h",
    },
    ingester: { max_chunk_age: "2h" },
    compactor: {
      working_directory: "/loki/compactor",
      retention_enabled: true,
      delete_request_store: "filesystem",
      retention_delete_delay: "2h",
      compaction_interval: "10m",
    },
    analytics: { reporting_enabled: false },
  };
  return `# Generated by stevie-stack from stevie.yaml (monitoring.logs).\n${stringify(doc, { lineWidth: 0 })}`;
}

/** config.alloy: the stack's containers (by project label) → their service name and level as labels → Loki. */
export function renderAlloyConfig(config: StevieConfig): string {
  return `// Generated by stevie-stack from stevie.yaml (monitoring.logs): every container of project ${config.projectName} to Loki.
discovery.docker "stack" {
  host = "unix:///var/run/docker.sock"
  filter {
    name   = "label"
    values = ["io.stevie-stack.project=${config.projectName}"]
  }
}

discovery.relabel "stack" {
  targets = discovery.docker.stack.targets
  rule {
    source_labels = ["__meta_docker_container_label_io_stevie_stack_service"]
    target_label  = "service"
  }
  rule {
    source_labels = ["__meta_docker_container_name"]
    regex         = "/(.*)"
    target_label  = "container"
  }
}

loki.source.docker "stack" {
  host          = "unix:///var/run/docker.sock"
  targets       = discovery.relabel.stack.output
  relabel_rules = discovery.relabel.stack.rules
  forward_to    = [loki.process.levels.receiver]
}

// The API (pino) and nginx log JSON: the level becomes a label, the rest stays in the line.
loki.process "levels" {
  stage.json {
    expressions = { level = "level" }
  }
  stage.labels {
    values = { level = "" }
  }
  forward_to = [loki.write.stack.receiver]
}

loki.write "stack" {
  endpoint {
    url = "http://loki:${LOKI_PORT}/loki/api/v1/push"
  }
  external_labels = { stack = "${config.projectName}", environment = "${config.environment}" }
}
`;
}
