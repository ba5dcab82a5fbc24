import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations into migrations/, the folder
// wrangler.toml names as migrations_dir (wrangler ignores drizzle's meta/).
export default defineConfig({
  dialect: 'sqlite',
  schema: './functions/db/schema.ts',
  out: './migrations',
});
