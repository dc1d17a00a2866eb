-- SPDX-License-Identifier: Apache-2.0
--
-- Webhook endpoints, their deliveries (the transactional outbox: one row per
-- event and endpoint, written with the event) and every delivery attempt.
-- Secrets and custom headers are sealed; attempts hold no response bodies.

CREATE TABLE webhooks (
	id                         TEXT COLLATE "C" PRIMARY KEY,
	environment                TEXT NOT NULL,
	url                        TEXT NOT NULL,
	enabled_events             TEXT NOT NULL DEFAULT 'null',
	status                     TEXT NOT NULL,
	disabled_reason            TEXT NOT NULL DEFAULT '',
	failing_since              BIGINT,
	sealed_secret              BYTEA,
	sealed_previous_secret     BYTEA,
	previous_secret_expires_at BIGINT,
	sealed_headers             BYTEA,
	created_at                 BIGINT NOT NULL,
	updated_at                 BIGINT NOT NULL
);
CREATE INDEX webhooks_list ON webhooks (environment, created_at, id);
-- Read in the transaction of every event.
CREATE INDEX webhooks_enabled ON webhooks (environment, created_at) WHERE status = 'enabled';

CREATE TABLE webhook_deliveries (
	id                 TEXT COLLATE "C" PRIMARY KEY,
	environment        TEXT NOT NULL,
	webhook_id         TEXT NOT NULL REFERENCES webhooks (id),
	event_id           TEXT NOT NULL REFERENCES events (id),
	event_name         TEXT NOT NULL,
	status             TEXT NOT NULL,
	attempts           INTEGER NOT NULL DEFAULT 0,
	last_status_code   INTEGER NOT NULL DEFAULT 0,
	last_error         TEXT NOT NULL DEFAULT '',
	created_at         BIGINT NOT NULL,
	first_attempted_at BIGINT,
	last_attempted_at  BIGINT,
	completed_at       BIGINT
);
CREATE INDEX webhook_deliveries_list ON webhook_deliveries (webhook_id, created_at, id);
CREATE INDEX webhook_deliveries_status ON webhook_deliveries (webhook_id, status, created_at);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
	delivery_id  TEXT COLLATE "C" NOT NULL REFERENCES webhook_deliveries (id),
	number       INTEGER NOT NULL,
	environment  TEXT NOT NULL,
	webhook_id   TEXT NOT NULL,
	attempted_at BIGINT NOT NULL,
	status_code  INTEGER NOT NULL DEFAULT 0,
	latency      BIGINT NOT NULL DEFAULT 0,
	error        TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (delivery_id, number)
);
