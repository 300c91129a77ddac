import { describe, expect, it } from "vitest";
import { parseConfig } from "./config/load.js";
import { alertOverrides } from "./program.js";

describe("install --alert-* flags", () => {
  it("become monitoring.alerts, checked by the config schema", () => {
    expect(alertOverrides({})).toEqual({});
    const o = alertOverrides({ alertWebhook: "https://hooks.example.com/a", alertEmail: "ops@example.com", alertEmailFrom: "stevie@example.com", alertSmtp: "smtp.example.com:587" });
    expect(parseConfig(o, "flags").monitoring.alerts).toEqual({
      webhookUrl: "https://hooks.example.com/a",
      email: { to: "ops@example.com", from: "stevie@example.com", smarthost: "smtp.example.com:587", requireTls: true },
    });
    expect(() => parseConfig(alertOverrides({ alertWebhook: "not a url" }), "flags")).toThrow(/webhookUrl/);
  });

  it("refuse half a mail setup", () => {
    expect(() => alertOverrides({ alertEmail: "ops@example.com" })).toThrow(/needs all three/);
  });
});
