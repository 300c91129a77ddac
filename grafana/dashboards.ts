/**
 * The Grafana dashboards, as data: `npm run dashboards` writes them to grafana/dashboards/*.json, which Grafana's
 * provisioning (grafana/provisioning/) loads. A unit test keeps the JSON in step with this file and checks its shape;
 * the e2e suite runs every expression against the live stack's Prometheus and requires a series from each.
 */

export const DATASOURCE_UID = "stevie-prometheus";

type Unit = "reqps" | "percentunit" | "s" | "bytes" | "short" | "Bps" | "currencyUSD" | "dtdurations";

export interface Panel {
  title: string;
  /** One query per line in the panel; `legend` is Grafana's legend template. */
  queries: { expr: string; legend?: string }[];
  unit: Unit;
  /** "stat" for a single figure, "timeseries" (default) for a graph. */
  kind?: "stat" | "timeseries";
  description?: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  panels: Panel[];
}

const q = (expr: string, legend?: string) => ({ expr, ...(legend ? { legend } : {}) });
/** The q-quantile of a histogram over 5 minutes, summed across replicas, kept apart by `by`. */
const quantile = (qq: number, histogram: string, by: string[] = []) =>
  `histogram_quantile(${qq}, sum by (${["le", ...by].join(", ")}) (rate(${histogram}_bucket[5m])))`;
const FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|proc|sysfs|devtmpfs|fuse.*"';

