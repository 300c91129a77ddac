import { defineConfig } from "prisma/config";

// Only `prisma generate` is used (offline); migrations are plain SQL applied by node-pg-migrate.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
