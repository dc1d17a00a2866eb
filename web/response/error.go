// SPDX-License-Identifier: Apache-2.0

package response

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/request"
)

// ErrorDocument is the JSON:API error body of spec §4.4:
// {"errors":[{"title":…,"details":…,"source":{"pointer":…}}]}.
type ErrorDocument struct {
	Errors []ErrorObject `json:"errors"`
}

// ErrorObject is one entry of ErrorDocument. Title is the HTTP status text,
// as in Persona's examples; Details is the user-safe message.
type ErrorObject struct {
	Title   string       `json:"title"`
	Details string       `json:"details,omitempty"`
	Source  *ErrorSource `json:"source,omitempty"`
}

// ErrorSource points at the part of the request an error is about: a JSON
// pointer into the body, or the name of a query parameter (JSON:API's
// source.parameter).
type ErrorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

// internalMessage is all a client ever learns about an internal error.
const internalMessage = "Internal error."

// Normalize turns errors from the standard library that have a clear client
// meaning into vouch errors (a body over http.MaxBytesReader's limit is a
// too_large, not an internal error), and returns any other error unchanged.
func Normalize(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return vouch.Errorf(vouch.ETOOLARGE, "The request body must not exceed %d bytes.", tooLarge.Limit)
	}
	return err
}

// ErrorBody returns the status and body that represent err. Internal errors
// get a fixed message; the cause never reaches the client.
func ErrorBody(err error) (int, ErrorDocument) {
	err = Normalize(err)
	code := vouch.ErrorCode(err)
	status := Status(code)
	title := http.StatusText(status)
	if status == http.StatusUnauthorized {
		// Persona's 401 carries only a title (spec §4.4).
		return status, ErrorDocument{Errors: []ErrorObject{{Title: title}}}
	}
	if status == http.StatusInternalServerError {
		return status, ErrorDocument{Errors: []ErrorObject{{Title: title, Details: internalMessage}}}
	}
	details := vouch.ErrorDetails(err)
	if len(details) == 0 {
		return status, ErrorDocument{Errors: []ErrorObject{{Title: title, Details: vouch.ErrorMessage(err)}}}
	}
	fields := make([]string, 0, len(details))
	for f := range details {
		fields = append(fields, f)
	}
	sort.Strings(fields) // a stable order keeps bodies comparable
	doc := ErrorDocument{Errors: make([]ErrorObject, 0, len(fields))}
	for _, f := range fields {
		doc.Errors = append(doc.Errors, ErrorObject{
			Title:   title,
			Details: details[f],
			Source:  Source(f),
		})
	}
	return status, doc
}

// Error writes err as a JSON:API error. An internal error is logged with
// the request's logger (which names the request id) before the generic body
// is sent, so the client's Request-Id finds the cause in the logs.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	status, doc := ErrorBody(err)
	if status == http.StatusInternalServerError {
		request.Logger(r.Context()).ErrorContext(r.Context(), "internal error",
			"method", r.Method, "route", r.Pattern, "error", err.Error())
	}
	JSON(w, status, doc)
}

// Source turns a Details key into an error source. Query parameters are
// recognised by their JSON:API families ("filter[status]", "page[size]") or
// an explicit "?" prefix ("?include"); any other key is a body pointer.
func Source(field string) *ErrorSource {
	switch {
	case strings.HasPrefix(field, "?"):
		return &ErrorSource{Parameter: field[1:]}
	case strings.HasPrefix(field, "filter["), strings.HasPrefix(field, "page["):
		return &ErrorSource{Parameter: field}
	}
	return &ErrorSource{Pointer: Pointer(field)}
}

// Pointer turns a Details key into a JSON pointer. A key that already is a
// pointer ("/meta/comment") is kept; a dotted attribute path
// ("fields.name_first") becomes "/data/attributes/fields/name_first".
func Pointer(field string) string {
	if strings.HasPrefix(field, "/") {
		return field
	}
	segs := strings.Split(field, ".")
	for i, s := range segs {
		// RFC 6901 escaping, so a user-supplied key cannot forge structure.
		segs[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
	}
	return "/data/attributes/" + strings.Join(segs, "/")
}
