import { describe, expect, it } from "vitest";
import { buildOpenApi } from "./openapi.js";

describe("OpenAPI description", () => {
  const doc = buildOpenApi("1.0.0") as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          requestBody?: {
            content: Record<string, { schema: { properties: Record<string, unknown>; required?: string[] } }>;
          };
        }
      >
    >;
  };

  it("describes every query as GET and POST and every mutation as POST, generated from the input schemas", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        "categories.get",
        "categories.list",
        "categories.search",
        "chat.history",
        "chat.sendAndWait",
        "chat.start",
        "programs.list",
        "recommend",
        "session.end",
        "session.get",
        "session.start",
        "session.update",
        "system.info",
      ].map((p) => `/api/trpc/${p}`),
    );
    expect(Object.keys(doc.paths["/api/trpc/chat.start"]!)).toEqual(["post"]);
    expect(Object.keys(doc.paths["/api/trpc/recommend"]!).sort()).toEqual(["get", "post"]);
    const rec = doc.paths["/api/trpc/recommend"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(Object.keys(rec.properties).sort()).toEqual(["description", "mode", "profile", "topK"]);
    expect(rec.required).toEqual(["description"]);
    expect(rec.properties.description).toMatchObject({ type: "string", minLength: 20, maxLength: 8000 });
  });
});

describe("OpenAPI results", () => {
  type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; required?: string[] };
  const all = buildOpenApi("1.0.0") as {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content: Record<string, { schema: Schema }> }> }>
    >;
  };
  const data = (path: string, method = "post") =>
    all.paths[`/api/trpc/${path}`]![method]!.responses["200"]!.content["application/json"]!.schema.properties!.result!
      .properties!.data!;

  it("describes every procedure's result, from its .output() schema", () => {
    for (const [path, ops] of Object.entries(all.paths)) {
      for (const op of Object.values(ops)) {
        const schema = op.responses["200"]!.content["application/json"]!.schema.properties!.result!.properties!.data!;
        expect(schema.type, path).toMatch(/^(object|array)$/);
      }
    }
  });

  it("gives recommend's results with their category, program and reasons", () => {
    const rec = data("recommend", "get");
    expect(rec.required).toEqual(expect.arrayContaining(["model", "mode", "results"]));
    const item = rec.properties!.results!.items!;
    expect(item.properties!.category!.properties!.code).toMatchObject({ type: "string" });
    expect(item.properties!.category!.required).toContain("code");
    expect(Object.keys(item.properties!).sort()).toEqual([
      "category",
      "eligibility",
      "program",
      "rank",
      "score",
      "why",
    ]);
    expect(item.properties!.why!.properties!.similarity).toMatchObject({ type: ["number", "null"] });
  });

  it("gives the chat answer and the error's invalid fields", () => {
    expect(Object.keys(data("chat.sendAndWait").properties!)).toEqual(
      expect.arrayContaining(["text", "citations", "fallback"]),
    );
    const error = (all as unknown as { components: { schemas: { Error: Schema } } }).components.schemas.Error;
    expect(error.properties!.error!.properties!.data!.properties!.fieldErrors!.items!.required).toEqual([
      "path",
      "message",
    ]);
  });
});

describe("procedure labels for metrics", () => {
  it("names known procedures and collapses anything else", async () => {
    const { proceduresOf } = await import("./http.js");
    expect(proceduresOf("/api/trpc/recommend?input=%7B%7D")).toBe("recommend");
    expect(proceduresOf("/api/trpc/categories.get,programs.list?batch=1")).toBe("categories.get,programs.list");
    expect(proceduresOf("/api/trpc/no.such.thing")).toBe("unknown");
  });
});
