import { z } from "zod";
import { configSchema } from "./schema.js";

/** The file name of the schema beside stevie.yaml in the stack directory. */
export const SCHEMA_FILE = "stevie.schema.json";
/** The first line of a generated stevie.yaml: editors with the YAML language server then complete and check keys. */
export const SCHEMA_HEADER = `yaml-language-server: $schema=./${SCHEMA_FILE}`;

type Node = Record<string, unknown> & {
  properties?: Record<string, Node>;
  type?: unknown;
  enum?: unknown[];
  anyOf?: Node[];
  items?: Node;
};

/** A key left empty in YAML (`postgres:`) is null, which means "the default" (parseConfig drops it): allowed here too. */
function allowEmpty(node: Node): Node {
  if (node.anyOf) return { ...node, anyOf: [...node.anyOf, { type: "null" }] };
  return {
    ...node,
    ...(typeof node.type === "string" ? { type: [node.type, "null"] } : {}),
    ...(node.enum ? { enum: [...node.enum, null] } : {}),
  };
}

function walk(node: Node): Node {
  if (!node.properties) return node;
  const properties = Object.fromEntries(
    Object.entries(node.properties).map(([k, child]) => [k, allowEmpty(walk(child))]),
  );
  return { ...node, properties };
}

/** The schema of what an operator may write, as zod describes it (defaults, descriptions, enums). */
export function inputJsonSchema(): Node {
  return z.toJSONSchema(configSchema, { io: "input" }) as Node;
}

/**
 * The JSON Schema of stevie.yaml (what `config schema` prints and install writes beside the file), generated from
 * the zod schema that validates it, so it cannot drift.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = walk(inputJsonSchema());
  return { ...schema, title: "stevie-stack configuration (stevie.yaml)" };
}
