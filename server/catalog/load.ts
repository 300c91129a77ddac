import { readFileSync } from "node:fs";
import { parseCatalog, type Catalog } from "./schema.js";

/** Default location of the generated catalogue, relative to this module's source directory. */
export const DEFAULT_CATALOG_URL = new URL("./data/catalog.json", import.meta.url);

/**
 * Read, parse and cross-check a catalogue file. Throws `CatalogValidationError` listing every
 * problem if the file is invalid. Pass an explicit path when the module is bundled elsewhere.
 */
export function loadCatalog(path: string | URL = DEFAULT_CATALOG_URL): Catalog {
  const raw: unknown = JSON.parse(readFileSync(path, "utf8"));
  return parseCatalog(raw);
}
