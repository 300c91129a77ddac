/**
 * One promtool unit test per alert of compose/monitoring/alerts.yml: the input series just above the threshold
 * (the alert fires, with exactly these labels, at `at`) and just below it (nothing fires at `at`). The thresholds
 * that come from the config use the values in STACK_VALUES. `promtool-tests.ts` turns these into promtool's format.
 */
import type { StackRuleValues } from "../../cli/stack/services/monitoring.js";

export interface Series {
  series: string;
  values: string;
}
export interface AlertCase {
  alert: string;
  /** Sample spacing of the input series (promtool's `interval`); 15s unless said. */
  interval?: string;
  at: string;
  fires: Series[];
  /** Labels of each alert expected to fire (alertname is added), severity included. */
  expect: Record<string, string>[];
  silent: Series[];
}

export const STACK_VALUES: StackRuleValues = {
  apiReplicas: 2,
  openaiBudgetUsd: 100,
  backupMaxAgeSeconds: 26 * 3600,
  drillMaxAgeSeconds: 170 * 3600,
};

const s = (series: string, values: string): Series => ({ series, values });
const api = 'job="api", instance="10.0.0.5:3000"';
const p2 = 'job="patroni", instance="postgres-2:8008", member="postgres-2", name="postgres-2", scope="stevie"';
const p2Labels = {
  job: "patroni",
  instance: "postgres-2:8008",
  member: "postgres-2",
  name: "postgres-2",
  scope: "stevie",
};
const redis12 = 'job="redis", instance="rediss://10.0.0.12:6379", service="redis-2"';
const redis12Labels = { job: "redis", instance: "rediss://10.0.0.12:6379", service: "redis-2" };
const node = 'job="node", instance="node-exporter:9100"';

/** A 15 s series of `n + 1` samples starting at 0 and growing by `step` (a counter). */
const counter = (step: number, n = 80) => `0+${step}x${n}`;
/** A histogram's cumulative buckets, each a counter growing by its share of `per` requests per sample. */
const buckets = (metric: string, labels: string, le: Record<string, number>) =>
  Object.entries(le).map(([b, per]) => s(`${metric}_bucket{${labels}, le="${b}"}`, counter(per)));

