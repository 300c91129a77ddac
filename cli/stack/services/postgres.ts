import type { ComposeService } from "../compose-types.js";
import {
  ETCD_HEALTH_USER,
  ETCD_KEY_SECRET,
  ETCD_MEMBERS,
  ETCD_PATRONI_SECRET,
  ETCD_ROOT_SECRET,
  PATRONI_CLIENT_SECRET,
  PATRONI_SCOPE,
  type Topology,
} from "../topology.js";
import { EGRESS_NETWORK, S3_SECRETS, s3Environment } from "../s3.js";
import {
  baseService,
  caTrustLabel,
  DROPS_TO_USER,
  fileHashLabel,
  health,
  imageRef,
  PIDS_LIMIT,
  type StackContext,
} from "./common.js";

/** Secrets a Patroni member reads: the application's password (created at bootstrap), its own three. */
export const POSTGRES_SECRETS = [
  "postgres_password",
  "postgres_monitor_password",
  "postgres_superuser_password",
  "postgres_replication_password",
  "patroni_api_password",
  "pgbackrest_cipher",
  ETCD_PATRONI_SECRET,
];

/** The pgBackRest repository: one volume shared by the members (only the leader writes to it). S3: see ../s3.ts. */
export const BACKUP_VOLUME = "backups";
/**
 * The backup figures for Prometheus (compose/images/postgres/backup-metrics.sh), on a small volume of their own so that
 * node-exporter reads them without any access to the repository.
 */
export const BACKUP_METRICS_VOLUME = "backup-metrics";
export const BACKUP_METRICS_DIR = "/var/lib/stevie-metrics";

export function backupRetentionDays(ctx: StackContext): number {
  return ctx.config.backup.retentionDays ?? (ctx.config.environment === "dev" ? 7 : 30);
}

/** One Patroni member: PostgreSQL 17 + pgvector, its own volume, on the data network (HAProxy) and the consensus network (etcd). */
export function patroniService(ctx: StackContext, name: string): ComposeService {
  const pg = ctx.sizing.postgres;
  const topo = ctx.topology;
  const s3 = ctx.config.backup.s3;
  const base = baseService(
    ctx,
    name,
    "postgres",
    pg,
    health(["CMD", "stevie-patroni-api", "health"], {
      interval: "10s",
      start_period: "180s",
    }),
  );
  return {
    ...base,
    // New S3 credentials or CA reach pgBackRest's config only when the member starts again.
    ...(s3 ? { labels: { ...base.labels, ...fileHashLabel(ctx, "s3") } } : {}),
    command: ["patroni"],
    hostname: name,
    environment: {
      PATRONI_NAME: name,
      PATRONI_ADDRESS: topo.postgresIp[name]!,
      // Who may call Patroni's unsafe endpoints (restart, switchover, failsafe): the members themselves.
      PATRONI_API_ALLOWLIST: topo.postgres.map((m) => topo.postgresIp[m]!).join(","),
      PATRONI_SCOPE,
      ETCD_HOSTS: ETCD_MEMBERS.map((m) => `${m}:2379`).join(","),
      ETCD_PASSWORD_FILE: `/run/secrets/${ETCD_PATRONI_SECRET}`,
      // etcd speaks TLS only: its certificate is checked against the stack's CA and the member's name.
      ETCD_CA_FILE: "/run/secrets/stack_ca",
      PG_SYNCHRONOUS: String(topo.synchronous),
      PG_SHARED_BUFFERS: `${pg.sharedBuffersMb}MB`,
      PG_EFFECTIVE_CACHE_SIZE: `${pg.effectiveCacheMb}MB`,
      POSTGRES_PASSWORD_FILE: "/run/secrets/postgres_password",
      POSTGRES_MONITOR_PASSWORD_FILE: "/run/secrets/postgres_monitor_password",
      POSTGRES_SUPERUSER_PASSWORD_FILE: "/run/secrets/postgres_superuser_password",
      POSTGRES_REPLICATION_PASSWORD_FILE: "/run/secrets/postgres_replication_password",
      PATRONI_API_PASSWORD_FILE: "/run/secrets/patroni_api_password",
      BACKUP_CIPHER_FILE: "/run/secrets/pgbackrest_cipher",
      POSTGRES_TLS_CERT_FILE: "/run/secrets/postgres_tls_cert",
      POSTGRES_TLS_KEY_FILE: "/run/secrets/postgres_tls_key",
      POSTGRES_TLS_CA_FILE: "/run/secrets/stack_ca",
      BACKUP_RETENTION_DAYS: String(backupRetentionDays(ctx)),
      BACKUP_FULL_EVERY_HOURS: String(ctx.config.backup.fullEveryHours),
      BACKUP_DIFF_EVERY_HOURS: String(ctx.config.backup.diffEveryHours),
      BACKUP_DRILL_EVERY_HOURS: String(ctx.config.backup.drillEveryHours),
      HISTORY_DAYS: String(ctx.config.api.historyDays),
      ...(s3 ? s3Environment(s3, backupRetentionDays(ctx)) : {}),
    },
    volumes: [
      `${name}-data:/var/lib/postgresql/data`,
      `${BACKUP_VOLUME}:/var/lib/pgbackrest`,
      `${BACKUP_METRICS_VOLUME}:${BACKUP_METRICS_DIR}`,
    ],
    // With backup.s3 the members (and nothing else) get a route out, to reach the S3 service.
    networks: {
      data: { ipv4_address: topo.postgresIp[name]! },
      consensus: {},
      ...(s3 ? { [EGRESS_NETWORK]: {} } : {}),
    },
    secrets: [
      ...POSTGRES_SECRETS,
      "postgres_tls_cert",
      "postgres_tls_key",
      "stack_ca",
      ...(s3 ? [...S3_SECRETS, ...(s3.caFile ? ["s3_ca"] : [])] : []),
    ],
    depends_on: Object.fromEntries(ETCD_MEMBERS.map((m) => [m, { condition: "service_started" as const }])),
    init: true,
    shm_size: "256m",
    // Patroni stops PostgreSQL cleanly and hands the leader key over before Docker's deadline.
    stop_grace_period: "60s",
    // The entrypoint starts as root to read the secrets into Patroni's and pgBackRest's configs and to give the
    // volumes to postgres, then drops to postgres: CHOWN for that; DAC_OVERRIDE and FOWNER because root writes into
    // postgres's 0700 /run/patroni (here and when \`rotate-secrets\` reloads the config through \`docker exec\`)
    // and sets modes on postgres's directories. Written outside the volumes: the configs, the socket, pgBackRest's
    // lock and a scheduled drill's socket, all under the tmpfs mounts.
    read_only: true,
    tmpfs: ["/run/patroni", "/run/postgresql", "/etc/pgbackrest", "/tmp"],
    cap_add: MEMBER_CAPABILITIES,
  };
}

