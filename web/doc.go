// SPDX-License-Identifier: Apache-2.0

// Package web is the HTTP plumbing every Vouch surface shares: the
// middleware that gives each request an id, logs it, recovers its panics
// and counts it, and the Prometheus metrics behind that count. The error
// table and the writers live in web/response; per-request values live in
// web/request.
//
// The package is not named "http" so that it never shadows net/http in a
// file that needs both.
package web
