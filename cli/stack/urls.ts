import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { StevieConfig } from "../config/schema.js";
import type { StackPaths } from "./paths.js";

/** Where clients reach the installed stack. */
const publicHost = (config: StevieConfig) =>
  config.network.bindAddress === "0.0.0.0" ? config.domain : config.network.bindAddress;

export function apiUrl(config: StevieConfig): string {
  return `https://${publicHost(config)}${config.network.httpsPort === 443 ? "" : `:${config.network.httpsPort}`}/api/`;
}

/** Where clients download the local CA's certificate (self-signed mode): plain HTTP, as they cannot check TLS yet. */
export function caUrl(config: StevieConfig): string {
  return `http://${publicHost(config)}${config.network.httpPort === 80 ? "" : `:${config.network.httpPort}`}/ca.crt`;
}

/** The local CA's certificate and its SHA-256 fingerprint (to compare with what a client downloaded). */
export async function localCa(paths: StackPaths): Promise<{ path: string; fingerprint: string }> {
  const path = join(paths.tls, "ca.crt");
  return { path, fingerprint: new X509Certificate(await readFile(path)).fingerprint256 };
}
