// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"errors"
	"fmt"
)

// Error codes are stable strings: callers match on them and the HTTP layer
// maps each to exactly one status in web/response. Never rename one.
const (
	EINVALID       = "invalid"           // bad input; Details names the fields
	EUNAUTHORIZED  = "unauthorized"      // missing or bad API key or session token
	EFORBIDDEN     = "forbidden"         // authenticated but not allowed
	ENOTFOUND      = "not_found"         // no such object in this environment
	ECONFLICT      = "conflict"          // illegal state transition or duplicate
	EEXPIRED       = "expired"           // the inquiry or session has expired
	EUNPROCESSABLE = "unprocessable"     // well-formed but unacceptable (e.g. idempotency key reuse)
	ETOOLARGE      = "too_large"         // request body over the limit
	ERATELIMITED   = "rate_limited"      // too many requests
	EINACTIVE      = "inactive_template" // inquiry creation from an inactive template
	EINTERNAL      = "internal"          // anything else; never shown in detail
)

// Error is the one error type of the domain. Its Message is safe to show to
// an API client or an end user; anything else (wrapped causes, SQL text)
// stays in the logs.
type Error struct {
	Code    string
	Message string
	// Details maps a field (a JSON pointer or attribute name) to what is
	// wrong with it, for EINVALID.
	Details map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("vouch error: code=%s message=%s", e.Code, e.Message)
}

// Errorf is a helper to build an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError builds an EINVALID error about a single field.
func FieldError(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: EINVALID, Message: msg, Details: map[string]string{field: msg}}
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for any
// other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of the *Error in err's chain,
// or a generic one: internal details must never reach a client.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorDetails returns the per-field details of the *Error in err's chain.
func ErrorDetails(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}
