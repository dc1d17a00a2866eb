// SPDX-License-Identifier: Apache-2.0

// Package api serves Vouch's REST API under /api/v1. It is wire-compatible
// with Persona's inquiry API (spec §4): JSON:API documents with kebab-case
// attributes, Bearer API keys scoped to one environment, Idempotency-Key,
// rate-limit headers, Request-Id and Persona's error bodies, so existing
// integrations can point at Vouch. Inquiry templates can be managed through
// the same conventions, a Vouch extension (Persona edits them in its
// dashboard only).
//
// Handlers talk only to *vouch.Service. The resource encoders (RenderInquiry,
// RenderEvent, …) are exported because webhook payloads reuse them, and
// their shapes are pinned by the golden files in testdata.
//
// # Choices where Persona's behaviour is not documented
//
// The compatibility spec leaves some behaviour open; these are the choices
// Vouch makes, and they are stable.
//
//   - Bodies are strict: a key the endpoint does not know (in data,
//     attributes or meta) is a 400 whose source.pointer names it, so a
//     typo never silently drops a value. The create-inquiry inputs that
//     Persona documents but Vouch does not act on (creator-email-address,
//     theme-set-id, theme-id, initial-step-name, and in meta
//     auto-create-account-type-id) are accepted and ignored, so
//     existing Persona clients keep working; the email is never stored.
//     Keys are accepted in kebab-case, camelCase or snake_case; field keys
//     inside "fields" are the client's own and are matched to the
//     template's fields by vouch.NormalizeFieldKey.
//   - Key-Inflection: camel or snake re-cases every key of a response,
//     the keys inside "fields" and a template's configuration included;
//     an unknown value is a 400. Error documents are not re-cased (their
//     keys are single words).
//   - Unknown filter[…] and page[…] parameters are a 400 (source.parameter),
//     for the same reason: a misspelt filter must not return everything.
//     An unknown event name in filter[name] is a 400 too.
//   - Persona-Version is any YYYY-MM-DD date (anything else is a 400). The
//     shapes are 2023-01-05's whatever it says, except the default
//     includes, which are empty from 2025-10-27 (version.go).
//   - include= accepts the inquiry's relationship names; those Vouch has no
//     objects for (reports, documents, selfies, transaction, reviewer) add
//     nothing. Without include, an inquiry includes its verifications,
//     sessions and template (Persona before 2025-10-27); "include=" includes
//     nothing. Single-resource documents always carry an "included" list;
//     list documents carry none.
//   - Lists are newest first with object-id cursors. page[after] walks to
//     older objects and page[before] to newer ones; they cannot be
//     combined. links.next and links.prev are relative URLs that keep the
//     other parameters, null when there is no such page. Templates page
//     forwards only.
//   - Idempotency-Key applies to POST only. The request is identified by
//     method, path and raw body; the stored response is the exact bytes
//     first sent (including its key inflection), replayed with
//     Idempotent-Replayed: true for vouch.IdempotencyTTL. A duplicate that
//     arrives while the first is running gets a 409 from the same process;
//     across processes the store's unique key decides. Redacting an inquiry
//     forgets the stored responses about it.
//   - The rate limit is a fixed window per environment, as Persona's, shared
//     by all of the environment's keys and counted in each process
//     (replicas each allow the limit). 401s are not counted.
//   - A wrong method on a known path is a 405 with an Allow header; an
//     unknown path under /api/v1 is a 404. Both answer with JSON and need no
//     API key.
//   - perform-simulate-actions is refused with a 403 for a production key
//     (before the inquiry is looked up), and is all or nothing: its actions
//     run in one transaction, so a refused action leaves the inquiry as it
//     was. Verification actions take data.verification-type (government-id
//     or selfie, government-id by default); Persona's
//     data.verification-template-id is accepted and ignored.
//   - add-tag, remove-tag and set-tags name tags in meta.tag-name only:
//     Vouch's tags are strings on the inquiry, not objects with ids, so
//     meta.tag-id is a 400 rather than silently ignored. Like PATCH, they
//     write no event.
//   - /inquiry-sessions lists, retrieves and expires sessions; expire-all
//     takes meta.inquiry-ids (1 to 100) and answers with the sessions it
//     expired.
//   - One-time links are <Config.PublicURL>/verify?code=<code>, with the
//     short form <Config.PublicURL>/l/<code>; both are served by the flow
//     on this server. Generate returns an unused link again, as the spec
//     says, so the code is derived from the session and the link's
//     creation time rather than stored: the row keeps only its hash. A
//     link lasts meta.expires-in-seconds (24 hours by default, the default
//     two of the spec's sources give) and never longer than its session.
//   - POST /accounts takes reference-id (unique per environment, 409 for a
//     second account) and account-type-id, accepted and ignored. The other
//     attributes Persona takes for an account (names, address, fields) are
//     personal data that Vouch keeps on inquiries only, so they are the
//     usual 400 for an unknown key.
//   - Event payloads render the object as it was when the event was
//     written; an inquiry taken from a snapshot has empty verification and
//     session lists, and the payload's data is null once the inquiry is
//     redacted.
package api
