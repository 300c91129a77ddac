import { describe, expect, it } from "vitest";
import { parseAlerts, renderAlerts, silencedNames } from "./alerts.js";
import { durationArg } from "../commands/shared.js";

const body = JSON.stringify({
  status: "success",
  data: {
    alerts: [
      {
        labels: { alertname: "HighMemory", severity: "warning", job: "node" },
        annotations: { summary: "Host memory above 80 % for 10 minutes" },
        state: "pending",
        activeAt: "2026-11-30T10:00:00Z",
      },
      {
        labels: { alertname: "APIReplicaDown", severity: "critical" },
        annotations: { summary: "Fewer API replicas answer than the config asks for" },
        state: "firing",
        activeAt: "2026-11-30T10:05:00Z",
      },
    ],
  },
});

describe("alerts in status", () => {
  it("lists critical alerts first, with state, severity and summary", () => {
    const a = parseAlerts(body);
    expect(a.map((x) => [x.name, x.state, x.severity])).toEqual([
      ["APIReplicaDown", "firing", "critical"],
      ["HighMemory", "pending", "warning"],
    ]);
    expect(a[1]!.labels).toEqual({ job: "node" });
    const text = renderAlerts(a);
    expect(text).toMatch(/^Alerts \(1 firing, 1 pending\):/);
    expect(text).toMatch(/FIRING\s+critical\s+APIReplicaDown: Fewer API replicas/);
  });

  it("says so when nothing is wrong, and when Prometheus cannot be asked", () => {
    expect(renderAlerts(parseAlerts(JSON.stringify({ status: "success", data: { alerts: [] } })))).toBe("Alerts: none");
    expect(renderAlerts({ error: "Prometheus did not answer" })).toBe("Alerts: unknown (Prometheus did not answer)");
    expect(() => parseAlerts(JSON.stringify({ status: "error" }))).toThrow(/answered error/);
  });
});

describe("silences", () => {
  it("names what a silence covers as the operator wrote it, and refuses a duration outside 1m..90d", () => {
    const one = (value: string, isRegex: boolean) => ({
      id: "s1",
      matchers: [{ name: "alertname", value, isRegex, isEqual: true }],
      startsAt: "",
      endsAt: "",
      createdBy: "",
      comment: "",
      status: { state: "active" as const },
    });
    expect(silencedNames(one("HighCPU|Disk\\.Full", true))).toBe("HighCPU, Disk.Full");
    expect(silencedNames(one("HighCPU", false))).toBe("HighCPU");
    expect(
      silencedNames({ ...one("x", false), matchers: [{ name: "job", value: "api", isRegex: false, isEqual: false }] }),
    ).toBe("job!=api");
    const parse = durationArg("--for", 90);
    expect(parse("2h")).toBe(7_200_000);
    expect(parse("90d")).toBe(90 * 86_400_000);
    for (const bad of ["0m", "91d", "2 weeks", "2", "h", "-1h", "1.5h"])
      expect(() => parse(bad), bad).toThrow(/--for must be a duration from 1m to 90d/);
  });
});

describe("the degraded share in status", () => {
  it("says how many new descriptions were answered from full text alone, and when that is over the alert's 30 %", async () => {
    const { renderDegraded } = await import("./status.js");
    expect(renderDegraded({ queries: 0, deferred: 0 })).toBe(
      "Degraded answers (last 15 min): 0 of 0 new descriptions (0 %) answered from full text alone",
    );
    expect(renderDegraded({ queries: 10, deferred: 4 })).toMatch(/4 of 10 new descriptions \(40 %\).*over the 30 %/);
  });
});
