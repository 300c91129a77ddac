import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import S3rver from "s3rver";
import { run } from "../../cli/exec.js";
import { freePort } from "./ports.js";

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

export async function startTestS3(base: string): Promise<{ s3: TestS3; stop: () => Promise<void> }> {
  const dir = join(base, "s3");
  await mkdir(join(dir, "data"), { recursive: true });
  // The bridge's gateway is an address of this host that every container with a route out can reach.
  const endpoint = (await run("docker", ["network", "inspect", "bridge", "-f", "{{(index .IPAM.Config 0).Gateway}}"])).stdout.trim();
  const ca = join(dir, "ca.crt");
  const caKey = join(dir, "ca.key");
  const key = join(dir, "server.key");
  const csr = join(dir, "server.csr");
  const crt = join(dir, "server.crt");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run("openssl", ["req", "-x509", ...ec, "-keyout", caKey, "-out", ca, "-days", "2", "-subj", "/CN=stevie e2e S3 CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
  await run("openssl", ["req", ...ec, "-keyout", key, "-out", csr, "-subj", "/CN=s3"]);
  const ext = join(dir, "server.ext");
  await writeFile(ext, `subjectAltName=IP:${endpoint}\n`);
  await run("openssl", ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext]);
  const port = await freePort();
  const bucket = "stevie-e2e";
  const server = new S3rver({ address: endpoint, port, directory: join(dir, "data"), key: await readFile(key), cert: await readFile(crt), silent: true, vhostBuckets: false, configureBuckets: [{ name: bucket }] });
  await server.run();
  return {
    s3: { endpoint, port, bucket, dataDir: join(dir, "data"), caFile: ca, accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    stop: () => server.close(),
  };
}
