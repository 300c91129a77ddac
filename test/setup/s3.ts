import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import S3rver from "s3rver";
import { freePort } from "./ports.js";
import { bridgeGateway, testCa } from "./test-ca.js";

/**
 * An S3-compatible service for the e2e stack's second backup repository: s3rver (a real S3 API over HTTPS, with
 * signature checks), on the host's Docker bridge address, with a certificate from a CA of the test's own. It stands
 * in for AWS S3 or a MinIO, which cannot be reached from here. Objects land as files under `dataDir/<bucket>/`.
 */
export interface TestS3 {
  endpoint: string;
  port: number;
  bucket: string;
  dataDir: string;
  caFile: string;
  /** s3rver's fixed credentials: the signatures pgBackRest makes with them are checked. */
  accessKeyId: string;
  secretAccessKey: string;
}

export async function startTestS3(
  base: string,
  again?: { port: number },
): Promise<{ s3: TestS3; stop: () => Promise<void> }> {
  const dir = join(base, "s3");
  await mkdir(join(dir, "data"), { recursive: true });
  const endpoint = await bridgeGateway();
  // `again`: a kept stack's repository (STEVIE_TEST_REUSE), back on its port with its CA and its data.
  const { ca, crt, key } = again
    ? { ca: join(dir, "s3-ca.crt"), crt: join(dir, "server.crt"), key: join(dir, "server.key") }
    : await testCa(dir, "s3").then(async ({ ca, issue }) => ({ ca, ...(await issue("server", `IP:${endpoint}`)) }));
  const port = again?.port ?? (await freePort());
  const bucket = "stevie-e2e";
  const server = new S3rver({
    address: endpoint,
    port,
    directory: join(dir, "data"),
    key: await readFile(key),
    cert: await readFile(crt),
    silent: true,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  });
  await server.run();
  // Node closes a keep-alive connection idle for 5 s; S3 keeps one far longer, and pgBackRest reuses its connections.
  // On a busy host a gap of a few seconds between two of its requests can then meet a closed socket: the likely cause
  // of "[095]: unable to flush" in a full backup to S3 (once, in the CI run of session 26).
  const http = (server as unknown as { httpServer: { keepAliveTimeout: number; headersTimeout: number } }).httpServer;
  http.keepAliveTimeout = 120_000;
  http.headersTimeout = 125_000;
  return {
    s3: {
      endpoint,
      port,
      bucket,
      dataDir: join(dir, "data"),
      caFile: ca,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    },
    stop: () => server.close(),
  };
}
