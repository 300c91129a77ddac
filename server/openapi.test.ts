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