const MEMBER_CAPABILITIES = ["CHOWN", "DAC_OVERRIDE", "FOWNER", ...DROPS_TO_USER];

/**
 * `docker run` arguments for the one-off containers of the Postgres image (backup, restore, drill, snapshot): a
 * member's capabilities and pids limit, no way to gain privileges. Root filesystem writable: a drill or a restore
 * check recovers a copy of the database into the container's own layer, which goes with the container.
 */
export const ONE_OFF = [
  "--cap-drop",
  "ALL",
  ...MEMBER_CAPABILITIES.flatMap((c) => ["--cap-add", c]),
  "--security-opt",
  "no-new-privileges:true",
  "--pids-limit",
  String(PIDS_LIMIT.postgres),
];

/**
 * `docker run` argv of ENTRYPOINT ARGS in a one-off container of the postgres image, confined as ONE_OFF says: no
 * network unless `network` gives one (its `docker run` options); `options` (e.g. a tmpfs), the `volumes` (`-v`) and the
 * environment (`-e`). Pure.
 */
export function postgresRun(
  version: string,
  entrypoint: string,
  args: string[],
  o: { network?: string[]; volumes?: string[]; options?: string[]; env?: Record<string, string> } = {},
): string[] {
  return [
    "run",
    "--rm",
    ...ONE_OFF,
    ...(o.network ?? ["--network", "none"]),
    ...(o.options ?? []),
    ...(o.volumes ?? []).flatMap((v) => ["-v", v]),
    ...Object.entries(o.env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    "--entrypoint",
    entrypoint,
    imageRef("postgres", version),
    ...args,
  ];
}

export function etcdService(ctx: StackContext, name: string): ComposeService {
  const base = baseService(
    ctx,
    name,
    "etcd",
    ctx.sizing.etcd,
    // As the user that may read nothing: etcd's "permission denied" still shows that a quorum committed the read.
    health(["CMD", "etcdctl", `--user=${ETCD_HEALTH_USER}`, "--command-timeout=3s", "endpoint", "health"], {
      interval: "10s",
      start_period: "30s",
    }),
  );
  return {
    ...base,
    // Its peers check each other's certificate in Go: all three get the new CA together (see caTrustLabel).
    labels: { ...base.labels, ...caTrustLabel(ctx) },
    hostname: name,
    environment: {
      ETCD_NAME: name,
      ETCD_INITIAL_CLUSTER: ETCD_MEMBERS.map((m) => `${m}=https://${m}:2380`).join(","),
      ETCD_INITIAL_CLUSTER_TOKEN: `${ctx.config.projectName}-etcd`,
      // TLS for clients and peers (compose/images/etcd/entrypoint.sh); the key is etcd's user's (tls.ts).
      ETCD_TLS_CERT_FILE: "/run/secrets/etcd_tls_cert",
      ETCD_TLS_KEY_FILE: `/run/secrets/${ETCD_KEY_SECRET}`,
      ETCD_TLS_CA_FILE: "/run/secrets/stack_ca",
      // For etcdctl in the container (the health check, `docker exec` by the CLI and the tests): this member, over TLS.
      ETCDCTL_ENDPOINTS: "https://localhost:2379",
      ETCDCTL_CACERT: "/run/secrets/stack_ca",
    },
    volumes: [`${name}-data:/var/lib/etcd`],
    // The passwords for `docker exec -u 0` (cli/stack/etcd.ts): etcd itself, running as etcd, cannot read them.
    secrets: [ETCD_ROOT_SECRET, ETCD_PATRONI_SECRET, "etcd_tls_cert", ETCD_KEY_SECRET, "stack_ca"],
    networks: ["consensus"],
    init: true,
    // As etcd from the start (its volume is etcd's): no capability; nothing written outside the volume.
    user: "etcd",
    read_only: true,
  };
}

/**
 * HAProxy's health check over its 8404 frontend: `/healthz` fails while no member is the primary (readiness, on
 * Compose); `/ready` answers while HAProxy runs (liveness, on Swarm, which replaces an unhealthy task: swarm.ts).
 */
export const haproxyProbe = (path: "/healthz" | "/ready") => [
  "CMD",
  "curl",
  "-fsS",
  "-o",
  "/dev/null",
  `http://127.0.0.1:8404${path}`,
];

/** HAProxy: 5432 goes to the member Patroni calls primary, 5433 to the replicas; 8404 answers health and stats. */
export function haproxyService(ctx: StackContext): ComposeService {
  const topo = ctx.topology;
  const base = baseService(
    ctx,
    "haproxy",
    "haproxy",
    ctx.sizing.haproxy,
    health(haproxyProbe("/healthz"), {
      interval: "3s",
      start_period: "180s",
      retries: 2,
    }),
  );
  return {
    ...base,
    // Not recreated with a new CA (every database session would drop): it checks in OpenSSL, which follows the cross
    // certificate to the CA it read at start, and the members trust the client certificate it read then (tls.ts).
    labels: { ...base.labels, ...fileHashLabel(ctx, "haproxy.cfg") },
    volumes: ["./haproxy/haproxy.cfg:/etc/haproxy/haproxy.cfg:ro"],
    networks: ["data"],
    // Its checks present a client certificate to Patroni's REST API and check the member's against the stack's CA.
    secrets: ["stack_ca", PATRONI_CLIENT_SECRET],
    depends_on: Object.fromEntries(topo.postgres.map((m) => [m, { condition: "service_started" as const }])),
    init: true,
    // As haproxy from the start (its one secret file is its user's, ports above 1024): no capability, nothing written.
    user: "haproxy",
    read_only: true,
  };
}

/**
 * haproxy.cfg for the members, by their fixed addresses: a member that is down or gone stays a server at its address
 * (no DNS lookup that fails, no address that falls back to 0.0.0.0), and its sessions end when its checks fail.
 */
export function renderHaproxyConf(topo: Topology): string {
  const servers = topo.postgres.map((m) => `  server ${m} ${topo.postgresIp[m]}:5432 verifyhost ${m}`).join("\n");
  return `# Generated by stevie-stack from stevie.yaml. Re-run \`stevie-stack install\` instead of editing.
global
  maxconn 2000
  log stdout format raw local0 notice
  lua-load /usr/local/share/stevie/cut-sessions.lua

defaults
  mode tcp
  log global
  # A connection attempt is bounded: 2 s to reach a member, one retry (on another member if it is the one that just
  # failed), 3 s waiting in a queue. A client never waits on a member that is gone longer than a failover takes.
  timeout connect 2s
  retries 1
  option redispatch
  timeout queue 3s
  timeout client 30m
  timeout server 30m
  timeout check 2s
  # A member that dies without a word (SIGKILL, a cut network) sends no RST: TCP keepalives on both sides, and
  # unacknowledged data for 5 s on the member's side, end such sessions in seconds instead of the 30-minute timeouts.
  option clitcpka
  clitcpka-idle 10s
  clitcpka-intvl 2s
  clitcpka-cnt 3
  option srvtcpka
  srvtcpka-idle 10s
  srvtcpka-intvl 2s
  srvtcpka-cnt 3
  # Members are checked on Patroni's REST API every second. Their sessions are cut 3 s after they are marked down by
  # the image's cut-sessions.lua, not by \`on-marked-down shutdown-sessions\`: in HAProxy 3.0.11 that also catches a
  # stream still connecting to the member and leaves it with no timer at all, its client waiting for ever (issue 23).
  # The API answers over TLS only to a certificate from the stack's CA: the checks present one, and check the
  # member's against the CA and the member's name (verifyhost). PostgreSQL's own traffic passes through untouched.
  default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 1 check port 8008 tcp-ut 5s
  default-server check-ssl verify required ca-file /run/secrets/stack_ca crt /run/secrets/${PATRONI_CLIENT_SECRET}

listen primary
  bind *:5432
  option httpchk GET /primary
  http-check expect status 200
${servers}

listen replicas
  bind *:5433
  balance leastconn
  option httpchk GET /replica
  http-check expect status 200
${servers}

frontend health
  mode http
  bind *:8404
  monitor-uri /healthz
  # Healthy only while some member is the primary: what the API's writes need.
  acl no_primary nbsrv(primary) lt 1
  monitor fail if no_primary
  http-request return status 200 content-type text/plain string "ok\\n" if { path /ready }
  # Backend and server states for Prometheus (HAProxy's built-in exporter).
  http-request use-service prometheus-exporter if { path /metrics }
`;
}
