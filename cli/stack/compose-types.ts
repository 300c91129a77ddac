/** The subset of the Compose specification we generate. Typed so a service definition can't be malformed. */
export interface HealthCheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period?: string;
  start_interval?: string;
}

export interface ComposeService {
  image: string;
  command?: string[];
  hostname?: string;
  user?: string;
  pid?: "host";
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  networks?: string[] | Record<string, { aliases?: string[]; ipv4_address?: string }>;
  secrets?: string[];
  depends_on?: Record<string, { condition: "service_started" | "service_healthy" | "service_completed_successfully" }>;
  healthcheck?: HealthCheck;
  restart: "unless-stopped" | "always" | "on-failure" | "no";
  deploy?: { replicas?: number; resources: { limits: { cpus: string; memory: string; pids?: number } } };
  logging: { driver: "json-file"; options: { "max-size": string; "max-file": string } };
  labels: Record<string, string>;
  dns_opt?: string[];
  init?: boolean;
  stop_grace_period?: string;
  stop_signal?: string;
  shm_size?: string;
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  cap_add?: string[];
  group_add?: string[];
  network_mode?: "none";
  working_dir?: string;
  security_opt?: string[];
  ulimits?: Record<string, { soft: number; hard: number }>;
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  networks: Record<
    string,
    {
      internal?: boolean;
      labels: Record<string, string>;
      driver?: string;
      driver_opts?: Record<string, string>;
      ipam?: { config: { subnet: string; ip_range?: string }[] };
    }
  >;
  volumes: Record<string, { labels: Record<string, string> }>;
  secrets: Record<string, { file: string }>;
}
