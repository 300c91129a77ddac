import { z } from "zod";
import { appRouter } from "./routers/_app.js";

/**
 * An OpenAPI 3.1 description of the tRPC procedures for callers that are not TypeScript, generated from the same
 * zod schemas that validate the input and the result (`.output()`). Queries are GET /api/trpc/{path}?input=<JSON> or
 * POST with the JSON as body; answers come as {"result":{"data":...}}, errors as
 * {"error":{"message","code","data":{"code","httpStatus","fieldErrors"}}}.
 */
interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  inputs: unknown[];
  output?: unknown;
  meta?: { description?: string };
}

/** A zod schema as JSON Schema, on its own (without the `$schema` line, which OpenAPI does not take there). */
function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

const DESCRIPTIONS: Record<string, string> = {
  recommend:
    "Recommend Stevie Awards categories for a nominee: hybrid vector + full-text retrieval with eligibility filters.",
  "categories.get": "One category by code.",
  "categories.list": "Categories, optionally of one program or group, a page at a time (cursor = next category id).",
  "categories.search": "Full-text search over category names, keywords and descriptions.",
  "programs.list": "The nine Stevie Awards programs with their category counts.",
  "system.info": "The API's version and the database's clock.",
  "chat.start": "Start a chat session with the assistant (24 h, renewed on use).",
  "chat.sendAndWait":
    "Send a message and wait (up to 120 s) for the whole answer; chat.send streams it over SSE instead (tRPC subscription).",
  "chat.history": "The turns of a chat session.",
  "session.start": "Start an anonymous session (up to 5 KB of data, 24 h from last use).",
  "session.get": "A session's data (renews it).",
  "session.update": "Replace a session's data.",
  "session.end": "End a session.",
};

export function buildOpenApi(version: string): Record<string, unknown> {
  const procedures = (appRouter._def as unknown as { procedures: Record<string, { _def: ProcedureDef }> }).procedures;
  const paths: Record<string, unknown> = {};
  const errorResponse = {
    description:
      "A typed error: BAD_REQUEST (400) with the invalid fields, NOT_FOUND (404), TOO_MANY_REQUESTS (429), INTERNAL_SERVER_ERROR (500).",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
  for (const [path, proc] of Object.entries(procedures).sort()) {
    const def = proc._def;
    if (def.type === "subscription") continue;
    const input = def.inputs[0] as z.ZodType | undefined;
    const schema = input ? jsonSchemaOf(input, "input") : undefined;
    const data = def.output ? jsonSchemaOf(def.output as z.ZodType, "output") : {};
    const result = {
      type: "object",
      properties: { result: { type: "object", properties: { data }, required: ["data"] } },
      required: ["result"],
    };
    const ok = { description: "The procedure's result", content: { "application/json": { schema: result } } };
    const op = (method: "get" | "post") => ({
      operationId: `${path.replace(/\./g, "_")}_${method}`,
      summary: DESCRIPTIONS[path] ?? path,
      tags: [path.split(".")[0]],
      ...(method === "get" && schema
        ? {
            parameters: [
              {
                name: "input",
                in: "query",
                required: true,
                description: "the input as JSON",
                content: { "application/json": { schema } },
              },
            ],
          }
        : {}),
      ...(method === "post" && schema
        ? { requestBody: { required: true, content: { "application/json": { schema } } } }
        : {}),
      responses: { "200": ok, "4XX": errorResponse, "5XX": errorResponse },
    });
    paths[`/api/trpc/${path}`] = def.type === "query" ? { get: op("get"), post: op("post") } : { post: op("post") };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Stevie Awards Recommendation API",
      version,
      description: 'tRPC over HTTP. TypeScript callers should use `createStevieClient` from "stevie-stack/client".',
    },
    paths,
    components: {
      schemas: {
        Error: {
          type: "object",
          properties: {
            error: {
              type: "object",
              properties: {
                message: { type: "string" },
                code: { type: "integer" },
                data: {
                  type: "object",
                  properties: {
                    code: { type: "string" },
                    httpStatus: { type: "integer" },
                    fieldErrors: {
                      description: "BAD_REQUEST for invalid input: each invalid field, by its path in the input",
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          path: { type: "array", items: { type: ["string", "integer"] } },
                          message: { type: "string" },
                        },
                        required: ["path", "message"],
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
