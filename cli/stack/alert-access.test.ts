import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/load.js";
import { ensureAlertAccess, SMTP_CA_FILE } from "./alert-access.js";
import { stackPaths } from "./paths.js";
import { run } from "../exec.js";

const alerts = (a: Record<string, unknown>) => parseConfig({ monitoring: { alerts: a } }, "t").monitoring.alerts;
const email = { to: "ops@example.com", from: "stevie@example.com", smarthost: "smtp.example.com:587" };

async function newStack() {
  const paths = stackPaths(await mkdtemp(join(tmpdir(), "stevie-alert-access-")));
  await mkdir(paths.secrets, { recursive: true });
  await mkdir(paths.tls, { recursive: true });
  return paths;
}

describe("the alert receivers' secrets", () => {
  it("takes each from the environment once, keeps it 0600 for Alertmanager's user, and asks for the missing one by name", async () => {
    const paths = await newStack();
    const withLogin = alerts({ email: { ...email, username: "stevie" }, slack: {} });
    await expect(ensureAlertAccess(paths, withLogin, {})).rejects.toThrow(
      /monitoring\.alerts\.email\.username is set but STEVIE_SMTP_PASSWORD was never given/,
    );
    const env = { STEVIE_SMTP_PASSWORD: "pw-1", STEVIE_SLACK_WEBHOOK_URL: "https://hooks.slack.test/T/B/x" };
    // A dry run answers the same and writes nothing.
    const dry = await ensureAlertAccess(paths, withLogin, env, { write: false });
    await expect(stat(join(paths.secrets, "alert_smtp_password"))).rejects.toThrow(/ENOENT/);
    const first = await ensureAlertAccess(paths, withLogin, env);
    expect(first).toEqual(dry);
    expect(first.changed).toBe(true);
    const file = await stat(join(paths.secrets, "alert_smtp_password"));
    expect(file.mode & 0o777).toBe(0o600);
    expect(file.uid).toBe(100);
    expect(await readFile(join(paths.secrets, "alert_slack_url"), "utf8")).toBe("https://hooks.slack.test/T/B/x\n");
    // Later installs need not give them again; a new value changes the hash (Alertmanager is recreated).
    const again = await ensureAlertAccess(paths, withLogin, {});
    expect(again).toEqual({ changed: false, hash: first.hash });
    const rotated = await ensureAlertAccess(paths, withLogin, { STEVIE_SMTP_PASSWORD: "pw-2" });
    expect(rotated.changed).toBe(true);
    expect(rotated.hash).not.toBe(first.hash);
    // A receiver taken out of stevie.yaml takes its secret with it.
    expect(await ensureAlertAccess(paths, alerts({}), {})).toEqual({ changed: false });
    await expect(stat(join(paths.secrets, "alert_slack_url"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses a Slack URL that is not one, and a relay CA that is not a certificate", async () => {
    const paths = await newStack();
    await expect(
      ensureAlertAccess(paths, alerts({ slack: {} }), { STEVIE_SLACK_WEBHOOK_URL: "hooks.slack.test/x" }),
    ).rejects.toThrow(/not an http\(s\) URL/);
    await writeFile(join(paths.dir, "ca.pem"), "not a certificate");
    await expect(ensureAlertAccess(paths, alerts({ email: { ...email, caFile: "ca.pem" } }), {})).rejects.toThrow(
      /caFile .*ca\.pem is not a PEM certificate/,
    );
    await expect(ensureAlertAccess(paths, alerts({ email: { ...email, caFile: "none.pem" } }), {})).rejects.toThrow(
      /cannot be read \(ENOENT\)/,
    );
  });

  it("copies the relay's CA into tls/", async () => {
    const paths = await newStack();
    const key = join(paths.dir, "k.pem");
    const crt = join(paths.dir, "ca.pem");
    await run("openssl", [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", key, "-out", crt, "-days", "1", "-subj", "/CN=relay CA"],
    ]);
    const r = await ensureAlertAccess(paths, alerts({ email: { ...email, caFile: "ca.pem" } }), {});
    expect(r.changed).toBe(true);
    expect(await readFile(join(paths.tls, SMTP_CA_FILE), "utf8")).toBe(await readFile(crt, "utf8"));
  });
});
