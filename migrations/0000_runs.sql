CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`model` text NOT NULL,
	`preset` text NOT NULL,
	`dataset` text NOT NULL,
	`config` text NOT NULL,
	`adapter` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
