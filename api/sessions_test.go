// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"net/http"
	"strings"
	"testing"
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
		{name: "ExpireAllNoBody", method: http.MethodPost, path: "/api/v1/inquiry-sessions/expire-all",
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"The request body must be a JSON object."}]}`},
	})
}
