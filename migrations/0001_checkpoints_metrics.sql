CREATE TABLE `checkpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`model` text NOT NULL,
	`config` text NOT NULL,
	`parent_id` text,
	`run_id` text,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`step` integer NOT NULL,
	`train_loss` real,
	`val_loss` real,
	`dataset` text NOT NULL,
	`tokenizer` text NOT NULL,
	`delete_token_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `checkpoints_parent_idx` ON `checkpoints` (`parent_id`);--> statement-breakpoint
CREATE INDEX `checkpoints_sha256_idx` ON `checkpoints` (`sha256`);--> statement-breakpoint
CREATE TABLE `metric_batches` (
	`run_id` text NOT NULL,
	`seq` integer NOT NULL,
	`points` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`run_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `metric_points` (
	`run_id` text NOT NULL,
	`step` integer NOT NULL,
	`train_loss` real,
	`val_loss` real,
	`tokens_per_s` real,
	`lr` real,
	`time` integer,
	PRIMARY KEY(`run_id`, `step`)
);
--> statement-breakpoint
ALTER TABLE `runs` ADD `adapter_name` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `write_token_hash` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `runs_dataset_idx` ON `runs` (`dataset`);