-- SPDX-License-Identifier: Apache-2.0
--
-- The initial schema. Conventions (shared with sqlite/migration):
-- times are BIGINT unix microseconds UTC, durations BIGINT nanoseconds,
-- lists and configuration JSON text, sealed values BYTEA. Every domain table
-- has an environment column, and every lookup filters on it. Ids use the
-- "C" collation so lists order them bytewise, as SQLite does, whatever the
-- database's default collation.

CREATE TABLE templates (
	id                TEXT COLLATE "C" PRIMARY KEY,
	environment       TEXT NOT NULL,
	name              TEXT NOT NULL DEFAULT '',
	legacy            BOOLEAN NOT NULL DEFAULT FALSE,
	status            TEXT NOT NULL,
	latest_version_id TEXT NOT NULL DEFAULT '',
	created_at        BIGINT NOT NULL,
	updated_at        BIGINT NOT NULL
);
CREATE INDEX templates_list ON templates (environment, created_at, id);

CREATE TABLE template_versions (
	id          TEXT COLLATE "C" PRIMARY KEY,
	template_id TEXT NOT NULL REFERENCES templates (id),
	environment TEXT NOT NULL,
	number      BIGINT NOT NULL,
	config      TEXT NOT NULL,
	created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX template_versions_number ON template_versions (template_id, number);

CREATE TABLE accounts (
	id           TEXT COLLATE "C" PRIMARY KEY,
	environment  TEXT NOT NULL,
	reference_id TEXT NOT NULL DEFAULT '',
	created_at   BIGINT NOT NULL,
	updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX accounts_reference_id ON accounts (environment, reference_id) WHERE reference_id <> '';
CREATE INDEX accounts_list ON accounts (environment, created_at, id);

CREATE TABLE inquiries (
	id                   TEXT COLLATE "C" PRIMARY KEY,
	environment          TEXT NOT NULL,
	status               TEXT NOT NULL,
	template_id          TEXT NOT NULL,
	template_version_id  TEXT NOT NULL DEFAULT '',
	account_id           TEXT NOT NULL DEFAULT '',
	reference_id         TEXT NOT NULL DEFAULT '',
	note                 TEXT NOT NULL DEFAULT '',
	tags                 TEXT NOT NULL DEFAULT 'null',
	redirect_uri         TEXT NOT NULL DEFAULT '',
	reviewer_comment     TEXT NOT NULL DEFAULT '',
	current_step         TEXT NOT NULL DEFAULT '',
	previous_step        TEXT NOT NULL DEFAULT '',
	expire_after_create  BIGINT NOT NULL DEFAULT 0,
	expire_after_start   BIGINT NOT NULL DEFAULT 0,
	expire_after_resume  BIGINT NOT NULL DEFAULT 0,
	event_seq            BIGINT NOT NULL DEFAULT 0,
	created_at           BIGINT NOT NULL,
	updated_at           BIGINT NOT NULL,
	started_at           BIGINT,
	expires_at           BIGINT,
	completed_at         BIGINT,
	failed_at            BIGINT,
	marked_for_review_at BIGINT,
	decisioned_at        BIGINT,
	expired_at           BIGINT,
	redacted_at          BIGINT,
	wrapped_key          BYTEA,
	sealed_fields        BYTEA
);
CREATE INDEX inquiries_list ON inquiries (environment, created_at, id);
CREATE INDEX inquiries_reference_id ON inquiries (environment, reference_id, created_at);
CREATE INDEX inquiries_account_id ON inquiries (environment, account_id, created_at);
CREATE INDEX inquiries_template_id ON inquiries (environment, template_id, created_at);
CREATE INDEX inquiries_status ON inquiries (environment, status, created_at);
CREATE INDEX inquiries_expires_at ON inquiries (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE inquiry_sessions (
	id          TEXT COLLATE "C" PRIMARY KEY,
	environment TEXT NOT NULL,
	inquiry_id  TEXT NOT NULL REFERENCES inquiries (id),
	status      TEXT NOT NULL,
	token_hash  BYTEA,
	created_at  BIGINT NOT NULL,
	started_at  BIGINT,
	expires_at  BIGINT NOT NULL,
	expired_at  BIGINT
);
CREATE INDEX inquiry_sessions_inquiry ON inquiry_sessions (inquiry_id, created_at, id);

CREATE TABLE verifications (
	id           TEXT COLLATE "C" PRIMARY KEY,
	environment  TEXT NOT NULL,
	inquiry_id   TEXT NOT NULL REFERENCES inquiries (id),
	type         TEXT NOT NULL,
	status       TEXT NOT NULL,
	attempt      BIGINT NOT NULL DEFAULT 0,
	country_code TEXT NOT NULL DEFAULT '',
	checks       TEXT NOT NULL DEFAULT 'null',
	sealed_data  BYTEA,
	blobs        TEXT NOT NULL DEFAULT 'null',
	created_at   BIGINT NOT NULL,
	submitted_at BIGINT,
	completed_at BIGINT,
	redacted_at  BIGINT
);
CREATE INDEX verifications_inquiry ON verifications (inquiry_id, created_at, id);

CREATE TABLE events (
	id              TEXT COLLATE "C" PRIMARY KEY,
	environment     TEXT NOT NULL,
	name            TEXT NOT NULL,
	object_type     TEXT NOT NULL DEFAULT '',
	object_id       TEXT NOT NULL DEFAULT '',
	inquiry_id      TEXT NOT NULL DEFAULT '',
	seq             BIGINT NOT NULL DEFAULT 0,
	sealed_snapshot BYTEA,
	created_at      BIGINT NOT NULL
);
CREATE INDEX events_list ON events (environment, created_at, seq, id);
CREATE INDEX events_name ON events (environment, name, created_at);
CREATE INDEX events_object ON events (object_id, created_at);
CREATE INDEX events_inquiry ON events (inquiry_id, created_at, seq);
CREATE UNIQUE INDEX events_inquiry_seq ON events (inquiry_id, seq) WHERE inquiry_id <> '';

CREATE TABLE api_keys (
	id           TEXT COLLATE "C" PRIMARY KEY,
	environment  TEXT NOT NULL,
	name         TEXT NOT NULL DEFAULT '',
	hint         TEXT NOT NULL DEFAULT '',
	hash         BYTEA NOT NULL,
	created_at   BIGINT NOT NULL,
	last_used_at BIGINT,
	revoked_at   BIGINT
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (hash);
CREATE INDEX api_keys_list ON api_keys (created_at, id);

CREATE TABLE idempotency_records (
	api_key_id      TEXT NOT NULL,
	idempotency_key TEXT NOT NULL,
	request_hash    BYTEA,
	status          BIGINT NOT NULL,
	sealed_body     BYTEA,
	object_id       TEXT NOT NULL DEFAULT '',
	created_at      BIGINT NOT NULL,
	PRIMARY KEY (api_key_id, idempotency_key)
);
CREATE INDEX idempotency_records_object ON idempotency_records (object_id) WHERE object_id <> '';
CREATE INDEX idempotency_records_created_at ON idempotency_records (created_at);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
