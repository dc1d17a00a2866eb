// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"net/http"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/request"
	"github.com/vouch-id/vouch/web/response"
)

// The error codes the flow reports to the embedding page (spec §1.9). They
// are what onError receives; never rename one.
const (
	CodeInvalidConfig    = "invalid_config"
	CodeUnauthenticated  = "unauthenticated"
	CodeInactiveTemplate = "inactive_template"
	CodeApplicationError = "application_error"
	CodeUnknown          = "unknown"
)

// FlowError is the error object of an error message: {status, code, message}.
type FlowError struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// ErrorFor maps a domain error to the flow's codes. Bad or unknown
// parameters, templates and inquiries are the embedder's configuration
// problem (invalid_config/400); every session problem is one answer
// (unauthenticated/409), so a probe learns nothing about which part was
// wrong; our own failures are application_error with status 0, as the SDK
// documents. Other known codes keep the status of web/response's table.
func ErrorFor(err error) FlowError {
	code := vouch.ErrorCode(err)
	switch code {
	case vouch.EINVALID, vouch.ENOTFOUND, vouch.EFORBIDDEN:
		return FlowError{Status: http.StatusBadRequest, Code: CodeInvalidConfig, Message: vouch.ErrorMessage(err)}
	case vouch.EUNAUTHORIZED, vouch.EEXPIRED:
		return FlowError{Status: http.StatusConflict, Code: CodeUnauthenticated,
			Message: "The session token is missing, invalid or expired."}
	case vouch.EINACTIVE:
		return FlowError{Status: http.StatusUnprocessableEntity, Code: CodeInactiveTemplate, Message: vouch.ErrorMessage(err)}
	case vouch.EINTERNAL:
		return FlowError{Status: 0, Code: CodeApplicationError, Message: vouch.ErrorMessage(err)}
	}
	return FlowError{Status: response.Status(code), Code: CodeUnknown, Message: vouch.ErrorMessage(err)}
}

// httpStatus is the HTTP status of a page or fragment that shows fe.
func (fe FlowError) httpStatus() int {
	if fe.Status == 0 {
		return http.StatusInternalServerError
	}
	return fe.Status
}

// logInternal records an internal error with the request's logger (which
// names the request id) before the generic answer goes out.
func logInternal(r *http.Request, err error) {
	if vouch.ErrorCode(err) == vouch.EINTERNAL {
		request.Logger(r.Context()).ErrorContext(r.Context(), "flow internal error",
			"method", r.Method, "route", r.Pattern, "error", err.Error())
	}
}
