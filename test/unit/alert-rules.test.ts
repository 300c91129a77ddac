import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ALERT_CASES } from "../monitoring/alert-cases.js";
import { alertRulesOf, metricNames, promtoolTests } from "../monitoring/promtool-tests.js";

const rulesYaml = readFileSync(join(import.meta.dirname, "..", "..", "compose", "monitoring", "alerts.yml"), "utf8");

describe("alert rules", () => {
  const rules = alertRulesOf(rulesYaml);

  it("cover the spec: every alert of §7 and §11, each with a severity the routing knows", () => {
    const names = new Set(rules.map((r) => r.alert));
    for (const n of [
      "ServiceDown",
      "DatabaseConnectionFailures",
      "HighErrorRate",
      "HighLatency",
      "HighCPU",
      "HighMemory",
      "DiskAlmostFull",
      "CacheEvictionHigh",
      "SlowQueries",
      "OpenAIRateLimited",
      "CertificateExpiring",
      "BackupTooOld",
      "DrillTooOld",
      "ReplicationLagHigh",
      "PatroniNoLeader",
      "SentinelFailover",
      "OpenAIBudget50",
      "OpenAIBudget80",
      "OpenAIBudget100",
    ]) {
      expect(names.has(n), n).toBe(true);
    }
    for (const r of rules) expect(["critical", "warning"], r.alert).toContain(r.labels?.severity);
  });

  it("have a promtool case for every alert, and no case for an alert that does not exist", () => {
    expect(new Set(ALERT_CASES.map((c) => c.alert))).toEqual(new Set(rules.map((r) => r.alert)));
    const tests = parse(promtoolTests(rulesYaml, ["alerts.yml", "stack.yml"])) as { tests: { name: string }[] };
    expect(tests.tests).toHaveLength(ALERT_CASES.length * 2);
  });

  it("name the metrics each expression reads (what the live test looks up), leaving out functions, labels and keywords", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le) (rate(stevie_trpc_procedure_duration_seconds_bucket{procedure!~"chat\\..*"}[5m]))) > 1',
      ),
    ).toEqual(["stevie_trpc_procedure_duration_seconds_bucket"]);
    expect(
      metricNames(
        '(redis_instance_info{role="master"} unless on(instance) (redis_instance_info offset 5m)) and on(instance) patroni_replica == 1',
      ),
    ).toEqual(["redis_instance_info", "patroni_replica"]);
    expect(metricNames('(count(up{job="api"} == 1) or vector(0)) < scalar(stevie:api_replicas_expected)')).toEqual([
      "up",
      "stevie:api_replicas_expected",
    ]);
    expect(metricNames("vector(+Inf)")).toEqual([]);
  });
});
