/**
 * psql inside a PostgreSQL container, as one argv (pure): over the local socket, no psqlrc, quiet, stopping at the
 * first error. Values travel as psql variables (`-v name=value`, written :'name' in the SQL) and psql quotes them
 * itself; scripts go on stdin, so a password in one never reaches a command line or a log.
 */
export interface PsqlSpec {
  database: "postgres" | "stevie";
  vars?: Record<string, string>;
  /** Unaligned rows without headers (-At): answers as plain lines. */
  rows?: boolean;
  /** The field separator of `rows`. */
  separator?: string;
  /** One statement on the command line (-c) instead of a script on stdin. */
  command?: string;
}

export function psqlArgv(spec: PsqlSpec): string[] {
  return [
    "psql",
    "-h",
    "/run/postgresql",
    "-d",
    spec.database,
    "-X",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    ...(spec.rows ? ["-A", "-t"] : []),
    ...(spec.separator ? ["-F", spec.separator] : []),
    ...Object.entries(spec.vars ?? {}).flatMap(([k, v]) => ["-v", `${k}=${v}`]),
    ...(spec.command ? ["-c", spec.command] : []),
  ];
}
