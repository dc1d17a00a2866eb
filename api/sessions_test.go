// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestInquirySessions covers the session endpoints. The fixtures hold one
// session, {sess}, of the inquiry {vinq}; {inq} has none.
func TestInquirySessions(t *testing.T) {
	t.Parallel()
	many := `"` + strings.Repeat(`{inq}","`, 100) + `{inq}"`
	run(t, []scenario{
		{name: "Retrieve", method: http.MethodGet, path: "/api/v1/inquiry-sessions/{sess}", status: 200,
			json: map[string]any{
				"data.type": "inquiry-session", "data.id": "{sess}", "data.attributes.status": "new",
				"data.attributes.expired-at": nil, "data.relationships.inquiry.data.id": "{vinq}",
			}},
		{name: "RetrieveUnknown", method: http.MethodGet, path: "/api/v1/inquiry-sessions/iqse_missing", status: 404,
			err: `{"errors":[{"title":"Not Found","details":"Session iqse_missing not found."}]}`},
		{name: "RetrieveNotASessionID", method: http.MethodGet, path: "/api/v1/inquiry-sessions/{inq}", status: 404,
			err: `{"errors":[{"title":"Not Found","details":"Session {inq} not found."}]}`},
		{name: "List", method: http.MethodGet, path: "/api/v1/inquiry-sessions", status: 200,
			json:  map[string]any{"data.0.id": "{sess}", "links.next": nil},
			count: map[string]int{"data": 1}},
		{name: "ListByInquiry", method: http.MethodGet, path: "/api/v1/inquiry-sessions?filter%5Binquiry-id%5D={inq}", status: 200,
			count: map[string]int{"data": 0}},
		{name: "ListUnknownFilter", method: http.MethodGet, path: "/api/v1/inquiry-sessions?filter%5Bstatus%5D=new", status: 400,
			err: `{"errors":[{"title":"Bad Request","details":"Unknown query parameter filter[status].","source":{"parameter":"filter[status]"}}]}`},
		{name: "Expire", method: http.MethodPost, path: "/api/v1/inquiry-sessions/{sess}/expire", status: 200,
			events:  []string{"inquiry-session.expired"},
			json:    map[string]any{"data.id": "{sess}", "data.attributes.status": "expired"},
			present: []string{"data.attributes.expired-at"}},
		{name: "ExpireUnknown", method: http.MethodPost, path: "/api/v1/inquiry-sessions/iqse_missing/expire", status: 404,
			err: `{"errors":[{"title":"Not Found","details":"Session iqse_missing not found."}]}`},
		{name: "ExpireOtherEnvironment", method: http.MethodPost, path: "/api/v1/inquiry-sessions/{sess}/expire", key: "production",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Session {sess} not found."}]}`},
		{name: "ExpireAll", method: http.MethodPost, path: "/api/v1/inquiry-sessions/expire-all",
			body:   `{"meta":{"inquiry-ids":["{vinq}","{inq}"]}}`,
			status: 200, events: []string{"inquiry-session.expired"},
			json:  map[string]any{"data.0.id": "{sess}", "data.0.attributes.status": "expired"},
			count: map[string]int{"data": 1}},
		{name: "ExpireAllUnknownInquiry", method: http.MethodPost, path: "/api/v1/inquiry-sessions/expire-all",
			body:   `{"meta":{"inquiry-ids":["{vinq}","{prod_inq}"]}}`,
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry {prod_inq} not found."}]}`},
		{name: "ExpireAllEmpty", method: http.MethodPost, path: "/api/v1/inquiry-sessions/expire-all",
			body:   `{"meta":{"inquiry-ids":[]}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"inquiry-ids must list 1 to 100 inquiry ids.","source":{"pointer":"/meta/inquiry-ids"}}]}`},
		{name: "ExpireAllTooMany", method: http.MethodPost, path: "/api/v1/inquiry-sessions/expire-all",
			body:   `{"meta":{"inquiry-ids":[` + many + `]}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"inquiry-ids must list 1 to 100 inquiry ids.","source":{"pointer":"/meta/inquiry-ids"}}]}`},
		{name: "Create", method: http.MethodPost, path: "/api/v1/inquiry-sessions",
			body:   `{"data":{"type":"inquiry-session","attributes":{"inquiry-id":"{vinq}"}}}`,
			status: 201,
			json: map[string]any{
				"data.type": "inquiry-session", "data.attributes.status": "new",
				"data.relationships.inquiry.data.id": "{vinq}",
			},
			present: []string{"data.id", "meta.session-token", "data.attributes.expires-at"}},
		{name: "CreateCamelCase", method: http.MethodPost, path: "/api/v1/inquiry-sessions",
			headers: map[string]string{"Key-Inflection": "camel"},
			body:    `{"data":{"attributes":{"inquiryId":"{inq}"}}}`,
			status:  201, json: map[string]any{"data.relationships.inquiry.data.id": "{inq}"},
			present: []string{"meta.sessionToken"}},
		{name: "CreateNoInquiry", method: http.MethodPost, path: "/api/v1/inquiry-sessions",
			body:   `{"data":{"attributes":{}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"inquiry-id is required.","source":{"pointer":"/data/attributes/inquiry-id"}}]}`},
		{name: "CreateUnknownInquiry", method: http.MethodPost, path: "/api/v1/inquiry-sessions",
			body:   `{"data":{"attributes":{"inquiry-id":"inq_missing"}}}`,
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry inq_missing not found."}]}`},
		{name: "CreateOtherEnvironment", method: http.MethodPost, path: "/api/v1/inquiry-sessions",
			body:   `{"data":{"attributes":{"inquiry-id":"{prod_inq}"}}}`,
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry {prod_inq} not found."}]}`},
		{name: "CreateWrongType", method: http.MethodPost, path: "/api/v1/inquiry-sessions",
			body:   `{"data":{"type":"inquiry","attributes":{"inquiry-id":"{inq}"}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"data.type must be inquiry-session.","source":{"pointer":"/data/type"}}]}`},
		{name: "CreateUnknownKey", method: http.MethodPost, path: "/api/v1/inquiry-sessions",
			body:   `{"data":{"attributes":{"inquiry-id":"{inq}","device":"x"}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown key \"device\".","source":{"pointer":"/data/attributes/device"}}]}`},
		{name: "CreateNoBody", method: http.MethodPost, path: "/api/v1/inquiry-sessions",
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"The request body must be a JSON object."}]}`},
		{name: "CreateExpired", method: http.MethodPost, path: "/api/v1/inquiry-sessions",
			prepare: func(t *testing.T, b *bundle) {
				res, body := b.do(t, http.MethodPost, "/api/v1/inquiries/"+b.fx.inquiry+"/expire", b.sandbox, "", nil)
				require.Equal(t, http.StatusOK, res.StatusCode, string(body))
			},
			body:   `{"data":{"attributes":{"inquiry-id":"{inq}"}}}`,
			status: 409, err: `{"errors":[{"title":"Conflict","details":"Inquiry {inq} is expired."}]}`},
		{name: "ExpireAllNoBody", method: http.MethodPost, path: "/api/v1/inquiry-sessions/expire-all",
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"The request body must be a JSON object."}]}`},
	})
}
