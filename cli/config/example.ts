import { Document, YAMLMap, Scalar, Pair } from "yaml";
import { inputJsonSchema, SCHEMA_HEADER } from "./json-schema.js";

interface JsonSchemaNode {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
}

function buildMap(node: JsonSchemaNode, doc: Document): YAMLMap {
  const map = new YAMLMap();
  // Keys without a default are shown commented out, attached to the next key (or the end of the map).
  let pending: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const notes = [child.description, child.enum ? `one of: ${child.enum.join(", ")}` : undefined]
      .filter((n): n is string => Boolean(n))
      .map((n) => ` ${n}`);
    // An optional section with no default (monitoring.alerts.email) is shown commented out, like any other key.
    const isObject = child.type === "object" && child.properties && child.default !== undefined;
    if (!isObject && child.default === undefined) {
      pending.push(...notes, ` ${key}:`);
      // An optional section's own keys, commented out beneath it (indented), with their defaults where they have one.
      for (const [k, c] of child.type === "object" ? Object.entries(child.properties ?? {}) : []) {
        const shown = c.default === undefined ? "" : ` ${JSON.stringify(c.default)}`;
        pending.push(
          ...[c.description, c.enum ? `one of: ${c.enum.join(", ")}` : undefined]
            .filter((n): n is string => Boolean(n))
            .map((n) => `   ${n}`),
          `   ${k}:${shown}`,
        );
      }
      continue;
    }
    const value = isObject ? buildSection(child, doc) : doc.createNode(child.default, { flow: true });
    const pair = new Pair(new Scalar(key), value);
    (pair.key as Scalar).commentBefore = [...pending, ...notes].join("\n");
    pending = [];
    map.items.push(pair);
  }
  if (pending.length) map.comment = pending.join("\n");
  return map;
}

/**
 * A section whose keys are all commented out is left empty (`postgres:` with its keys commented beneath), not `{}`:
 * uncommenting a key then gives valid YAML, and an empty section means its defaults (see parseConfig).
 */
function buildSection(node: JsonSchemaNode, doc: Document): YAMLMap | Scalar {
  const map = buildMap(node, doc);
  if (map.items.length) return map;
  const empty = new Scalar(null);
  empty.comment = map.comment;
  return empty;
}

/**
 * A commented stevie.yaml with every key at its default, generated from the same schema that validates it,
 * so the example can never drift from what the installer accepts.
 */
export function renderConfigExample(): string {
  const schema = inputJsonSchema() as JsonSchemaNode;
  const doc = new Document();
  doc.contents = buildMap(schema, doc);
  doc.commentBefore = ` ${SCHEMA_HEADER}\n stevie-stack configuration (stevie.yaml). Every key is optional; shown here at its default (a key left empty takes its default).`;
  return doc.toString({ lineWidth: 0, nullStr: "" });
}