export const DASHBOARDS: DashboardSpec[] = [
  {
    uid: "stevie-api",
    title: "stevie-stack / API (RED)",
    description: "Rate, errors and duration of the API, per procedure and replica.",
    panels: [
      {
        title: "Requests per second by route",
        unit: "reqps",
        queries: [q("sum by (route) (rate(stevie_http_requests_total[5m]))", "{{route}}")],
      },
      {
        title: "Error ratio (5xx)",
        unit: "percentunit",
        queries: [
          q(
            '(sum(rate(stevie_http_requests_total{status=~"5.."}[5m])) or vector(0)) / sum(rate(stevie_http_requests_total[5m]))',
            "5xx",
          ),
        ],
        description: "Alert HighErrorRate above 5 %.",
      },
      {
        title: "p95 by procedure",
        unit: "s",
        queries: [q(quantile(0.95, "stevie_trpc_procedure_duration_seconds", ["procedure"]), "{{procedure}}")],
        description: "Alert HighLatency above 1 s (chat excluded).",
      },
      {
        title: "p50 / p99 of all procedures",
        unit: "s",
        queries: [
          q(quantile(0.5, "stevie_trpc_procedure_duration_seconds"), "p50"),
          q(quantile(0.99, "stevie_trpc_procedure_duration_seconds"), "p99"),
        ],
      },
      {
        title: "Replicas answering",
        unit: "short",
        kind: "stat",
        queries: [q('count(up{job="api"} == 1)', "up"), q("stevie:api_replicas_expected", "expected")],
      },
      {
        title: "Memory per replica (RSS)",
        unit: "bytes",
        queries: [q('process_resident_memory_bytes{job="api"}', "{{instance}}")],
      },
      {
        title: "Event-loop lag p99",
        unit: "s",
        queries: [q('nodejs_eventloop_lag_p99_seconds{job="api"}', "{{instance}}")],
      },
      {
        title: "Rate-limit decisions",
        unit: "reqps",
        queries: [q("sum by (limiter, result) (rate(stevie_ratelimit_decisions_total[5m]))", "{{limiter}} {{result}}")],
      },
    ],
  },
  {
    uid: "stevie-database",
    title: "stevie-stack / Database",
    description: "Patroni roles and replication, PostgreSQL connections, transactions and query times.",
    panels: [
      { title: "Patroni role (1 = leader)", unit: "short", queries: [q("patroni_primary", "{{name}}")] },
      {
        title: "Replication lag",
        unit: "bytes",
        queries: [
          q(
            "scalar(max(patroni_xlog_location)) - (patroni_xlog_replayed_location and on(instance) patroni_replica == 1)",
            "{{name}}",
          ),
        ],
        description: "Alert ReplicationLagHigh above 64 MiB.",
      },
      {
        title: "Connections by state",
        unit: "short",
        queries: [
          q("sum by (state) (pg_stat_activity_count)", "{{state}}"),
          q("max(pg_settings_max_connections)", "max_connections"),
        ],
      },
      { title: "API pool", unit: "short", queries: [q("sum by (state) (stevie_db_pool_connections)", "{{state}}")] },
      {
        title: "Query time p95 (API)",
        unit: "s",
        queries: [q(quantile(0.95, "stevie_db_query_duration_seconds"), "p95")],
        description: "Alert SlowQueries when over 1 % take longer than 500 ms.",
      },
      {
        title: "Queries slower than 500 ms",
        unit: "percentunit",
        queries: [
          q(
            '(sum(rate(stevie_db_query_duration_seconds_count[5m])) - sum(rate(stevie_db_query_duration_seconds_bucket{le="0.5"}[5m]))) / sum(rate(stevie_db_query_duration_seconds_count[5m]))',
            "slow share",
          ),
        ],
      },
      {
        title: "Commits per second",
        unit: "short",
        queries: [q('sum(rate(pg_stat_database_xact_commit{datname="stevie"}[5m]))', "commits")],
      },
      {
        title: "Database size",
        unit: "bytes",
        kind: "stat",
        queries: [q('pg_database_size_bytes{datname="stevie"}', "stevie")],
      },
    ],
  },
  {
    uid: "stevie-cache",
    title: "stevie-stack / Cache (Redis)",
    description: "Hit ratio and latency of the API's caches, Redis memory and evictions, replication.",
    panels: [
      {
        title: "Hit ratio",
        unit: "percentunit",
        queries: [
          q(
            'sum(rate(stevie_cache_requests_total{result="hit"}[5m])) / sum(rate(stevie_cache_requests_total[5m]))',
            "hits",
          ),
        ],
        description: "Spec: above 80 % for frequently read data.",
      },
      {
        title: "Cache requests by cache and result",
        unit: "reqps",
        queries: [q("sum by (cache, result) (rate(stevie_cache_requests_total[5m]))", "{{cache}} {{result}}")],
      },
      {
        title: "Cache operation p95",
        unit: "s",
        queries: [q(quantile(0.95, "stevie_cache_operation_duration_seconds", ["op"]), "{{op}}")],
        description: "Spec: under 5 ms.",
      },
      {
        title: "Redis memory",
        unit: "bytes",
        queries: [
          q('redis_memory_used_bytes{job="redis"}', "{{service}}"),
          q('redis_memory_max_bytes{job="redis"}', "{{service}} max"),
        ],
      },
      {
        title: "Evictions per second",
        unit: "short",
        queries: [q("sum(rate(redis_evicted_keys_total[5m]))", "evicted")],
        description: "Alert CacheEvictionHigh above 10 % of cache requests.",
      },
      {
        title: "Master and replicas",
        unit: "short",
        queries: [q('redis_connected_slaves{job="redis"}', "{{service}} replicas")],
      },
    ],
  },
  {
    uid: "stevie-openai",
    title: "stevie-stack / OpenAI",
    description: "Latency, errors, tokens and spend against the monthly budget; the circuit breaker.",
    panels: [
      {
        title: "Latency p95 by operation",
        unit: "s",
        queries: [q(quantile(0.95, "stevie_openai_request_duration_seconds", ["operation"]), "{{operation}}")],
      },
      {
        title: "Errors by kind",
        unit: "reqps",
        queries: [q("sum by (kind) (rate(stevie_openai_errors_total[5m]))", "{{kind}}")],
        description: "Alert OpenAIRateLimited on any 429.",
      },
      {
        title: "Tokens per second",
        unit: "short",
        queries: [q("sum by (kind) (rate(stevie_openai_tokens_total[5m]))", "{{kind}}")],
      },
      {
        title: "Spend over 30 days vs budget",
        unit: "currencyUSD",
        queries: [q("stevie:openai_spend_usd_30d", "spent"), q("stevie:openai_budget_usd", "budget")],
        description: "Alerts at 50, 80 and 100 %.",
      },
      {
        title: "Circuit breaker (0 closed, 1 half-open, 2 open)",
        unit: "short",
        kind: "stat",
        queries: [q("max by (breaker) (stevie_openai_circuit_state)", "{{breaker}}")],
      },
    ],
  },
  {
    uid: "stevie-edge",
    title: "stevie-stack / Edge (nginx, TLS)",
    description: "nginx connections and requests, the API's rate limiting, certificate expiry.",
    panels: [
      { title: "Active connections", unit: "short", queries: [q("nginx_connections_active", "active")] },
      {
        title: "Requests per second (nginx)",
        unit: "reqps",
        queries: [q("sum(rate(nginx_http_requests_total[5m]))", "requests")],
      },
      {
        title: "Rate-limited requests",
        unit: "reqps",
        queries: [q("sum by (result) (rate(stevie_ratelimit_decisions_total[5m]))", "{{result}}")],
      },
      {
        title: "Certificates expire in",
        unit: "dtdurations",
        kind: "stat",
        queries: [
          q("min by (certificate) (stevie_tls_certificate_expiry_timestamp_seconds) - time()", "{{certificate}}"),
        ],
        description:
          "server: the one nginx serves; the others, what the services present to each other. install and upgrade renew one with fewer than 30 days left; alert CertificateExpiring at 14 days (warning) and 3 days (critical).",
      },
      { title: "nginx up", unit: "short", kind: "stat", queries: [q("nginx_up", "up")] },
    ],
  },
  {
    uid: "stevie-backups",
    title: "stevie-stack / Backups and drills",
    description: "Age of the newest backup and drill, repository size, drill results and recovery times.",
    panels: [
      {
        title: "Newest backup age",
        unit: "dtdurations",
        kind: "stat",
        queries: [q("time() - max(stevie_backup_last_success_timestamp_seconds)", "age")],
        description: "Alert BackupTooOld past backup.diffEveryHours + 2 h.",
      },
      {
        title: "Newest backup by type",
        unit: "dtdurations",
        queries: [q("time() - stevie_backup_last_success_timestamp_seconds", "{{repo}} {{type}}")],
      },
      { title: "Backup sets", unit: "short", kind: "stat", queries: [q("max(stevie_backup_sets)", "sets")] },
      { title: "Repository size", unit: "bytes", queries: [q("max(stevie_backup_repository_bytes)", "backups + WAL")] },
      {
        title: "Newest passing drill age",
        unit: "dtdurations",
        queries: [q("time() - max by (runner) (stevie_drill_last_success_timestamp_seconds)", "{{runner}}")],
        description: "Alert DrillTooOld past backup.drillEveryHours + 2 h.",
      },
      {
        title: "Newest drill passed (1) / failed (0)",
        unit: "short",
        kind: "stat",
        queries: [q("stevie_drill_last_pass", "{{runner}}")],
      },
      { title: "Drill recovery time (RTO)", unit: "s", queries: [q("stevie_drill_last_rto_seconds", "{{runner}}")] },
    ],
  },
  {
    uid: "stevie-host",
    title: "stevie-stack / Host",
    description: "CPU, memory, disks and network of the machine the stack runs on, and what each service uses of it.",
    panels: [
      {
        title: "CPU busy",
        unit: "percentunit",
        queries: [q('1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))', "cpu")],
        description: "Alert HighCPU above 80 % for 10 minutes.",
      },
      {
        title: "Memory used",
        unit: "percentunit",
        queries: [q("1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", "memory")],
        description: "Alert HighMemory above 80 % for 10 minutes.",
      },
      {
        title: "Disk used",
        unit: "percentunit",
        queries: [q(`1 - node_filesystem_avail_bytes{${FS}} / node_filesystem_size_bytes{${FS}}`, "{{mountpoint}}")],
        description: "Alert DiskAlmostFull above 85 %.",
      },
      { title: "Load (1 min)", unit: "short", queries: [q("node_load1", "load1")] },
      { title: "Network received", unit: "Bps", queries: [q("sum(rate(node_network_receive_bytes_total[5m]))", "in")] },
      { title: "Network sent", unit: "Bps", queries: [q("sum(rate(node_network_transmit_bytes_total[5m]))", "out")] },
      {
        title: "CPU by service (cores)",
        unit: "short",
        queries: [q("sum by (service) (rate(stevie_container_cpu_seconds_total[5m]))", "{{service}}")],
        description: "Each service's containers together, from the engine's figures (the ops service writes them).",
      },
      {
        title: "Memory by service",
        unit: "bytes",
        queries: [q("sum by (service) (stevie_container_memory_bytes)", "{{service}}")],
        description: "Less the file cache the kernel reclaims first, as `docker stats` counts it.",
      },
      {
        title: "Memory against its limit (fullest container)",
        unit: "percentunit",
        queries: [
          q("max by (service) (stevie_container_memory_bytes / stevie_container_memory_limit_bytes)", "{{service}}"),
        ],
        description: "`stevie-stack doctor` compares the last 7 days' peak with each limit.",
      },
      {
        title: "Restarts of the running containers",
        unit: "short",
        queries: [q("max by (service) (stevie_container_restarts)", "{{service}}")],
        description: "How often the engine restarted each service's container since it was created.",
      },
    ],
  },
];

