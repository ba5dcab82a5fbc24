import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One training run: what was trained, on what data, on which GPU.
 * Metrics points and checkpoints will reference a run by id.
 */
export const runs = sqliteTable('runs', {
  /** Random URL-safe id. */
  id: text('id').primaryKey(),
  /** Model family: 'gpt' (text) for now. */
  model: text('model').notNull(),
  /** Preset name from the model's config presets, e.g. 'tiny'. */
  preset: text('preset').notNull(),
  /** Human description of the training data, e.g. 'names' or a file name. */
  dataset: text('dataset').notNull(),
  /** Full model + training config as JSON text. */
  config: text('config').notNull(),
  /** GPU adapter info (vendor, architecture, ...) as JSON text. */
  adapter: text('adapter').notNull(),
  /** Unix epoch milliseconds. */
  createdAt: integer('created_at').notNull().default(sql`(unixepoch() * 1000)`),
});

export type RunRow = typeof runs.$inferSelect;
export type NewRunRow = typeof runs.$inferInsert;
