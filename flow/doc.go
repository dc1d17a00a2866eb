// SPDX-License-Identifier: Apache-2.0

// Package flow serves the inquiry flow an individual goes through: the
// iframe the official persona SDK and the Vouch SDK embed (GET /widget),
// the hosted page (GET /verify), and the cache warm-up page (GET /preload),
// wire-compatible with Persona's URLs and postMessage protocol (spec §1, §2).
//
// One document lives as long as the iframe: the first GET renders the shell
// and the current step, and flow.js fetches every later step as an HTML
// fragment from the flow's own routes and swaps it in, so load and ready go
// out once and the parent-message listener stays alive. The session token
// is set into the page by the server and sent back in a header; it is
// never in a cookie or in a URL the flow builds, and logs carry route
// patterns only.
//
// # Choices where Persona's behaviour is not documented
//
//   - Without environment, ids are looked up in production, then in the
//     sandbox (ids are random, so at most one matches). environment-id,
//     account-type-id, theme and padding parameters are accepted and ignored.
//   - A field in fields[…] that the template does not declare, or whose value
//     does not fit its type, is invalid_config, as in the REST API.
//   - start goes out with ready whenever the page opens an existing
//     inquiry, legacy or not; a new legacy inquiry sends it on Continue.
//   - inquiry-load carries {inquiryId, status}; page-change carries
//     {name, path, metadata: {pageHeight}} with path "/<step name>".
//   - An error found before the template is known (bad parameters, an
//     unknown template or inquiry) is shown framed by the declared
//     iframe-origin only, so the embedding page receives the error event;
//     the page then holds nothing but the error. Once the template is known,
//     an iframe-origin it does not allow gets frame-ancestors 'none': the
//     browser refuses to show the flow and no event reaches that page.
//   - The hosted page (/verify) may not be framed. redirect-uri must be the
//     template's own or on its allowed origins (localhost too in the
//     sandbox), else invalid_config: no open redirect.
//   - /preload holds no data and may be framed by anyone.
package flow