/** A dashboard in Grafana's JSON model (schemaVersion 39): panels two to a row, 12 columns wide, 8 high. */
export function renderDashboard(d: DashboardSpec): Record<string, unknown> {
  const datasource = { type: "prometheus", uid: DATASOURCE_UID };
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ["stevie-stack"],
    timezone: "browser",
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    templating: { list: [] },
    annotations: { list: [] },
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: p.kind ?? "timeseries",
      title: p.title,
      ...(p.description ? { description: p.description } : {}),
      datasource,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      options:
        p.kind === "stat"
          ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false } }
          : { legend: { displayMode: "list", placement: "bottom", showLegend: true } },
      targets: p.queries.map((x, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource,
        expr: x.expr,
        ...(x.legend ? { legendFormat: x.legend } : {}),
      })),
    })),
  };
}

export const dashboardJson = (d: DashboardSpec) => `${JSON.stringify(renderDashboard(d), null, 2)}\n`;

/** Every expression of every dashboard (what the e2e suite runs against the live Prometheus). */
export const dashboardExpressions = (): { dashboard: string; panel: string; expr: string }[] =>
  DASHBOARDS.flatMap((d) =>
    d.panels.flatMap((p) => p.queries.map((x) => ({ dashboard: d.uid, panel: p.title, expr: x.expr }))),
  );
