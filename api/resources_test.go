// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

func TestVerifications(t *testing.T) {
	t.Parallel()
	run(t, []scenario{
		{name: "Get", method: http.MethodGet, path: "/api/v1/verifications/{ver}", status: 200,
			json: map[string]any{
				"data.type":                          "verification/government-id",
				"data.attributes.status":             "passed",
				"data.attributes.name-first":         "Alexander",
				"data.attributes.id-class":           "dl",
				"data.attributes.capture-method":     "upload",
				"data.attributes.checks.1.reasons":   []string{"barcode_not_decoded"},
				"data.attributes.checks.0.metadata":  map[string]any{},
				"data.relationships.inquiry.data.id": "{vinq}",
				"included":                           []any{},
			}},
		{name: "AfterRedaction", method: http.MethodGet, path: "/api/v1/verifications/{ver}",
			prepare: func(t *testing.T, b *bundle) {
				b.fx.inquiry = b.fx.verified
				redacted(t, b)
			},
			status: 200, present: []string{"data.attributes.redacted-at"},
			absent: []string{"data.attributes.name-first", "data.attributes.birthdate"}},
		{name: "Typed", method: http.MethodGet, path: "/api/v1/verification/government-ids/{ver}", status: 200,
			json: map[string]any{"data.type": "verification/government-id", "data.id": "{ver}", "data.attributes.status": "passed"}},
		{name: "TypedSelfie", method: http.MethodGet, path: "/api/v1/verification/selfies/{ver}",
			prepare: func(t *testing.T, b *bundle) {
				v, err := b.svc.CreateVerification(context.Background(), vouch.Sandbox, b.fx.verified, vouch.VerificationSelfie)
				require.NoError(t, err)
				b.fx.verification = v.ID
			},
			status: 200, json: map[string]any{"data.type": "verification/selfie", "data.id": "{ver}", "data.attributes.status": "initiated"}},
		{name: "TypedOtherType", method: http.MethodGet, path: "/api/v1/verification/selfies/{ver}",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Verification {ver} not found."}]}`},
		{name: "TypedOtherEnvironment", method: http.MethodGet, path: "/api/v1/verification/government-ids/{ver}", key: "production",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Verification {ver} not found."}]}`},
		{name: "TypedUnknown", method: http.MethodGet, path: "/api/v1/verification/selfies/ver_missing",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Verification ver_missing not found."}]}`},
		{name: "NotFound", method: http.MethodGet, path: "/api/v1/verifications/ver_missing",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Verification ver_missing not found."}]}`},
		{name: "OtherEnvironment", method: http.MethodGet, path: "/api/v1/verifications/{ver}", key: "production",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Verification {ver} not found."}]}`},
		{name: "WrongPrefix", method: http.MethodGet, path: "/api/v1/verifications/{inq}",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Verification {inq} not found."}]}`},
	})
}

func TestAccounts(t *testing.T) {
	t.Parallel()
	run(t, []scenario{
		{name: "Get", method: http.MethodGet, path: "/api/v1/accounts/{act}", status: 200,
			json: map[string]any{"data.type": "account", "data.id": "{act}", "data.attributes.reference-id": "user-1"}},
		{name: "List", method: http.MethodGet, path: "/api/v1/accounts", status: 200,
			json:  map[string]any{"data.0.id": "{act}", "links": map[string]any{"prev": nil, "next": nil}},
			count: map[string]int{"data": 1}},
		{name: "ListByReference", method: http.MethodGet, path: "/api/v1/accounts?filter[reference-id]=user-2", status: 200,
			count: map[string]int{"data": 0}},
		{name: "ListOtherEnvironment", method: http.MethodGet, path: "/api/v1/accounts", key: "production", status: 200,
			count: map[string]int{"data": 0}},
		{name: "NotFound", method: http.MethodGet, path: "/api/v1/accounts/act_missing",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Account act_missing not found."}]}`},
		{name: "OtherEnvironment", method: http.MethodGet, path: "/api/v1/accounts/{act}", key: "production",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Account {act} not found."}]}`},
		{name: "UnknownFilter", method: http.MethodGet, path: "/api/v1/accounts?filter[status]=x",
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown query parameter filter[status].","source":{"parameter":"filter[status]"}}]}`},
		{name: "BadPageSize", method: http.MethodGet, path: "/api/v1/accounts?page[size]=-1",
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"page[size] must be an integer from 1 to 100.","source":{"parameter":"page[size]"}}]}`},
		{name: "Create", method: http.MethodPost, path: "/api/v1/accounts",
			body:   `{"data":{"type":"account","attributes":{"reference-id":"user-2","account-type-id":"acttp_x"}}}`,
			status: 201, events: []string{"account.created"},
			json:    map[string]any{"data.type": "account", "data.attributes.reference-id": "user-2"},
			present: []string{"data.id", "data.attributes.created-at"}},
		{name: "CreateCamelCase", method: http.MethodPost, path: "/api/v1/accounts", headers: map[string]string{"Key-Inflection": "camel"},
			body: `{"data":{"attributes":{"referenceId":"user-2"}}}`, status: 201, events: []string{"account.created"},
			json: map[string]any{"data.attributes.referenceId": "user-2"}},
		{name: "CreateWithoutReference", method: http.MethodPost, path: "/api/v1/accounts",
			status: 201, events: []string{"account.created"}, json: map[string]any{"data.attributes.reference-id": nil}},
		{name: "CreateSameReferenceOtherEnvironment", method: http.MethodPost, path: "/api/v1/accounts", key: "production",
			body: `{"data":{"attributes":{"reference-id":"user-1"}}}`, status: 201, events: []string{"account.created"}},
		{name: "CreateDuplicate", method: http.MethodPost, path: "/api/v1/accounts",
			body:   `{"data":{"attributes":{"reference-id":"user-1"}}}`,
			status: 409, err: `{"errors":[{"title":"Conflict","details":"An account with reference-id user-1 already exists."}]}`},
		{name: "CreateLongReference", method: http.MethodPost, path: "/api/v1/accounts",
			body:   `{"data":{"attributes":{"reference-id":"` + strings.Repeat("r", 256) + `"}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"reference-id must be at most 255 characters.","source":{"pointer":"/data/attributes/reference-id"}}]}`},
		{name: "CreateUnknownKey", method: http.MethodPost, path: "/api/v1/accounts",
			body:   `{"data":{"attributes":{"reference-id":"user-2","name-first":"Jane"}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown key \"name-first\".","source":{"pointer":"/data/attributes/name-first"}}]}`},
		{name: "CreateWrongType", method: http.MethodPost, path: "/api/v1/accounts",
			body:   `{"data":{"type":"inquiry","attributes":{}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"data.type must be account.","source":{"pointer":"/data/type"}}]}`},
		{name: "CreateMalformed", method: http.MethodPost, path: "/api/v1/accounts", body: `{"data":`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"The request body is not valid JSON."}]}`},
	})
}

func TestEvents(t *testing.T) {
	t.Parallel()
	run(t, []scenario{
		{name: "Get", method: http.MethodGet, path: "/api/v1/events/{evt}", status: 200,
			json: map[string]any{
				"data.type":                         "event",
				"data.id":                           "{evt}",
				"data.attributes.name":              "inquiry.created",
				"data.attributes.payload.data.type": "inquiry",
				"data.attributes.payload.data.id":   "{inq}",
				"data.attributes.payload.data.attributes.status":                  "created",
				"data.attributes.payload.data.attributes.fields.name_first.value": "Jane",
				"data.attributes.payload.included":                                []any{},
			},
			present: []string{"data.attributes.created-at"}},
		{name: "RedactedPayload", method: http.MethodGet, path: "/api/v1/events/{evt}", prepare: redacted, status: 200,
			json: map[string]any{"data.attributes.name": "inquiry.created", "data.attributes.payload.data": nil}},
		{name: "ListByInquiry", method: http.MethodGet, path: "/api/v1/events?filter[inquiry-id]={vinq}&page[size]=2", status: 200,
			json: map[string]any{"data.0.attributes.name": "verification.passed", "data.1.attributes.name": "verification.submitted",
				"data.0.attributes.payload.data.id": "{ver}", "links.prev": nil},
			present: []string{"links.next"}},
		{name: "ListByName", method: http.MethodGet, path: "/api/v1/events?filter[name]=inquiry.created,account.created", status: 200,
			count: map[string]int{"data": 3}},
		{name: "ListByObject", method: http.MethodGet, path: "/api/v1/events?filter[object-id]={act}", status: 200,
			json:  map[string]any{"data.0.attributes.name": "account.created", "data.0.attributes.payload.data.attributes.reference-id": "user-1"},
			count: map[string]int{"data": 1}},
		{name: "UnknownName", method: http.MethodGet, path: "/api/v1/events?filter[name]=inquiry.created,inquiry.exploded",
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown event name \"inquiry.exploded\" in filter[name].","source":{"parameter":"filter[name]"}}]}`},
		{name: "UnknownFilter", method: http.MethodGet, path: "/api/v1/events?filter[type]=x",
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown query parameter filter[type].","source":{"parameter":"filter[type]"}}]}`},
		{name: "NotFound", method: http.MethodGet, path: "/api/v1/events/evt_missing",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Event evt_missing not found."}]}`},
		{name: "OtherEnvironment", method: http.MethodGet, path: "/api/v1/events/{evt}", key: "production",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Event {evt} not found."}]}`},
	})
}

func TestRouting(t *testing.T) {
	t.Parallel()
	run(t, []scenario{
		{name: "UnknownRoute", method: http.MethodGet, path: "/api/v1/reports",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"No route GET /api/v1/reports."}]}`},
		{name: "UnknownRouteWithoutKey", method: http.MethodGet, path: "/api/v1/nothing/here", key: "none",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"No route GET /api/v1/nothing/here."}]}`},
		{name: "Root", method: http.MethodGet, path: "/api/v1",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"No route GET /api/v1/."}]}`}, // after the mux redirect
		{name: "WrongMethod", method: http.MethodPut, path: "/api/v1/inquiries/{inq}",
			headerW: map[string]string{"Allow": "GET, PATCH, DELETE, HEAD"},
			status:  405, err: `{"errors":[{"title":"Method Not Allowed","details":"Method PUT is not allowed here; use GET, PATCH, DELETE, HEAD."}]}`},
		{name: "WrongMethodOnAction", method: http.MethodGet, path: "/api/v1/inquiries/{inq}/approve",
			headerW: map[string]string{"Allow": "POST"},
			status:  405, err: `{"errors":[{"title":"Method Not Allowed","details":"Method GET is not allowed here; use POST."}]}`},
	})
}
