/** Writes grafana/dashboards/<uid>.json from grafana/dashboards.ts (`npm run dashboards`). */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DASHBOARDS, dashboardJson } from "../grafana/dashboards.js";

const dir = join(import.meta.dirname, "..", "grafana", "dashboards");
mkdirSync(dir, { recursive: true });
for (const d of DASHBOARDS) writeFileSync(join(dir, `${d.uid}.json`), dashboardJson(d));
process.stdout.write(`${DASHBOARDS.length} dashboards written to ${dir}\n`);
