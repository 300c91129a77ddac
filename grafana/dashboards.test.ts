import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { DASHBOARDS, DATASOURCE_UID, dashboardJson } from "./dashboards.js";

const here = import.meta.dirname;
type Json = Record<string, unknown>;

describe("Grafana provisioning", () => {
  it("has the JSON of every dashboard as dashboards.ts renders it (run `npm run dashboards` after a change)", () => {
    const files = readdirSync(join(here, "dashboards"))
      .filter((f) => f.endsWith(".json"))
      .sort();
    expect(files).toEqual(DASHBOARDS.map((d) => `${d.uid}.json`).sort());
    for (const d of DASHBOARDS)
      expect(readFileSync(join(here, "dashboards", `${d.uid}.json`), "utf8"), d.uid).toBe(dashboardJson(d));
  });

  it("covers the API, database, cache, OpenAI, edge, backups and host, each panel with a query on the provisioned datasource", () => {
    expect(DASHBOARDS.map((d) => d.uid)).toEqual([
      "stevie-api",
      "stevie-database",
      "stevie-cache",
      "stevie-openai",
      "stevie-edge",
      "stevie-backups",
      "stevie-host",
    ]);
    const ds = parse(readFileSync(join(here, "provisioning", "datasources", "prometheus.yml"), "utf8")) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    expect(ds.datasources).toEqual([
      expect.objectContaining({ uid: DATASOURCE_UID, type: "prometheus", url: "http://prometheus:9090" }),
    ]);
    const provider = parse(readFileSync(join(here, "provisioning", "dashboards", "stevie.yml"), "utf8")) as {
      providers: { type: string; options: { path: string } }[];
    };
    expect(provider.providers[0]).toMatchObject({ type: "file", options: { path: "/var/lib/grafana/dashboards" } });
    for (const file of readdirSync(join(here, "dashboards"))) {
      const d = JSON.parse(readFileSync(join(here, "dashboards", file), "utf8")) as Json & {
        panels: (Json & {
          gridPos: { x: number; y: number; w: number; h: number };
          targets: (Json & { expr: string; datasource: { uid: string } })[];
        })[];
      };
      expect(d.schemaVersion, file).toBe(39);
      expect(typeof d.uid === "string" && d.uid.length <= 40, file).toBe(true);
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size, file).toBe(ids.length);
      const cells = new Set(d.panels.map((p) => `${p.gridPos.x},${p.gridPos.y}`));
      expect(cells.size, `${file}: panels overlap`).toBe(d.panels.length);
      for (const p of d.panels) {
        expect(["timeseries", "stat"], `${file} ${String(p.title)}`).toContain(p.type);
        expect(p.targets.length, `${file} ${String(p.title)}`).toBeGreaterThan(0);
        for (const t of p.targets) {
          expect(t.datasource.uid).toBe(DATASOURCE_UID);
          expect(t.expr.trim().length).toBeGreaterThan(0);
          // Balanced brackets: a cheap guard against a broken expression; the e2e suite runs each one for real.
          for (const [open, close] of [
            ["(", ")"],
            ["{", "}"],
            ["[", "]"],
          ] as const)
            expect(t.expr.split(open).length, `${p.title as string}: ${t.expr}`).toBe(t.expr.split(close).length);
        }
      }
    }
  });
});
