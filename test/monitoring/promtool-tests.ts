import { parse, stringify } from "yaml";
import { ALERT_CASES, type AlertCase } from "./alert-cases.js";

interface Rule {
  alert?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Every alert rule of a rules file, in order. */
export function alertRulesOf(rulesYaml: string): Rule[] {
  const doc = parse(rulesYaml) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules).filter((r) => r.alert);
}

/** An annotation as Prometheus renders it for these labels (our annotations use `{{ $labels.x }}` and nothing else). */
function renderAnnotation(template: string, labels: Record<string, string>): string {
  if (/\{\{(?!\s*\$labels\.\w+\s*\}\})/.test(template))
    throw new Error(`annotation uses more than $labels: ${template}`);
  return template.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? "");
}

/** The rule an expected alert comes from: same name, and the same severity (and budget) labels. */
function ruleFor(rules: Rule[], alert: string, labels: Record<string, string>): Rule {
  const matching = rules.filter(
    (r) => r.alert === alert && Object.entries(r.labels ?? {}).every(([k, v]) => labels[k] === v),
  );
  if (matching.length !== 1) throw new Error(`${alert} with ${JSON.stringify(labels)}: ${matching.length} rules match`);
  return matching[0]!;
}

/** promtool's unit-test file for the cases: for each alert, one test where it fires and one where it must not. */
export function promtoolTests(rulesYaml: string, ruleFiles: string[], cases: AlertCase[] = ALERT_CASES): string {
  const rules = alertRulesOf(rulesYaml);
  const tests = cases.flatMap((c) => {
    const interval = c.interval ?? "15s";
    const expAlerts = c.expect.map((labels) => {
      const rule = ruleFor(rules, c.alert, labels);
      const all = { ...labels, alertname: c.alert };
      return {
        exp_labels: labels,
        exp_annotations: Object.fromEntries(
          Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, renderAnnotation(v, all)]),
        ),
      };
    });
    return [
      {
        name: `${c.alert} fires above its threshold`,
        interval,
        input_series: c.fires,
        alert_rule_test: [{ eval_time: c.at, alertname: c.alert, exp_alerts: expAlerts }],
      },
      {
        name: `${c.alert} stays silent below it`,
        interval,
        input_series: c.silent,
        alert_rule_test: [{ eval_time: c.at, alertname: c.alert, exp_alerts: [] }],
      },
    ];
  });
  return stringify({ rule_files: ruleFiles, evaluation_interval: "15s", tests }, { lineWidth: 0 });
}

const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "offset",
  "bool",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "inf",
  "nan",
]);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or durations. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\boffset\s+\w+/g, "");
  const names = [...bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)]
    .filter((m) => !m[2] && !KEYWORDS.has(m[1]!.toLowerCase()))
    .map((m) => m[1]!);
  return [...new Set(names.filter((n) => !/^\d/.test(n)))];
}
