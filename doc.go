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
//	sqlite/, postgres/    the two Store implementations
//	internal/sqlstore     the SQL both stores share, behind a small dialect
//	storetest/            the conformance suite both stores pass unchanged
//	blob/                 the filesystem blob store for documents and selfies
//	jobs/                 the River job queue and its workers
//	api/                  the Persona-compatible REST API under /api/v1
//	web/                  HTTP plumbing shared by the API and the flow
//	cmd/vouch/            the binary: configuration, wiring, subcommands
package vouch