export const ALERT_CASES: AlertCase[] = [
  {
    alert: "ServiceDown",
    at: "2m30s",
    fires: [s(`up{${p2}}`, "1 1 1 1 0x12")],
    expect: [{ severity: "critical", ...p2Labels }],
    silent: [s(`up{${p2}}`, "1x16")],
  },
  {
    alert: "APIReplicaDown",
    at: "2m30s",
    // Two replicas; one leaves Docker's DNS after a minute (its series goes stale). Expected: 2.
    fires: [
      s('up{job="api", instance="10.0.0.5:3000"}', "1x16"),
      s('up{job="api", instance="10.0.0.6:3000"}', "1x3 stale"),
    ],
    expect: [{ severity: "critical" }],
    silent: [
      s('up{job="api", instance="10.0.0.5:3000"}', "1x16"),
      s('up{job="api", instance="10.0.0.6:3000"}', "1x16"),
    ],
  },
  {
    alert: "RedisDown",
    at: "1m30s",
    fires: [s(`redis_up{${redis12}}`, "0x8")],
    expect: [{ severity: "critical", ...redis12Labels }],
    silent: [s(`redis_up{${redis12}}`, "1x8")],
  },
  {
    alert: "PostgresWriteEndpointDown",
    at: "1m",
    fires: [s('haproxy_backend_active_servers{job="haproxy", instance="haproxy:8404", proxy="primary"}', "0x6")],
    expect: [{ severity: "critical", job: "haproxy", instance: "haproxy:8404", proxy: "primary" }],
    silent: [s('haproxy_backend_active_servers{job="haproxy", instance="haproxy:8404", proxy="primary"}', "1x6")],
  },
  {
    alert: "DatabaseConnectionFailures",
    at: "2m",
    // The exporter cannot connect, and the API counts failed connections.
    fires: [
      s('pg_up{job="postgres", instance="postgres-exporter:9187"}', "0x8"),
      s(`stevie_db_connection_errors_total{${api}}`, counter(1, 8)),
    ],
    expect: [
      { severity: "critical", job: "postgres", instance: "postgres-exporter:9187" },
      { severity: "critical", job: "api" },
    ],
    silent: [
      s('pg_up{job="postgres", instance="postgres-exporter:9187"}', "1x8"),
      s(`stevie_db_connection_errors_total{${api}}`, "3x8"),
    ],
  },
  {
    alert: "PatroniNoLeader",
    at: "1m",
    fires: [
      s('patroni_primary{job="patroni", instance="postgres-1:8008", name="postgres-1"}', "0x6"),
      s('patroni_primary{job="patroni", instance="postgres-2:8008", name="postgres-2"}', "0x6"),
    ],
    expect: [{ severity: "critical" }],
    silent: [
      s('patroni_primary{job="patroni", instance="postgres-1:8008", name="postgres-1"}', "0x6"),
      s('patroni_primary{job="patroni", instance="postgres-2:8008", name="postgres-2"}', "1x6"),
    ],
  },
  {
    alert: "EtcdUnreachable",
    at: "2m",
    // Last seen at time 0 (never since), against a member that reaches etcd at every sample (the timestamp itself).
    fires: [s(`patroni_dcs_last_seen{${p2}}`, "0x8")],
    expect: [{ severity: "critical", ...p2Labels }],
    silent: [s(`patroni_dcs_last_seen{${p2}}`, "0+15x8")],
  },
  {
    alert: "ReplicaNotStreaming",
    at: "2m30s",
    fires: [s(`patroni_replica{${p2}}`, "1x12"), s(`patroni_postgres_streaming{${p2}}`, "0x12")],
    expect: [{ severity: "warning", ...p2Labels }],
    silent: [s(`patroni_replica{${p2}}`, "1x12"), s(`patroni_postgres_streaming{${p2}}`, "1x12")],
  },
  {
    alert: "ReplicationLagHigh",
    at: "2m30s",
    // 64 MiB is 67108864 bytes: one byte more fires, exactly 64 MiB does not.
    fires: [
      s('patroni_xlog_location{job="patroni", instance="postgres-1:8008", name="postgres-1"}', "1000000000x12"),
      s(`patroni_replica{${p2}}`, "1x12"),
      s(`patroni_xlog_replayed_location{${p2}}`, "932891135x12"),
    ],
    expect: [{ severity: "warning", ...p2Labels }],
    silent: [
      s('patroni_xlog_location{job="patroni", instance="postgres-1:8008", name="postgres-1"}', "1000000000x12"),
      s(`patroni_replica{${p2}}`, "1x12"),
      s(`patroni_xlog_replayed_location{${p2}}`, "932891136x12"),
    ],
  },
  {
    alert: "SlowQueries",
    at: "11m",
    // 1.1 % of queries over 500 ms fires; 0.9 % does not.
    fires: [
      s(`stevie_db_query_duration_seconds_count{${api}, outcome="ok"}`, counter(1000)),
      s(`stevie_db_query_duration_seconds_bucket{${api}, outcome="ok", le="0.5"}`, counter(989)),
    ],
    expect: [{ severity: "warning" }],
    silent: [
      s(`stevie_db_query_duration_seconds_count{${api}, outcome="ok"}`, counter(1000)),
      s(`stevie_db_query_duration_seconds_bucket{${api}, outcome="ok", le="0.5"}`, counter(991)),
    ],
  },
  {
    alert: "DatabaseConnectionsHigh",
    at: "6m",
    fires: [
      s('pg_stat_activity_count{job="postgres", datname="stevie", state="idle"}', "81x30"),
      s('pg_settings_max_connections{job="postgres"}', "100x30"),
    ],
    expect: [{ severity: "warning" }],
    silent: [
      s('pg_stat_activity_count{job="postgres", datname="stevie", state="idle"}', "79x30"),
      s('pg_settings_max_connections{job="postgres"}', "100x30"),
    ],
  },
  {
    alert: "HighErrorRate",
    at: "8m",
    // 6 % of tRPC requests fail: fires; 4 % does not. Health probes and scrapes do not count.
    fires: [
      s(`stevie_http_requests_total{${api}, route="trpc", method="POST", status="500"}`, counter(6)),
      s(`stevie_http_requests_total{${api}, route="trpc", method="POST", status="200"}`, counter(94)),
    ],
    expect: [{ severity: "critical" }],
    silent: [
      s(`stevie_http_requests_total{${api}, route="trpc", method="POST", status="500"}`, counter(4)),
      s(`stevie_http_requests_total{${api}, route="trpc", method="POST", status="200"}`, counter(96)),
      s(`stevie_http_requests_total{${api}, route="/api/health/ready", method="GET", status="503"}`, counter(50)),
    ],
  },
  {
    alert: "HighLatency",
    at: "11m",
    // 94 % within 1 s puts p95 above 1 s; 96 % keeps it below. Chat is left out (its answers stream for seconds).
    fires: buckets(
      "stevie_trpc_procedure_duration_seconds",
      `${api}, procedure="recommend.forNominee", type="post", status="ok"`,
      { "0.5": 90, "1": 94, "2.5": 100, "+Inf": 100 },
    ),
    expect: [{ severity: "critical" }],
    silent: [
      ...buckets(
        "stevie_trpc_procedure_duration_seconds",
        `${api}, procedure="recommend.forNominee", type="post", status="ok"`,
        { "0.5": 90, "1": 96, "2.5": 100, "+Inf": 100 },
      ),
      ...buckets("stevie_trpc_procedure_duration_seconds", `${api}, procedure="chat.send", type="post", status="ok"`, {
        "0.5": 0,
        "1": 0,
        "2.5": 0,
        "+Inf": 100,
      }),
    ],
  },
  {
    alert: "CacheEvictionHigh",
    at: "16m",
    fires: [
      s(`redis_evicted_keys_total{${redis12}}`, counter(11)),
      s(`stevie_cache_requests_total{${api}, cache="recommend", result="hit"}`, counter(100)),
    ],
    expect: [{ severity: "warning" }],
    silent: [
      s(`redis_evicted_keys_total{${redis12}}`, counter(9)),
      s(`stevie_cache_requests_total{${api}, cache="recommend", result="hit"}`, counter(100)),
    ],
  },
  {
    alert: "OpenAIRateLimited",
    at: "1m30s",
    fires: [s(`stevie_openai_errors_total{${api}, operation="chat", kind="rate_limit"}`, "0 0 0 1 1 1 1")],
    expect: [{ severity: "warning" }],
    silent: [
      s(`stevie_openai_errors_total{${api}, operation="chat", kind="rate_limit"}`, "0x6"),
      s(`stevie_openai_errors_total{${api}, operation="chat", kind="timeout"}`, "0 0 0 1 1 1 1"),
    ],
  },
  {
    alert: "OpenAICircuitOpen",
    at: "1m30s",
    fires: [s(`stevie_openai_circuit_state{${api}, breaker="openai"}`, "2x8")],
    expect: [{ severity: "warning" }],
    silent: [s(`stevie_openai_circuit_state{${api}, breaker="openai"}`, "1x8")],
  },
  {
    alert: "DegradedAnswersHigh",
    at: "16m",
    // 31 of 100 deferred fires; 29 stays silent.
    fires: [
      s(`stevie_query_embeddings_total{${api}, outcome="deferred"}`, counter(31)),
      s(`stevie_query_embeddings_total{${api}, outcome="embedded"}`, counter(69)),
    ],
    expect: [{ severity: "warning" }],
    silent: [
      s(`stevie_query_embeddings_total{${api}, outcome="deferred"}`, counter(29)),
      s(`stevie_query_embeddings_total{${api}, outcome="embedded"}`, counter(71)),
    ],
  },
  {
    alert: "HighCPU",
    at: "16m",
    // Idle 2.85 s of every 15 s on one CPU = 81 % busy; 3.15 s = 79 %.
    fires: [s(`node_cpu_seconds_total{${node}, cpu="0", mode="idle"}`, counter(2.85))],
    expect: [{ severity: "warning" }],
    silent: [s(`node_cpu_seconds_total{${node}, cpu="0", mode="idle"}`, counter(3.15))],
  },
  {
    alert: "HighMemory",
    at: "11m",
    fires: [s(`node_memory_MemAvailable_bytes{${node}}`, "19x50"), s(`node_memory_MemTotal_bytes{${node}}`, "100x50")],
    expect: [{ severity: "warning", job: "node", instance: "node-exporter:9100" }],
    silent: [s(`node_memory_MemAvailable_bytes{${node}}`, "21x50"), s(`node_memory_MemTotal_bytes{${node}}`, "100x50")],
  },
  {
    alert: "DiskAlmostFull",
    at: "6m",
    fires: [
      s(`node_filesystem_avail_bytes{${node}, device="/dev/vda1", fstype="ext4", mountpoint="/"}`, "14x30"),
      s(`node_filesystem_size_bytes{${node}, device="/dev/vda1", fstype="ext4", mountpoint="/"}`, "100x30"),
    ],
    expect: [
      {
        severity: "warning",
        job: "node",
        instance: "node-exporter:9100",
        device: "/dev/vda1",
        fstype: "ext4",
        mountpoint: "/",
      },
    ],
    silent: [
      s(`node_filesystem_avail_bytes{${node}, device="/dev/vda1", fstype="ext4", mountpoint="/"}`, "16x30"),
      s(`node_filesystem_size_bytes{${node}, device="/dev/vda1", fstype="ext4", mountpoint="/"}`, "100x30"),
      // A full tmpfs is not the stack's disk.
      s(`node_filesystem_avail_bytes{${node}, device="tmpfs", fstype="tmpfs", mountpoint="/run"}`, "0x30"),
      s(`node_filesystem_size_bytes{${node}, device="tmpfs", fstype="tmpfs", mountpoint="/run"}`, "100x30"),
    ],
  },
  {
    alert: "SentinelFailover",
    interval: "1m",
    at: "8m",
    // redis-2 was a replica for 6 minutes, then became the master; redis-1, master from the start, does not count.
    fires: [
      s(`redis_instance_info{${redis12}, role="slave"}`, "1x5 stale"),
      s(`redis_instance_info{${redis12}, role="master"}`, "_x6 1x4"),
    ],
    expect: [{ severity: "warning", ...redis12Labels, role: "master" }],
    silent: [
      s(
        'redis_instance_info{job="redis", instance="rediss://10.0.0.11:6379", service="redis-1", role="master"}',
        "1x10",
      ),
    ],
  },
  {
    alert: "BackupTooOld",
    at: "1m",
    // time() is 60 at 1m; the limit is 26 h = 93600 s. Judged per repository: a stale S3 copy fires beside a fresh local one.
    fires: [
      s('stevie_backup_last_success_timestamp_seconds{job="node", repo="local", type="diff"}', "0x4"),
      s('stevie_backup_last_success_timestamp_seconds{job="node", repo="s3", type="diff"}', "-93541x4"),
    ],
    expect: [{ severity: "warning", repo: "s3" }],
    silent: [
      s('stevie_backup_last_success_timestamp_seconds{job="node", repo="local", type="diff"}', "0x4"),
      s('stevie_backup_last_success_timestamp_seconds{job="node", repo="s3", type="diff"}', "-93539x4"),
    ],
  },
  {
    alert: "NoBackup",
    interval: "1m",
    at: "2h5m",
    fires: [s(`up{${node}}`, "1x130")],
    expect: [{ severity: "warning" }],
    silent: [
      s(`up{${node}}`, "1x130"),
      s('stevie_backup_last_success_timestamp_seconds{job="node", type="full"}', "0x130"),
      s('stevie_backup_repository_ok{job="node"}', "1x130"),
    ],
  },
  {
    alert: "DrillTooOld",
    at: "1m",
    // The limit is 170 h = 612000 s; the newest of the CLI's and the stack's drills counts.
    fires: [s('stevie_drill_last_success_timestamp_seconds{job="node", runner="stack"}', "-611941x4")],
    expect: [{ severity: "warning" }],
    silent: [
      s('stevie_drill_last_success_timestamp_seconds{job="node", runner="stack"}', "-700000x4"),
      s('stevie_drill_last_success_timestamp_seconds{job="node", runner="cli"}', "-611939x4"),
    ],
  },
  {
    alert: "DrillFailed",
    at: "1m",
    fires: [s('stevie_drill_last_pass{job="node", runner="cli"}', "0x4")],
    expect: [{ severity: "warning", job: "node", runner: "cli" }],
    silent: [s('stevie_drill_last_pass{job="node", runner="cli"}', "1x4")],
  },
  {
    alert: "CertificateExpiring",
    at: "1m",
    // 3 days less a second from now: both the warning (14 days) and the critical (3 days) fire.
    fires: [
      s('stevie_tls_certificate_expiry_timestamp_seconds{job="node", certificate="server"}', `${60 + 3 * 86400 - 1}x4`),
    ],
    expect: [
      { severity: "warning", job: "node", certificate: "server" },
      { severity: "critical", job: "node", certificate: "server" },
    ],
    silent: [
      s(
        'stevie_tls_certificate_expiry_timestamp_seconds{job="node", certificate="server"}',
        `${60 + 14 * 86400 + 1}x4`,
      ),
    ],
  },
  ...([50, 80, 100] as const).map((pct): AlertCase => ({
    alert: `OpenAIBudget${pct}`,
    at: "15s",
    // Spend of the budget (100 USD) plus or minus 10 cents over the window.
    fires: [s(`stevie_openai_cost_usd_total{${api}, model="gpt-4o-mini"}`, `0 ${pct + 0.1}`)],
    expect: [{ severity: "warning", budget: `${pct}%` }],
    silent: [s(`stevie_openai_cost_usd_total{${api}, model="gpt-4o-mini"}`, `0 ${pct - 0.1}`)],
  })),
];

/** The log store's alert (rules/logs.yml, written with monitoring.logs.enabled): Loki refusing lines over its budget. */
export const LOGS_ALERT_CASES: AlertCase[] = [
  {
    alert: "LogsRefused",
    at: "10m",
    fires: [
      s(
        'loki_discarded_bytes_total{job="loki", instance="loki:3100", reason="rate_limited", tenant="fake"}',
        counter(2000, 40),
      ),
    ],
    expect: [{ severity: "warning" }],
    // Lines refused for another reason (too long, too old) are not a budget matter.
    silent: [
      s('loki_discarded_bytes_total{job="loki", instance="loki:3100", reason="rate_limited", tenant="fake"}', "0x40"),
      s(
        'loki_discarded_bytes_total{job="loki", instance="loki:3100", reason="line_too_long", tenant="fake"}',
        counter(2000, 40),
      ),
    ],
  },
];
