import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configJsonSchema, SCHEMA_HEADER } from "./json-schema.js";
import { renderConfigYaml } from "../stack/generate.js";
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
    const problems = problemsOf(() =>
      parseConfigText("environment: production\nnetwork:\n  httpPort: 0\n  extra: 1\nwhat: 2\n", "x.yaml"),
    );
    expect(problems).toHaveLength(4);
    expect(problems.some((p) => p.startsWith("environment: "))).toBe(true);
    expect(problems.some((p) => p.startsWith("network.httpPort: "))).toBe(true);
    expect(problems).toContain('network: unknown key "extra"');
    expect(problems).toContain('unknown key "what"');
  });

  it("asks for the certificate and key files when TLS is in files mode", () => {
    expect(
      problemsOf(() => parseConfigText("tls:\n  mode: files\n  certFile: /etc/ssl/chain.pem\n", "x.yaml")),
    ).toEqual(["tls.mode: mode files needs certFile and keyFile"]);
    expect(parseConfigText("tls:\n  mode: files\n  certFile: chain.pem\n  keyFile: key.pem\n", "x.yaml").tls).toEqual({
      mode: "files",
      certFile: "chain.pem",
      keyFile: "key.pem",
    });
  });

  it("asks acme mode for an account address and a public DNS name, and defaults to Let's Encrypt's production CA", () => {
    expect(problemsOf(() => parseConfigText("domain: api.example.com\ntls:\n  mode: acme\n", "x.yaml"))).toEqual([
      "tls.mode: mode acme needs acme.email (the address the CA writes to about expiring certificates)",
    ]);
    expect(
      problemsOf(() => parseConfigText("tls:\n  mode: acme\n  acme:\n    email: ops@example.com\n", "x.yaml")),
    ).toEqual(["domain: tls mode acme needs a public DNS name here (such as api.example.com), one the CA can reach"]);
    expect(
      problemsOf(() =>
        parseConfigText("domain: 203.0.113.7\ntls:\n  mode: acme\n  acme:\n    email: ops@example.com\n", "x.yaml"),
      )[0],
    ).toMatch(/^domain: /);
    expect(
      problemsOf(() =>
        parseConfigText(
          "domain: api.example.com\ntls:\n  mode: acme\n  acme:\n    email: not-an-address\n    directoryUrl: http://ca.internal/dir\n",
          "x.yaml",
        ),
      ),
    ).toHaveLength(2);
    const acme = parseConfigText(
      "domain: api.example.com\ntls:\n  mode: acme\n  acme:\n    email: ops@example.com\n",
      "x.yaml",
    ).tls.acme!;
    expect(acme).toEqual({ email: "ops@example.com", staging: false, renewDays: 30, preflight: true });
    expect(acmeServer(acme)).toBe(LETS_ENCRYPT.production);
    expect(acmeServer({ ...acme, staging: true })).toBe(LETS_ENCRYPT.staging);
    expect(acmeServer({ ...acme, staging: true, directoryUrl: "https://ca.internal/dir" })).toBe(
      "https://ca.internal/dir",
    );
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

  it("lets every commented-out key of the example be uncommented into valid YAML", () => {
    const text = renderConfigExample();
    expect(text).not.toMatch(/\{\}/);
    // A key line is "# name:", bare or with a default in JSON; a description line is prose.
    const keyLine = /^(\s*)# ([A-Za-z][A-Za-z0-9]*):( (?:".*"|-?\d+(?:\.\d+)?|true|false|\[.*\]|\{.*\}))?$/;
    const commented = text.split("\n").filter((l) => keyLine.test(l));
    expect(commented.length).toBeGreaterThan(5);
    // All at once, left empty: each takes its default.
    expect(parseConfigText(text.replace(new RegExp(keyLine.source, "gm"), "$1$2:$3"), "uncommented.yaml")).toEqual(
      parseConfig({}, "defaults"),
    );
    // One with a value, inside a section whose every key was commented out.
    const nodes = parseConfigText(text.replace(/^(\s*)# nodes:$/m, "$1nodes: 3"), "nodes.yaml");
    expect(nodes.postgres.nodes).toBe(3);
  });

  it("takes a key left empty as its default", () => {
    expect(parseConfigText("postgres:\napi:\n  replicas:\n  logLevel:\n", "empty.yaml")).toEqual(
      parseConfig({}, "defaults"),
    );
    expect(problemsOf(() => parseConfigText("api:\n  replicas: many\n", "bad.yaml"))[0]).toMatch(/^api\.replicas: /);
  });

  it("has a JSON Schema that accepts what the config accepts and refuses what it refuses", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, logger: false });
    const validate = ajv.compile(configJsonSchema());
    const asYaml = (t: string) => parse(t) as unknown;
    expect(validate(asYaml(renderConfigExample())), JSON.stringify(validate.errors)).toBe(true);
    expect(
      validate(asYaml("postgres:\napi:\n  replicas: 4\n  logLevel:\nenvironment:\n")),
      JSON.stringify(validate.errors),
    ).toBe(true);
    expect(validate(asYaml(renderConfigYaml(parseConfig({ domain: "api.example.com" }, "x"))))).toBe(true);
    for (const bad of [
      "api:\n  replicas: many\n",
      "environment: production\n",
      "edge:\n  rateLimitPerMinute: 100\n  typo: 1\n",
      "nonsense: 1\n",
    ]) {
      expect(validate(asYaml(bad)), bad).toBe(false);
      expect(() => parseConfigText(bad, "bad.yaml"), bad).toThrow(ProblemsError);
    }
    expect(renderConfigYaml(parseConfig({}, "x")).split("\n")[0]).toBe(`# ${SCHEMA_HEADER}`);
  });
});
