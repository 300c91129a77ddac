import { describe, expect, it } from "vitest";
import { renderConfigExample } from "./example.js";
import { parseConfig, parseConfigText } from "./load.js";
import { ProblemsError } from "../errors.js";
import { acmeServer, LETS_ENCRYPT } from "../stack/acme.js";

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProblemsError) return err.problems;
    throw err;
  }
  throw new Error("expected a ProblemsError");
}

describe("stevie.yaml", () => {
  it("fills every default from an empty file", () => {
    const c = parseConfigText("", "empty.yaml");
    expect(c.environment).toBe("prod");
    expect(c.network).toEqual({ bindAddress: "0.0.0.0", httpPort: 80, httpsPort: 443 });
    expect(c.api.replicas).toBe(2);
  });

  it("reports every problem at once, each with its path", () => {
    const problems = problemsOf(() => parseConfigText("environment: production\nnetwork:\n  httpPort: 0\n  extra: 1\nwhat: 2\n", "x.yaml"));
    expect(problems).toHaveLength(4);
    expect(problems.some((p) => p.startsWith("environment: "))).toBe(true);
    expect(problems.some((p) => p.startsWith("network.httpPort: "))).toBe(true);
    expect(problems).toContain('network: unknown key "extra"');
    expect(problems).toContain('unknown key "what"');
  });

  it("asks for the certificate and key files when TLS is in files mode", () => {
    expect(problemsOf(() => parseConfigText("tls:\n  mode: files\n  certFile: /etc/ssl/chain.pem\n", "x.yaml"))).toEqual(["tls.mode: mode files needs certFile and keyFile"]);
    expect(parseConfigText("tls:\n  mode: files\n  certFile: chain.pem\n  keyFile: key.pem\n", "x.yaml").tls).toEqual({ mode: "files", certFile: "chain.pem", keyFile: "key.pem" });
  });

  it("asks acme mode for an account address and a public DNS name, and defaults to Let's Encrypt's production CA", () => {
    expect(problemsOf(() => parseConfigText("domain: api.example.com\ntls:\n  mode: acme\n", "x.yaml"))).toEqual(["tls.mode: mode acme needs acme.email (the address the CA writes to about expiring certificates)"]);
    expect(problemsOf(() => parseConfigText("tls:\n  mode: acme\n  acme:\n    email: ops@example.com\n", "x.yaml"))).toEqual(["domain: tls mode acme needs a public DNS name here (such as api.example.com), one the CA can reach"]);
    expect(problemsOf(() => parseConfigText("domain: 203.0.113.7\ntls:\n  mode: acme\n  acme:\n    email: ops@example.com\n", "x.yaml"))[0]).toMatch(/^domain: /);
    expect(problemsOf(() => parseConfigText("domain: api.example.com\ntls:\n  mode: acme\n  acme:\n    email: not-an-address\n    directoryUrl: http://ca.internal/dir\n", "x.yaml"))).toHaveLength(2);
    const acme = parseConfigText("domain: api.example.com\ntls:\n  mode: acme\n  acme:\n    email: ops@example.com\n", "x.yaml").tls.acme!;
    expect(acme).toEqual({ email: "ops@example.com", staging: false, renewDays: 30, preflight: true });
    expect(acmeServer(acme)).toBe(LETS_ENCRYPT.production);
    expect(acmeServer({ ...acme, staging: true })).toBe(LETS_ENCRYPT.staging);
    expect(acmeServer({ ...acme, staging: true, directoryUrl: "https://ca.internal/dir" })).toBe("https://ca.internal/dir");
  });

  it("rejects a file that is not a mapping", () => {
    expect(() => parseConfigText("- a\n- b\n", "list.yaml")).toThrow(/must be a YAML mapping/);
  });

  it("rejects duplicate keys as YAML errors", () => {
    expect(problemsOf(() => parseConfigText("domain: a\ndomain: b\n", "dup.yaml"))[0]).toMatch(/unique/i);
  });

  it("generates a commented example that parses back to the defaults", () => {
    const text = renderConfigExample();
    expect(text).toMatch(/# dev, staging or prod/);
    expect(text).toMatch(/# one of: dev, staging, prod/);
    expect(text).toMatch(/# logLevel:/);
    expect(parseConfigText(text, "example.yaml")).toEqual(parseConfig({}, "defaults"));
  });
});
