// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/vouch-id/vouch"
)

// Persona-Version (spec §4.1) names the dated API version whose shapes a
// client expects; without it Persona uses the version configured on the
// key, and Vouch's keys have none. Vouch serves the shapes of 2023-01-05,
// the version Persona's published spec enumerates, with the one change of
// later versions that clients pinned to them can see in Vouch's documents:
// from 2025-10-27 an inquiry includes nothing unless include= asks (spec
// §4.2). Any well-formed date is accepted, so a client pinned to a version
// newer than this list keeps working.
const (
	VersionHeader = "Persona-Version"
	// versionNoDefaultIncludes is the first version whose documents
	// include nothing by default.
	versionNoDefaultIncludes = "2025-10-27"
)

// personaVersion reads the Persona-Version header: "" when absent, else a
// date (YYYY-MM-DD), which compares as text.
func personaVersion(r *http.Request) (string, error) {
	v := strings.TrimSpace(r.Header.Get(VersionHeader))
	if v == "" {
		return "", nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return "", vouch.Errorf(vouch.EINVALID, "Persona-Version must be a date such as 2023-01-05.")
	}
	return v, nil
}

// defaultIncludes reports whether a document without include= gets the
// default included resources in the call's version.
func (c *call) defaultIncludes() bool {
	return c.version == "" || c.version < versionNoDefaultIncludes
}
