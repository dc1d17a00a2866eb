// SPDX-License-Identifier: Apache-2.0

// Package vouch is the domain of the Vouch identity-verification server:
// inquiries created from templates, the sessions that open them, the
// verifications that decide them and the events that record every change.
//
// The package imports only the standard library. Storage, HTTP, jobs and the
// verification engines live in sub-packages that depend on this one, never
// the other way round, so the business rules can be read (and tested) here
// without a database or a network.
//
// A map of the tree:
//
//	vouch (this package)  domain types, state machine, Service, Store interface
//	sqlite/, postgres/    the two Store implementations (postgres/pgtest: test schemas)
//	internal/sqlstore     the SQL both stores share, behind a small dialect
//	storetest/            the conformance suite both stores pass unchanged
//	blob/                 the filesystem blob store for documents and selfies
//	upload/               the one hardened path every captured image goes through
//	engine/sandbox/       forced verification outcomes, for the sandbox only
//	jobs/                 the River job queue and its workers
//	webhook/              signed, retried, SSRF-safe webhook delivery and Verify
//	api/                  the Persona-compatible REST API under /api/v1
//	flow/                 the hosted flow in the iframe: /widget, /verify, /preload
//	sdk/js/               the browser SDK (TypeScript), bundled by cmd/vouch-sdk-build
//	web/                  HTTP plumbing shared by every surface (request ids,
//	                      logs, metrics; web/response holds the error table;
//	                      web/static serves the SDK bundles)
//	demo/                 the /demo page for trying the flow on a fresh install
//	templatefile/         templates as YAML files, and the bundled demo template
//	vouchtest/            factories for tests: a service on real SQLite
//	internal/browsertest  Chromium for tests; internal/e2e the browser scenarios
//	cmd/vouch/            the binary: configuration, wiring, subcommands
//	bench/                benchmarks against a baseline measured in the same run
package vouch
