// SPDX-License-Identifier: Apache-2.0

// Package sqlstore is the SQL that the sqlite and postgres stores share. It
// implements vouch.Store and vouch.Tx on database/sql with hand-written
// queries in the common subset of both engines; the few differences (bind
// parameters, row locks, how a unique violation is reported) are described
// by a Dialect that each engine supplies.
//
// Keeping one copy of the queries, instead of two near-identical ones, means
// a fix or a new column is made once, and the storetest conformance suite
// proves both engines behave the same with it.
//
// Storage conventions, shared by both engines' migrations:
//
//   - times are BIGINT unix microseconds in UTC (NULL for optional ones)
//     and come back as time.Time in UTC, truncated to the microsecond;
//   - durations are BIGINT nanoseconds;
//   - lists, maps and template configuration are JSON text, so nil and
//     empty slices round-trip as they were written;
//   - sealed values are BLOB/BYTEA; an empty sealed value is stored as NULL
//     and reads back as nil;
//   - every domain table has an environment column and every lookup
//     filters on it, so a lookup across environments is a not-found.
//
// The in-memory plaintext members Inquiry.Fields, Verification.Data and
// Event.Snapshot are never written: the service seals them into the
// Sealed* members first.
package sqlstore
