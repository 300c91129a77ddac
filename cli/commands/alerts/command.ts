import type { Command } from "commander";
import { type GlobalFlags, durationArg, withShared, stackDir, print } from "../shared.js";

export function register(program: Command): void {
  const alerts = program
    .command("alerts")
    .description("what fires, a test notification through the receivers, and silences");
  withShared(alerts.command("list"))
    .description("the alerts firing or pending, and the silences in force")
    .action(async (f: GlobalFlags) => {
      const { listAlerts } = await import("./run.js");
      const { renderAlerts, silencedNames } = await import("../../stack/alerts.js");
      const r = await listAlerts(stackDir(f));
      print(f, r, () =>
        [
          renderAlerts(r.firing),
          r.silences.length ? `Silences (${r.silences.length}):` : "Silences: none",
          ...r.silences.map(
            (s) => `  ${s.id}  ${silencedNames(s)}  until ${s.endsAt.slice(0, 19)}Z  by ${s.createdBy}: ${s.comment}`,
          ),
          ...(r.held.length ? [`Held back by a silence or a more severe alert: ${r.held.join(", ")}`] : []),
        ].join("\n"),
      );
    });
  withShared(alerts.command("test"))
    .description("send a test alert through every receiver configured (it resolves by itself after 2 minutes)")
    .action(async (f: GlobalFlags) => {
      const { testAlert } = await import("./run.js");
      const r = await testAlert(stackDir(f));
      print(
        f,
        r,
        () =>
          `Sent ${r.name} to Alertmanager: it goes to ${r.receivers.join(", ")} now, and its resolution in ${r.resolvesInSeconds / 60} minutes.`,
      );
    });
  withShared(alerts.command("silence"))
    .description("hold back notifications of these alerts for a while (they still show in `status`)")
    .argument("<names...>", "alert names, e.g. HighCPU DiskAlmostFull")
    .requiredOption("--for <duration>", "how long: 30m, 2h, 7d (at most 90d)", durationArg("--for", 90))
    .option("--comment <text>", "why (kept with the silence)")
    .action(async (names: string[], f: GlobalFlags & { for: number; comment?: string }) => {
      const { silence } = await import("./run.js");
      const r = await silence(stackDir(f), names, { durationMs: f.for, ...(f.comment ? { comment: f.comment } : {}) });
      print(f, r, () => `Silenced ${r.names.join(", ")} until ${r.until.slice(0, 19)}Z (silence ${r.id}).`);
    });
  withShared(alerts.command("unsilence"))
    .description("lift the silences of these alerts (or silence ids) now")
    .argument("[names...]", "alert names or silence ids")
    .option("--all", "every silence")
    .action(async (names: string[], f: GlobalFlags & { all?: boolean }) => {
      const { unsilence } = await import("./run.js");
      const r = await unsilence(stackDir(f), names, Boolean(f.all));
      print(f, r, () => (r.lifted.length ? `Lifted ${r.lifted.length} silence(s).` : "No silence was in force."));
    });
}
