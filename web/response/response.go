// SPDX-License-Identifier: Apache-2.0

// Package response writes HTTP responses for every surface of Vouch. It
// holds the one table that maps a vouch error code to an HTTP status, so the
// REST API and the hosted flow can never disagree about what "conflict" or
// "expired" means on the wire.
package response

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/vouch-id/vouch"
)

// codes maps each vouch error code to its HTTP status. It is the only such
// table in the code base (STYLE §3.5); add a code here when the domain gains
// one, never a special case in a handler.
var codes = map[string]int{
	vouch.EINVALID:       http.StatusBadRequest,
	vouch.EUNAUTHORIZED:  http.StatusUnauthorized,
	vouch.EFORBIDDEN:     http.StatusForbidden,
	vouch.ENOTFOUND:      http.StatusNotFound,
	vouch.ECONFLICT:      http.StatusConflict,
	vouch.EEXPIRED:       http.StatusGone,
	vouch.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	vouch.EINACTIVE:      http.StatusUnprocessableEntity,
	vouch.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	vouch.ERATELIMITED:   http.StatusTooManyRequests,
	vouch.EINTERNAL:      http.StatusInternalServerError,
}

// Status returns the HTTP status for a vouch error code. An unknown code is
// a programming error and is treated as internal, so it can never leak a
// message that was not meant for clients.
func Status(code string) int {
	if s, ok := codes[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// ContentType is the media type of every JSON body Vouch writes.
const ContentType = "application/json"

// JSON writes v as JSON with the given status. The value is encoded before
// anything is sent, so an encoding failure can still become a clean 500
// instead of a truncated body.
func JSON(w http.ResponseWriter, status int, v any) {
	body, err := Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"errors":[{"title":"Internal Server Error","details":"Internal error."}]}` + "\n")
	}
	Raw(w, status, body)
}

// Marshal encodes v the way JSON writes it: without HTML escaping, since the
// body is served as application/json and links with '&' should stay
// readable, and with a trailing newline.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Raw writes an already encoded JSON body, for replays of stored responses.
func Raw(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client going away is not our error
}
