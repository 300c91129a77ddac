import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load.js";
import { buildCompose } from "../compose.js";
import { sizeStack } from "../sizing.js";
import { topology } from "../topology.js";
import {
  grafanaFiles,
  lokiBudget,
  renderAlertmanagerConfig,
  renderAlloyConfig,
  renderLogsRules,
  renderLokiConfig,
  renderPrometheusConfig,
  renderStackRules,
  stackRuleValues,
} from "./monitoring.js";

const config = parseConfig({ projectName: "demo", postgres: { nodes: 3 } }, "test");
const sizing = sizeStack({ cpus: 2, memBytes: 24 * 1024 ** 3 }, "auto");
const ctx = { config, sizing, version: "1.2.3", topology: topology(config, sizing, "10.213.7.0/24") };

type Scrape = {
  job_name: string;
  static_configs?: { targets: string[] }[];
  dns_sd_configs?: { names: string[] }[];
  metrics_path?: string;
};

describe("monitoring", () => {
  it("gives node-exporter the host's /proc and /sys and, of the host's files, only a directory on each filesystem it measures", () => {
    const filesystems = [
      { mountpoint: "/", probe: "volume" as const },
      { mountpoint: "/srv/stevie.d", probe: "stack" as const },
    ];
    const node = buildCompose({ ...ctx, filesystems }).services["node-exporter"]!;
    expect(node.volumes).toEqual([
      "/proc:/host/proc:ro",
      "/sys:/host/sys:ro",
      "node-exporter-fs:/host/root",
      "./monitoring/fs-probe:/host/root/srv/stevie.d",
      "./monitoring/textfile:/textfile/stack:ro",
      "backup-metrics:/textfile/backups:ro",
    ]);
    expect(node.command).toContain("--collector.filesystem.mount-points-include=^(/|/srv/stevie\\.d)$");
    expect(node.user).toBe("65534:65534");
    expect(node.cap_add).toBeUndefined();
    // Rendered without facts about a host: the root filesystem, through the volume.
    expect(buildCompose(ctx).services["node-exporter"]?.volumes).toContain("node-exporter-fs:/host/root");
  });

  it("keeps Prometheus, Alertmanager and the exporters off edge; Alertmanager listens on its data address only", () => {
    const file = buildCompose(ctx);
    for (const s of ["prometheus", "node-exporter", "postgres-exporter", "redis-exporter", "nginx-exporter"])
      expect(file.services[s]?.networks, s).toEqual(["data"]);
    expect(file.services.alertmanager?.networks).toEqual({ data: { ipv4_address: "10.213.7.5" }, alerting: {} });
    expect(file.services.alertmanager?.command).toContain("--web.listen-address=10.213.7.5:9093");
    expect(file.networks.alerting).toEqual({ labels: expect.any(Object) });
    // The nginx exporter reads stub_status through the socket volume it shares with nginx, and nothing else does.
    const mounts = Object.entries(file.services).filter(([, svc]) =>
      svc.volumes?.some((v) => v.startsWith("nginx-status:")),
    );
    expect(mounts.map(([name]) => name).sort()).toEqual(["nginx", "nginx-exporter"]);
    expect(file.services["nginx-exporter"]?.command).toContain(
      "--nginx.scrape-uri=unix:/run/stevie-status/nginx.sock:/stub_status",
    );
    // The internal networks have no address on the host.
    for (const n of ["data", "consensus"])
      expect(file.networks[n]?.driver_opts, n).toEqual({ "com.docker.network.bridge.inhibit_ipv4": "true" });
    expect(file.services.prometheus?.command).toContain("--storage.tsdb.retention.time=31d");
    expect(file.services.prometheus?.command).toContain("--storage.tsdb.retention.size=4096MB");
    // The exporter logs in with its own role; the password stays a file.
    expect(file.services["postgres-exporter"]?.environment).toMatchObject({
      DATA_SOURCE_USER: "stevie_monitor",
      DATA_SOURCE_PASS_FILE: "/run/secrets/postgres_monitor_password",
    });
    expect(file.services["redis-exporter"]?.environment).toEqual({
      REDIS_PASSWORD_FILE: "/run/secrets/redis_password",
    });
  });

  it("scrapes every part of the stack: API replicas by DNS, each Patroni member, each Redis and Sentinel through the exporter", () => {
    const p = parse(renderPrometheusConfig(ctx)) as { scrape_configs: Scrape[]; rule_files: string[] };
    const job = (n: string) => p.scrape_configs.find((s) => s.job_name === n)!;
    expect(p.scrape_configs.map((s) => s.job_name).sort()).toEqual([
      "alertmanager",
      "api",
      "haproxy",
      "nginx",
      "node",
      "patroni",
      "postgres",
      "prometheus",
      "redis",
      "sentinel",
    ]);
    expect(job("api").dns_sd_configs![0]!.names).toEqual(["api"]);
    expect(job("patroni").static_configs![0]!.targets).toEqual([
      "postgres-1:8008",
      "postgres-2:8008",
      "postgres-3:8008",
    ]);
    expect(job("redis").metrics_path).toBe("/scrape");
    expect(job("redis").static_configs!.map((g) => g.targets[0])).toEqual([
      "rediss://10.213.7.11:6379",
      "rediss://10.213.7.12:6379",
      "rediss://10.213.7.13:6379",
    ]);
    expect(job("sentinel").static_configs!.map((g) => g.targets[0])).toEqual([
      "rediss://10.213.7.21:26379",
      "rediss://10.213.7.22:26379",
      "rediss://10.213.7.23:26379",
    ]);
    expect(p.rule_files).toEqual(["/etc/prometheus/rules/*.yml"]);
  });

  it("turns the config's intervals, replicas and budget into the thresholds the alerts use", () => {
    const v = stackRuleValues(
      parseConfig(
        {
          api: { replicas: 4 },
          backup: { diffEveryHours: 12, drillEveryHours: 0 },
          monitoring: { openaiMonthlyBudgetUsd: 250 },
        },
        "t",
      ),
    );
    expect(v).toEqual({
      apiReplicas: 4,
      openaiBudgetUsd: 250,
      backupMaxAgeSeconds: 12 * 3600 + 7200,
      drillMaxAgeSeconds: Infinity,
    });
    const rules = parse(renderStackRules(v)) as { groups: { rules: { record: string; expr: string }[] }[] };
    expect(Object.fromEntries(rules.groups[0]!.rules.map((r) => [r.record, r.expr]))).toEqual({
      "stevie:api_replicas_expected": "vector(4)",
      "stevie:openai_budget_usd": "vector(250)",
      "stevie:backup_max_age_seconds": "vector(50400)",
      "stevie:drill_max_age_seconds": "vector(+Inf)",
    });
    expect(renderStackRules({ ...v, openaiBudgetUsd: 0 })).toMatch(/openai_budget_usd\n\s+expr: vector\(\+Inf\)/);
  });

  it("routes critical alerts at once and warnings grouped, to the webhook and mail relay from the config", () => {
    const none = parse(renderAlertmanagerConfig(config)) as {
      route: { group_wait: string; routes: { matchers: string[]; group_wait: string }[] };
      receivers: Record<string, unknown>[];
    };
    expect(none.receivers).toEqual([{ name: "operator" }]);
    expect(none.route.group_wait).toBe("5m");
    expect(none.route.routes[0]).toMatchObject({ matchers: ['severity="critical"'], group_wait: "0s" });
    const both = parse(
      renderAlertmanagerConfig(
        parseConfig(
          {
            monitoring: {
              alerts: {
                webhookUrl: "https://hooks.example.com/x",
                email: { to: "ops@example.com", from: "stevie@example.com", smarthost: "smtp.example.com:587" },
              },
            },
          },
          "t",
        ),
      ),
    ) as { receivers: Record<string, unknown>[] };
    expect(both.receivers[0]).toEqual({
      name: "operator",
      webhook_configs: [{ url: "https://hooks.example.com/x", send_resolved: true }],
      email_configs: [
        {
          to: "ops@example.com",
          from: "stevie@example.com",
          smarthost: "smtp.example.com:587",
          require_tls: true,
          send_resolved: true,
        },
      ],
    });
  });

  it("sends to Slack and PagerDuty natively, logs in to the relay, and reads every secret from a file Compose mounts", () => {
    const all = parseConfig(
      {
        monitoring: {
          alerts: {
            email: {
              ...{ to: "ops@example.com", from: "stevie@example.com", smarthost: "smtp.example.com:587" },
              ...{ username: "stevie", caFile: "relay-ca.pem" },
            },
            slack: { channel: "#ops" },
            pagerduty: {},
          },
        },
      },
      "t",
    );
    const doc = parse(renderAlertmanagerConfig(all)) as {
      route: { routes: { receiver: string; matchers: string[]; continue?: boolean }[] };
      receivers: Record<string, Record<string, unknown>[]>[];
    };
    const [operator, pager] = doc.receivers;
    expect(operator!.email_configs![0]).toMatchObject({
      auth_username: "stevie",
      auth_password_file: "/run/secrets/alert_smtp_password",
      tls_config: { ca_file: "/run/secrets/alert_smtp_ca" },
    });
    expect(operator!.slack_configs![0]).toMatchObject({
      api_url_file: "/run/secrets/alert_slack_url",
      channel: "#ops",
      send_resolved: true,
    });
    // PagerDuty pages for critical alerts only; every other receiver still hears of them.
    expect(pager).toEqual({
      name: "pager",
      pagerduty_configs: [{ routing_key_file: "/run/secrets/alert_pagerduty_key", send_resolved: true }],
    });
    expect(doc.route.routes.map((r) => [r.receiver, r.matchers, r.continue ?? false])).toEqual([
      ["operator", ['severity="critical"'], true],
      ["pager", ['severity="critical"'], false],
    ]);
    const file = buildCompose({ ...ctx, config: all, topology: topology(all, sizing, "10.213.7.0/24") });
    expect(file.services.alertmanager!.secrets).toEqual([
      "alert_smtp_password",
      "alert_slack_url",
      "alert_pagerduty_key",
      "alert_smtp_ca",
    ]);
    expect(file.secrets).toMatchObject({
      alert_smtp_password: { file: "./secrets/alert_smtp_password" },
      alert_smtp_ca: { file: "./tls/alert-smtp-ca.crt" },
    });
    // Without receivers, Alertmanager gets no secret at all.
    expect(buildCompose(ctx).services.alertmanager!.secrets).toBeUndefined();
  });

  it("adds Grafana only when asked: pinned image, 127.0.0.1 only, admin password from a secret, the package's dashboards", () => {
    expect(buildCompose(ctx).services.grafana).toBeUndefined();
    const on = parseConfig({ monitoring: { grafana: { enabled: true, port: 3300 } } }, "t");
    const file = buildCompose({ ...ctx, config: on, topology: topology(on, sizing, "10.213.7.0/24") });
    const g = file.services.grafana!;
    expect(g.image).toBe("grafana/grafana:12.2.1");
    expect(g.ports).toEqual(["127.0.0.1:3300:3000"]);
    expect(g.environment).toMatchObject({
      GF_SECURITY_ADMIN_PASSWORD__FILE: "/run/secrets/grafana_admin_password",
      GF_AUTH_ANONYMOUS_ENABLED: "false",
      GF_USERS_ALLOW_SIGN_UP: "false",
    });
    expect(file.secrets.grafana_admin_password).toEqual({ file: "./secrets/grafana_admin_password" });
    const files = grafanaFiles(on).map((f) => f.path);
    expect(files).not.toContain("monitoring/grafana/provisioning/datasources/loki.yml");
    expect(files).toContain("monitoring/grafana/provisioning/datasources/prometheus.yml");
    expect(files.filter((f) => f.startsWith("monitoring/grafana/dashboards/")).length).toBe(7);
    expect(() => parseConfig({ monitoring: { grafana: { image: "grafana/grafana" } } }, "t")).toThrow(/pinned tag/);
  });

  it("adds Loki and Alloy only when asked: 30 days kept by the compactor, the stack's containers shipped by label", () => {
    expect(buildCompose(ctx).services.loki).toBeUndefined();
    const on = parseConfig(
      { projectName: "demo", monitoring: { logs: { enabled: true, retentionDays: 45 }, grafana: { enabled: true } } },
      "t",
    );
    const file = buildCompose({ ...ctx, config: on, topology: topology(on, sizing, "10.213.7.0/24") });
    expect(file.services.loki?.image).toBe("grafana/loki:3.5.7");
    expect(file.services.loki?.networks).toEqual(["data"]);
    expect(file.services.loki?.ports).toBeUndefined();
    expect(file.services.alloy?.volumes).toContain("/var/run/docker.sock:/var/run/docker.sock:ro");
    expect(file.volumes["loki-data"]).toBeDefined();
    const jobs = (
      parse(renderPrometheusConfig({ ...ctx, config: on })) as { scrape_configs: Scrape[] }
    ).scrape_configs.map((j) => j.job_name);
    expect(jobs).toEqual(expect.arrayContaining(["loki", "alloy"]));
    const loki = parse(renderLokiConfig(on)) as {
      limits_config: { retention_period: string };
      compactor: { retention_enabled: boolean };
      schema_config: { configs: { store: string; schema: string }[] };
      auth_enabled: boolean;
    };
    expect(loki.limits_config.retention_period).toBe("1080h");
    // The size bound: what Loki may accept over the retention (plus a day of slack for the compactor) fits the budget.
    const limits = (
      parse(renderLokiConfig(on)) as { limits_config: { ingestion_rate_mb: number; ingestion_burst_size_mb: number } }
    ).limits_config;
    const windowS = 46 * 86_400;
    expect(limits.ingestion_rate_mb * windowS + limits.ingestion_burst_size_mb).toBeLessThanOrEqual(20_480 * 0.9);
    expect(limits.ingestion_rate_mb * windowS + limits.ingestion_burst_size_mb).toBeGreaterThan(20_480 * 0.89);
    expect(lokiBudget(on.monitoring.logs)).toMatchObject({ rateMb: limits.ingestion_rate_mb, burstMb: 512 });
    const small = parseConfig({ monitoring: { logs: { enabled: true, maxSizeMb: 2048 } } }, "t").monitoring.logs;
    const b = lokiBudget(small);
    expect(b.burstMb).toBe(92);
    expect(b.boundMb).toBeLessThanOrEqual(2048 * 0.9);
    expect(b.rateMb * 1_048_576).toBeGreaterThan(600); // bytes a second: 2 GB over 31 days
    expect(() => parseConfig({ monitoring: { logs: { maxSizeMb: 100 } } }, "t")).toThrow(/maxSizeMb/);
    // The alert on refused lines exists only with the log store; the file is always written (empty otherwise).
    expect(
      (parse(renderLogsRules(on)) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups[0]!.rules.map(
        (r) => r.alert,
      ),
    ).toEqual(["LogsRefused"]);
    expect(parse(renderLogsRules(parseConfig({}, "t")))).toEqual({ groups: [] });
    expect(loki.compactor.retention_enabled).toBe(true);
    expect(loki.schema_config.configs[0]).toMatchObject({ store: "tsdb", schema: "v13" });
    const alloy = renderAlloyConfig(on);
    expect(alloy).toContain('values = ["io.stevie-stack.project=demo"]');
    expect(alloy).toContain('url = "http://loki:3100/loki/api/v1/push"');
    // Balanced blocks: a cheap guard on the River syntax (Alloy itself cannot run here).
    expect(alloy.split("{").length).toBe(alloy.split("}").length);
    expect(grafanaFiles(on).map((f) => f.path)).toContain("monitoring/grafana/provisioning/datasources/loki.yml");
    expect(() => parseConfig({ monitoring: { logs: { retentionDays: 7 } } }, "t")).toThrow(/retentionDays/);
  });

  it("refuses a malformed alert destination with the field named", () => {
    expect(() => parseConfig({ monitoring: { alerts: { webhookUrl: "ftp://x" } } }, "t")).toThrow(/webhookUrl/);
    expect(() =>
      parseConfig(
        { monitoring: { alerts: { email: { to: "ops@example.com", from: "a@b.co", smarthost: "no-port" } } } },
        "t",
      ),
    ).toThrow(/smarthost/);
  });
});
