// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/api"
)

// simulateBody builds a perform-simulate-actions body from action objects.
func simulateBody(actions ...string) string {
	return `{"meta":{"simulate-actions":[` + strings.Join(actions, ",") + `]}}`
}

func TestPerformSimulateActions(t *testing.T) {
	t.Parallel()
	const path = "/api/v1/inquiries/{inq}/perform-simulate-actions"
	failedSelfie := `{"type":"create_failed_verification","data":{"verification-type":"selfie"}}`
	run(t, []scenario{
		{name: "StartAndComplete", method: http.MethodPost, path: path,
			body:   simulateBody(`{"type":"start_inquiry"}`, `{"type":"complete_inquiry"}`),
			status: 200, events: []string{"inquiry.completed", "inquiry.started"},
			json:    map[string]any{"data.id": "{inq}", "data.type": "inquiry", "data.attributes.status": "completed"},
			present: []string{"data.attributes.started-at", "data.attributes.completed-at"}},
		{name: "PassedGovernmentID", method: http.MethodPost, path: path,
			body:   simulateBody(`{"type":"create_passed_verification","data":{"verification-type":"government-id"}}`),
			status: 200,
			events: []string{"inquiry.started", "verification.created", "verification.passed", "verification.submitted"},
			json: map[string]any{
				"data.attributes.status":                       "pending",
				"data.relationships.verifications.data.0.type": "verification/government-id",
				"included.0.type":                              "verification/government-id",
				"included.0.attributes.status":                 "passed",
				"included.0.attributes.name-first":             "Alexander",
				"included.0.attributes.name-last":              "Sample",
			},
			present: []string{"included.0.attributes.submitted-at", "included.0.attributes.completed-at"}},
		{name: "TemplateIDMeansGovernmentID", method: http.MethodPost, path: path,
			body:   simulateBody(`{"type":"create_passed_verification","data":{"verification-template-id":"vtmpl_ABC"}}`),
			status: 200,
			events: []string{"inquiry.started", "verification.created", "verification.passed", "verification.submitted"},
			json:   map[string]any{"included.0.type": "verification/government-id"}},
		{name: "FailedUntilInquiryFails", method: http.MethodPost, path: path,
			body:   simulateBody(failedSelfie, failedSelfie, failedSelfie),
			status: 200,
			events: []string{"inquiry.failed", "inquiry.started",
				"verification.created", "verification.created", "verification.created",
				"verification.failed", "verification.failed", "verification.failed",
				"verification.submitted", "verification.submitted", "verification.submitted"},
			json:  map[string]any{"data.attributes.status": "failed", "included.0.attributes.checks.4.status": "failed"},
			count: map[string]int{"data.relationships.verifications.data": 3}},
		{name: "ReviewThenApprove", method: http.MethodPost, path: path,
			body:   simulateBody(`{"type":"mark_for_review_inquiry"}`, `{"type":"approve_inquiry"}`),
			status: 200, events: []string{"inquiry.approved", "inquiry.marked-for-review"},
			json: map[string]any{"data.attributes.status": "approved"}},
		{name: "FailThenDecline", method: http.MethodPost, path: path,
			body:   simulateBody(`{"type":"fail_inquiry"}`, `{"type":"decline_inquiry"}`),
			status: 200, events: []string{"inquiry.declined", "inquiry.failed"},
			json: map[string]any{"data.attributes.status": "declined"}},
		{name: "Expire", method: http.MethodPost, path: "/api/v1/inquiries/{vinq}/perform-simulate-actions",
			body:   simulateBody(`{"type":"expire_inquiry"}`),
			status: 200, events: []string{"inquiry-session.expired", "inquiry.expired"},
			json: map[string]any{"data.attributes.status": "expired"}},
		{name: "CamelCaseKeys", method: http.MethodPost, path: path,
			body:   `{"meta":{"simulateActions":[{"type":"create_passed_verification","data":{"verificationType":"verification/selfie"}}]}}`,
			status: 200,
			events: []string{"inquiry.started", "verification.created", "verification.passed", "verification.submitted"},
			json:   map[string]any{"included.0.type": "verification/selfie"}},

		{name: "IllegalTransitionRollsBack", method: http.MethodPost, path: path,
			body:   simulateBody(`{"type":"start_inquiry"}`, `{"type":"approve_inquiry"}`, `{"type":"complete_inquiry"}`),
			status: 409, err: `{"errors":[{"title":"Conflict","details":"Simulate action 3 (complete_inquiry) refused: An inquiry with status approved cannot become completed."}]}`},
		{name: "VerificationOnClosedInquiry", method: http.MethodPost, path: path, prepare: approved,
			body:   simulateBody(`{"type":"create_passed_verification"}`),
			status: 409, err: `{"errors":[{"title":"Conflict","details":"Simulate action 1 (create_passed_verification) refused: Inquiry {inq} is approved."}]}`},
		{name: "ProductionKey", method: http.MethodPost, key: "production",
			path: "/api/v1/inquiries/{prod_inq}/perform-simulate-actions", body: simulateBody(`{"type":"start_inquiry"}`),
			status: 403, err: `{"errors":[{"title":"Forbidden","details":"Simulate actions are only available with a sandbox API key."}]}`},
		{name: "NotFound", method: http.MethodPost, path: "/api/v1/inquiries/inq_missing/perform-simulate-actions",
			body:   simulateBody(`{"type":"start_inquiry"}`),
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry inq_missing not found."}]}`},
		{name: "OtherEnvironment", method: http.MethodPost, path: "/api/v1/inquiries/{prod_inq}/perform-simulate-actions",
			body:   simulateBody(`{"type":"start_inquiry"}`),
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry {prod_inq} not found."}]}`},
		{name: "UnknownAction", method: http.MethodPost, path: path,
			body:   simulateBody(`{"type":"start_inquiry"}`, `{"type":"teleport_inquiry"}`),
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown simulate action type \"teleport_inquiry\"; use one of start_inquiry, complete_inquiry, fail_inquiry, expire_inquiry, mark_for_review_inquiry, approve_inquiry, decline_inquiry, create_passed_verification, create_failed_verification.","source":{"pointer":"/meta/simulate-actions/1/type"}}]}`},
		{name: "UnknownVerificationType", method: http.MethodPost, path: path,
			body:   simulateBody(`{"type":"create_failed_verification","data":{"verification-type":"database"}}`),
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"verification-type must be government-id or selfie, not \"database\".","source":{"pointer":"/meta/simulate-actions/0/data/verification-type"}}]}`},
		{name: "DataOnInquiryAction", method: http.MethodPost, path: path,
			body:   simulateBody(`{"type":"start_inquiry","data":{}}`),
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Simulate action start_inquiry takes no data.","source":{"pointer":"/meta/simulate-actions/0/data"}}]}`},
		{name: "UnknownKey", method: http.MethodPost, path: path,
			body:   simulateBody(`{"type":"start_inquiry","when":"now"}`),
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown key \"when\".","source":{"pointer":"/meta/simulate-actions/0/when"}}]}`},
		{name: "EmptyList", method: http.MethodPost, path: path, body: simulateBody(),
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"simulate-actions must list at least one action.","source":{"pointer":"/meta/simulate-actions"}}]}`},
		{name: "TooMany", method: http.MethodPost, path: path,
			body:   simulateBody(strings.Split(strings.Repeat(`{"type":"start_inquiry"}|`, vouch.MaxSimulateActions+1), "|")[:vouch.MaxSimulateActions+1]...),
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"simulate-actions may list at most 50 actions.","source":{"pointer":"/meta/simulate-actions"}}]}`},
		{name: "NotAList", method: http.MethodPost, path: path, body: `{"meta":{"simulate-actions":"start_inquiry"}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"simulate-actions must be an array.","source":{"pointer":"/meta/simulate-actions"}}]}`},
		{name: "MissingBody", method: http.MethodPost, path: path,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"The request body must be a JSON object."}]}`},
		{name: "Malformed", method: http.MethodPost, path: path, body: `nope`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"The request body is not valid JSON (error at byte 2)."}]}`},
	})
}

// TestSimulateIsAllOrNothing checks that a refused action leaves the
// inquiry exactly as it was, verifications included.
func TestSimulateIsAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, api.Config{})
	rep := b.placeholders()
	res, body := b.do(t, http.MethodPost, rep.Replace("/api/v1/inquiries/{inq}/perform-simulate-actions"), b.sandbox,
		simulateBody(`{"type":"create_passed_verification"}`, `{"type":"complete_inquiry"}`, `{"type":"start_inquiry"}`), nil)
	require.Equal(t, http.StatusConflict, res.StatusCode, string(body))
	d, err := b.svc.FindInquiryByID(context.Background(), vouch.Sandbox, b.fx.inquiry)
	require.NoError(t, err)
	require.Equal(t, vouch.InquiryCreated, d.Inquiry.Status)
	require.Empty(t, d.Verifications)
	require.Nil(t, d.Inquiry.StartedAt)
}

// TestSimulateActionsDocumented keeps the documented action types equal to
// the domain's.
func TestSimulateActionsDocumented(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	schema, ok := openAPIResolve(doc, "#/components/schemas/SimulateAction")
	require.True(t, ok)
	typ := openAPIObject(t, openAPIObject(t, schema, "SimulateAction")["properties"], "properties")["type"]
	var want []any
	for _, a := range vouch.SimulateActionTypes {
		want = append(want, a)
	}
	require.Equal(t, want, openAPIObject(t, typ, "type")["enum"])
}
