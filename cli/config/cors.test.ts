import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { allowedOrigin } from "../../server/cors.js";
import { ProblemsError } from "../errors.js";
import { buildProgram } from "../program.js";
import { renderEdgeConf } from "../stack/generate.js";
import { parseConfigText } from "./load.js";

/** api.corsOrigins (issue 24): what stevie.yaml accepts, and the same rule for `stevie-stack dev --cors-origin`. */

const origins = (yaml: string) => parseConfigText(`api:\n  corsOrigins: ${yaml}\n`, "x.yaml").api.corsOrigins;

function problemsOf(yaml: string): string[] {
  try {
    origins(yaml);
  } catch (err) {
    if (err instanceof ProblemsError) return err.problems;
    throw err;
  }
  throw new Error(`expected ${yaml} to be refused`);
}

describe("api.corsOrigins", () => {
  it("is empty by default: no page on another origin may call the API", () => {
    expect(parseConfigText("", "empty.yaml").api.corsOrigins).toEqual([]);
  });

  it("takes exact origins as a browser sends them, host names lower-cased", () => {
    const ok = [
      "https://app.example.com",
      "http://localhost:5173",
      "http://127.0.0.1:5999",
      "http://[::1]:3000",
      "https://xn--bcher-kva.example",
    ];
    expect(origins(JSON.stringify(ok))).toEqual(ok);
    expect(origins('["https://App.Example.COM:8443"]')).toEqual(["https://app.example.com:8443"]);
    expect(origins('["*"]')).toEqual(["*"]);
  });

  it("refuses what a browser never sends, naming the origin it does send when there is one", () => {
    expect(problemsOf('["https://app.example.com/"]')).toEqual([
      'api.corsOrigins: "https://app.example.com/" is not how a browser sends its origin; write https://app.example.com',
    ]);
    expect(problemsOf('["https://app.example.com:443"]')[0]).toMatch(/write https:\/\/app\.example\.com$/);
    expect(problemsOf('["https://app.example.com/app"]')[0]).toMatch(/write https:\/\/app\.example\.com$/);
    expect(problemsOf('["http://0x7f.1:3000"]')[0]).toMatch(/write http:\/\/127\.0\.0\.1:3000$/);
    expect(problemsOf('["https://user@app.example.com"]')[0]).toMatch(
      /is not an exact origin such as https:\/\/app\.example\.com/,
    );
  });

  it("refuses wildcards, other schemes, and a * beside other origins, reporting every one", () => {
    expect(problemsOf('["https://*.example.com"]')[0]).toMatch(
      /no wildcards in an origin; list each one .* or "\*" alone for any/,
    );
    expect(problemsOf('["*", "https://app.example.com"]')).toEqual([
      'api.corsOrigins: "*" (any origin) stands alone in the list',
    ]);
    expect(
      problemsOf(
        '["app.example.com", "ftp://app.example.com", "null", "https://app.example.com:0", "https://app.example.com:65536"]',
      ),
    ).toHaveLength(5);
  });

  it("lets no byte that means something to nginx into nginx.conf, whatever the URL parser accepts as a host", () => {
    for (const hostile of [
      "https://a;b.example",
      "https://a$b.example",
      "https://a{b.example",
      "https://a'b.example",
      'https://a"b.example',
      "https://a b.example",
      "https://a\nb.example",
      "https://a\\b.example",
    ]) {
      expect(problemsOf(JSON.stringify([hostile])), JSON.stringify(hostile)).toHaveLength(1);
    }
  });

  it("reaches nginx.conf as the origin map, each origin once", () => {
    const config = parseConfigText(
      'api:\n  corsOrigins: ["https://App.example.com", "https://app.example.com"]\n',
      "x.yaml",
    );
    const map = /map \$http_origin \$stevie_cors_origin \{([^}]*)\}/.exec(renderEdgeConf(config))![1]!;
    expect(
      map
        .trim()
        .split("\n")
        .map((l) => l.trim()),
    ).toEqual(['default "";', "https://app.example.com https://app.example.com;"]);
  });
});

describe("the origin a request is allowed", () => {
  it("is the listed one, or * when any is allowed; none for an unlisted or absent origin", () => {
    const list = ["https://app.example.com"];
    expect(allowedOrigin("https://app.example.com", list)).toBe("https://app.example.com");
    for (const other of ["https://evil.example", "https://app.example.com.evil.example", "null", "", undefined])
      expect(allowedOrigin(other, list), String(other)).toBeUndefined();
    expect(allowedOrigin("https://evil.example", ["*"])).toBe("*");
    expect(allowedOrigin(undefined, [])).toBeUndefined();
  });
});

describe("stevie-stack dev --cors-origin", () => {
  /** The error commander reports for these arguments (before dev starts anything), or "" when they parse. */
  async function parseError(...args: string[]): Promise<string> {
    const program = buildProgram();
    const dev = program.commands.find((c) => c.name() === "dev")!;
    dev
      .exitOverride()
      .configureOutput({ writeErr: () => undefined })
      .action(() => undefined);
    try {
      await program.parseAsync(["dev", ...args], { from: "user" });
      return "";
    } catch (e) {
      if (!(e instanceof CommanderError)) throw e;
      return e.message;
    }
  }

  it("takes exact origins, repeated, and refuses others as api.corsOrigins does", async () => {
    expect(await parseError("--cors-origin", "http://localhost:5173", "--cors-origin", "https://app.example.com")).toBe(
      "",
    );
    expect(await parseError("--cors-origin", "http://localhost:5173/")).toMatch(
      /--cors-origin <origin>' argument 'http:\/\/localhost:5173\/' is invalid\. "http:\/\/localhost:5173\/" is not how a browser sends its origin; write http:\/\/localhost:5173/,
    );
    expect(await parseError("--cors-origin", "*", "--cors-origin", "https://app.example.com")).toMatch(
      /"\*" \(any origin\) stands alone/,
    );
  });
});
