import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One training run: what was trained, on what data, on which GPU.
 * Metric points and checkpoints reference a run by id.
 */
export const runs = sqliteTable(
  'runs',
  {
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
    /** "vendor · architecture · device" from the adapter info: what the leaderboard groups by. */
    adapterName: text('adapter_name').notNull().default(''),
    /** SHA-256 hex of the write token; the token itself is only ever shown to its creator. */
    writeTokenHash: text('write_token_hash').notNull().default(''),
    /** Unix epoch milliseconds. */
    createdAt: integer('created_at').notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [index('runs_dataset_idx').on(t.dataset)],
);

/**
 * Metric batches already stored, by the client's sequence number: a retried
 * batch finds its row here and is not stored twice.
 */
export const metricBatches = sqliteTable(
  'metric_batches',
  {
    runId: text('run_id').notNull(),
    seq: integer('seq').notNull(),
    /** Points the batch carried. */
    points: integer('points').notNull(),
    createdAt: integer('created_at').notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] })],
);

/** One training step's numbers; absent measurements are NULL. */
export const metricPoints = sqliteTable(
  'metric_points',
  {
    runId: text('run_id').notNull(),
    step: integer('step').notNull(),
    trainLoss: real('train_loss'),
    valLoss: real('val_loss'),
    tokensPerS: real('tokens_per_s'),
    lr: real('lr'),
    /** Unix epoch milliseconds on the client when the step finished. */
    time: integer('time'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.step] })],
);

/**
 * A shared checkpoint. The bytes live in R2 under `sha256/<hex>` (content
 * addressed: identical uploads share one object); this row is what people see.
 */
export const checkpoints = sqliteTable(
  'checkpoints',
  {
    /** Random URL-safe id (128 bits). */
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Model family, from the file's metadata.format ('kindling-gpt' -> 'gpt'). */
    model: text('model').notNull(),
    /** The model config JSON from the file's __metadata__. */
    config: text('config').notNull(),
    /** Checkpoint this one was fine-tuned from (an id here), or NULL. */
    parentId: text('parent_id'),
    /** The training run that produced it, when the uploader says so. */
    runId: text('run_id'),
    /** File size in bytes. */
    size: integer('size').notNull(),
    /** SHA-256 hex of the file: its R2 key and its ETag. */
    sha256: text('sha256').notNull(),
    /** Steps trained, and the losses recorded in the file. */
    step: integer('step').notNull(),
    trainLoss: real('train_loss'),
    valLoss: real('val_loss'),
    /** The training data's description from the file. */
    dataset: text('dataset').notNull(),
    /** 'byte' or 'bpe'. */
    tokenizer: text('tokenizer').notNull(),
    /** SHA-256 hex of the delete token (never the token). */
    deleteTokenHash: text('delete_token_hash').notNull(),
    /** Unix epoch milliseconds. */
    createdAt: integer('created_at').notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [index('checkpoints_parent_idx').on(t.parentId), index('checkpoints_sha256_idx').on(t.sha256)],
);

export type RunRow = typeof runs.$inferSelect;
export type NewRunRow = typeof runs.$inferInsert;
export type MetricPointRow = typeof metricPoints.$inferSelect;
export type CheckpointRow = typeof checkpoints.$inferSelect;
export type NewCheckpointRow = typeof checkpoints.$inferInsert;
