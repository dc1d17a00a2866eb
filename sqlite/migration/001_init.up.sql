-- SPDX-License-Identifier: Apache-2.0
--
-- The initial schema. Conventions (shared with postgres/migration):
-- times are INTEGER unix microseconds UTC, durations INTEGER nanoseconds,
-- lists and configuration JSON text, sealed values BLOB. Every domain table
-- has an environment column, and every lookup filters on it. Tables are
-- STRICT, so a value of the wrong type is an error, not a silent conversion.

CREATE TABLE templates (
	id                TEXT PRIMARY KEY,
	environment       TEXT NOT NULL,
	name              TEXT NOT NULL DEFAULT '',
	legacy            INTEGER NOT NULL DEFAULT 0,
	status            TEXT NOT NULL,
	latest_version_id TEXT NOT NULL DEFAULT '',
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX templates_list ON templates (environment, created_at, id);

CREATE TABLE template_versions (
	id          TEXT PRIMARY KEY,
	template_id TEXT NOT NULL REFERENCES templates (id),
	environment TEXT NOT NULL,
	number      INTEGER NOT NULL,
	config      TEXT NOT NULL,
	created_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX template_versions_number ON template_versions (template_id, number);

CREATE TABLE accounts (
	id           TEXT PRIMARY KEY,
	environment  TEXT NOT NULL,
	reference_id TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX accounts_reference_id ON accounts (environment, reference_id) WHERE reference_id <> '';
CREATE INDEX accounts_list ON accounts (environment, created_at, id);

CREATE TABLE inquiries (
	id                   TEXT PRIMARY KEY,
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
	expire_after_create  INTEGER NOT NULL DEFAULT 0,
	expire_after_start   INTEGER NOT NULL DEFAULT 0,
	expire_after_resume  INTEGER NOT NULL DEFAULT 0,
	event_seq            INTEGER NOT NULL DEFAULT 0,
	created_at           INTEGER NOT NULL,
	updated_at           INTEGER NOT NULL,
	started_at           INTEGER,
	expires_at           INTEGER,
	completed_at         INTEGER,
	failed_at            INTEGER,
	marked_for_review_at INTEGER,
	decisioned_at        INTEGER,
	expired_at           INTEGER,
	redacted_at          INTEGER,
	wrapped_key          BLOB,
	sealed_fields        BLOB
) STRICT;
CREATE INDEX inquiries_list ON inquiries (environment, created_at, id);
CREATE INDEX inquiries_reference_id ON inquiries (environment, reference_id, created_at);
CREATE INDEX inquiries_account_id ON inquiries (environment, account_id, created_at);
CREATE INDEX inquiries_template_id ON inquiries (environment, template_id, created_at);
CREATE INDEX inquiries_status ON inquiries (environment, status, created_at);
CREATE INDEX inquiries_expires_at ON inquiries (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE inquiry_sessions (
	id          TEXT PRIMARY KEY,
	environment TEXT NOT NULL,
	inquiry_id  TEXT NOT NULL REFERENCES inquiries (id),
	status      TEXT NOT NULL,
	token_hash  BLOB,
	created_at  INTEGER NOT NULL,
	started_at  INTEGER,
	expires_at  INTEGER NOT NULL,
	expired_at  INTEGER
) STRICT;
CREATE INDEX inquiry_sessions_inquiry ON inquiry_sessions (inquiry_id, created_at, id);

CREATE TABLE verifications (
	id           TEXT PRIMARY KEY,
	environment  TEXT NOT NULL,
	inquiry_id   TEXT NOT NULL REFERENCES inquiries (id),
	type         TEXT NOT NULL,
	status       TEXT NOT NULL,
	attempt      INTEGER NOT NULL DEFAULT 0,
	country_code TEXT NOT NULL DEFAULT '',
	checks       TEXT NOT NULL DEFAULT 'null',
	sealed_data  BLOB,
	blobs        TEXT NOT NULL DEFAULT 'null',
	created_at   INTEGER NOT NULL,
	submitted_at INTEGER,
	completed_at INTEGER,
	redacted_at  INTEGER
) STRICT;
CREATE INDEX verifications_inquiry ON verifications (inquiry_id, created_at, id);

CREATE TABLE events (
	id              TEXT PRIMARY KEY,
	environment     TEXT NOT NULL,
	name            TEXT NOT NULL,
	object_type     TEXT NOT NULL DEFAULT '',
	object_id       TEXT NOT NULL DEFAULT '',
	inquiry_id      TEXT NOT NULL DEFAULT '',
	seq             INTEGER NOT NULL DEFAULT 0,
	sealed_snapshot BLOB,
	created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX events_list ON events (environment, created_at, seq, id);
CREATE INDEX events_name ON events (environment, name, created_at);
CREATE INDEX events_object ON events (object_id, created_at);
CREATE INDEX events_inquiry ON events (inquiry_id, created_at, seq);
CREATE UNIQUE INDEX events_inquiry_seq ON events (inquiry_id, seq) WHERE inquiry_id <> '';

CREATE TABLE api_keys (
	id           TEXT PRIMARY KEY,
	environment  TEXT NOT NULL,
	name         TEXT NOT NULL DEFAULT '',
	hint         TEXT NOT NULL DEFAULT '',
	hash         BLOB NOT NULL,
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER,
	revoked_at   INTEGER
) STRICT;
CREATE UNIQUE INDEX api_keys_hash ON api_keys (hash);
CREATE INDEX api_keys_list ON api_keys (created_at, id);

CREATE TABLE idempotency_records (
	api_key_id      TEXT NOT NULL,
	idempotency_key TEXT NOT NULL,
	request_hash    BLOB,
	status          INTEGER NOT NULL,
	sealed_body     BLOB,
	object_id       TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	PRIMARY KEY (api_key_id, idempotency_key)
) STRICT;
CREATE INDEX idempotency_records_object ON idempotency_records (object_id) WHERE object_id <> '';
CREATE INDEX idempotency_records_created_at ON idempotency_records (created_at);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;
