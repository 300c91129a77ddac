/** The part of s3rver (an S3-compatible server, test only) that test/setup/s3.ts uses; the package ships no types. */
declare module "s3rver" {
  import type { Server } from "node:https";
  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    key?: string | Buffer;
    cert?: string | Buffer;
    silent?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: string[] }[];
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
    httpServer?: Server;
  }
}
