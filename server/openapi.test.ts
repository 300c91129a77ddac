import { describe, expect, it } from "vitest";
import { buildOpenApi } from "./openapi.js";

describe("OpenAPI description", () => {
  const doc = buildOpenApi("1.0.0") as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; required?: string[] } }> } }>> };

  it("describes every query as GET and POST and every mutation as POST, generated from the input schemas", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(
      ["categories.get", "categories.list", "categories.search", "chat.history", "chat.sendAndWait", "chat.start", "programs.list", "recommend", "session.end", "session.get", "session.start", "session.update", "system.info"].map((p) => `/api/trpc/${p}`),
    );
    expect(Object.keys(doc.paths["/api/trpc/chat.start"]!)).toEqual(["post"]);
    expect(Object.keys(doc.paths["/api/trpc/recommend"]!).sort()).toEqual(["get", "post"]);
    const rec = doc.paths["/api/trpc/recommend"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(Object.keys(rec.properties).sort()).toEqual(["description", "mode", "profile", "topK"]);
    expect(rec.required).toEqual(["description"]);
    expect(rec.properties.description).toMatchObject({ type: "string", minLength: 20, maxLength: 8000 });
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
