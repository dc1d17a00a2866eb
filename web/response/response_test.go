// SPDX-License-Identifier: Apache-2.0

package response_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/request"
	"github.com/vouch-id/vouch/web/response"
)

func TestStatus(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]int{
		vouch.EINVALID:       400,
		vouch.EUNAUTHORIZED:  401,
		vouch.EFORBIDDEN:     403,
		vouch.ENOTFOUND:      404,
		vouch.ECONFLICT:      409,
		vouch.EEXPIRED:       410,
		vouch.ETOOLARGE:      413,
		vouch.EUNPROCESSABLE: 422,
		vouch.EINACTIVE:      422,
		vouch.ERATELIMITED:   429,
		vouch.EINTERNAL:      500,
		"no_such_code":       500,
		"":                   500,
	} {
		require.Equal(t, want, response.Status(code), code)
	}
}

func TestErrorBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		err    error
		status int
		body   string
	}{
		{"Message", vouch.Errorf(vouch.ENOTFOUND, "No inquiry %s.", "inq_x"), 404,
			`{"errors":[{"title":"Not Found","details":"No inquiry inq_x."}]}`},
		{"UnauthorizedHasOnlyTitle", vouch.Errorf(vouch.EUNAUTHORIZED, "bad key"), 401,
			`{"errors":[{"title":"Unauthorized"}]}`},
		{"InternalHidesCause", fmt.Errorf("insert: %w", errors.New("disk full at /var/db")), 500,
			`{"errors":[{"title":"Internal Server Error","details":"Internal error."}]}`},
		{"InternalVouchErrorHidesMessage", vouch.Errorf(vouch.EINTERNAL, "secret detail"), 500,
			`{"errors":[{"title":"Internal Server Error","details":"Internal error."}]}`},
		{"FieldDetails", fmt.Errorf("wrapped: %w", &vouch.Error{Code: vouch.EINVALID, Message: "bad", Details: map[string]string{
			"note": "note is too long", "fields.name_first": "must be a string", "/meta/comment": "must be a string",
		}}), 400,
			`{"errors":[` +
				`{"title":"Bad Request","details":"must be a string","source":{"pointer":"/meta/comment"}},` +
				`{"title":"Bad Request","details":"must be a string","source":{"pointer":"/data/attributes/fields/name_first"}},` +
				`{"title":"Bad Request","details":"note is too long","source":{"pointer":"/data/attributes/note"}}]}`},
		{"TooLarge", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 10}), 413,
			`{"errors":[{"title":"Request Entity Too Large","details":"The request body must not exceed 10 bytes."}]}`},
		{"Inactive", vouch.Errorf(vouch.EINACTIVE, "The template is inactive."), 422,
			`{"errors":[{"title":"Unprocessable Entity","details":"The template is inactive."}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			response.Error(rec, r, tc.err)
			require.Equal(t, tc.status, rec.Code)
			require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			require.JSONEq(t, tc.body, rec.Body.String())
		})
	}
}

func TestErrorLogsInternalWithRequestLogger(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	r = r.WithContext(request.WithLogger(request.WithID(r.Context(), "req_abc"), logger))
	rec := httptest.NewRecorder()
	response.Error(rec, r, errors.New("the real cause"))
	require.Equal(t, 500, rec.Code)
	require.NotContains(t, rec.Body.String(), "real cause")
	require.Contains(t, logs.String(), "the real cause")
	require.Contains(t, logs.String(), "request_id=req_abc")
}

func TestSource(t *testing.T) {
	t.Parallel()
	require.Equal(t, &response.ErrorSource{Parameter: "page[after]"}, response.Source("page[after]"))
	require.Equal(t, &response.ErrorSource{Parameter: "filter[status]"}, response.Source("filter[status]"))
	require.Equal(t, &response.ErrorSource{Parameter: "include"}, response.Source("?include"))
	require.Equal(t, &response.ErrorSource{Pointer: "/data/attributes/fields/x[1]"}, response.Source("fields.x[1]"))
}

func TestPointer(t *testing.T) {
	t.Parallel()
	require.Equal(t, "/data/attributes/note", response.Pointer("note"))
	require.Equal(t, "/data/attributes/fields/a~1b~0c", response.Pointer("fields.a/b~c"))
	require.Equal(t, "/meta/comment", response.Pointer("/meta/comment"))
}

func TestJSONDoesNotEscapeHTML(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	response.JSON(rec, http.StatusCreated, map[string]string{"next": "/a?b=1&c=<2>"})
	require.Equal(t, http.StatusCreated, rec.Code)
	require.Equal(t, `{"next":"/a?b=1&c=<2>"}`+"\n", rec.Body.String())
	require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
}

func TestJSONUnencodableIsInternal(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	response.JSON(rec, http.StatusOK, map[string]any{"f": func() {}})
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.JSONEq(t, `{"errors":[{"title":"Internal Server Error","details":"Internal error."}]}`, rec.Body.String())
}
