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

// approved puts the plain fixture inquiry in the approved state.
func approved(t *testing.T, b *bundle) {
	t.Helper()
	_, err := b.svc.ApproveInquiry(context.Background(), vouch.Sandbox, b.fx.inquiry, "")
	require.NoError(t, err)
}

// redacted redacts the plain fixture inquiry.
func redacted(t *testing.T, b *bundle) {
	t.Helper()
	_, err := b.svc.RedactInquiry(context.Background(), vouch.Sandbox, b.fx.inquiry)
	require.NoError(t, err)
}

// expired expires the fixture inquiry that has a verification.
func expired(t *testing.T, b *bundle) {
	t.Helper()
	_, err := b.svc.ExpireInquiry(context.Background(), vouch.Sandbox, b.fx.verified)
	require.NoError(t, err)
}

func TestUpdateInquiry(t *testing.T) {
	t.Parallel()
	const path = "/api/v1/inquiries/{inq}"
	run(t, []scenario{
		{name: "NoteTagsFields", method: http.MethodPatch, path: path,
			body:   `{"data":{"attributes":{"note":"second","tags":[],"fields":{"age":42}}}}`,
			status: 200,
			json: map[string]any{
				"data.attributes.note":                    "second",
				"data.attributes.tags":                    []string{},
				"data.attributes.fields.age.value":        42,
				"data.attributes.fields.name_first.value": "Jane",
			}},
		{name: "AnyStatus", method: http.MethodPatch, path: path, prepare: approved,
			body: `{"data":{"attributes":{"note":"after the decision"}}}`, status: 200,
			json: map[string]any{"data.attributes.status": "approved", "data.attributes.note": "after the decision"}},
		{name: "UnknownAttribute", method: http.MethodPatch, path: path,
			body:   `{"data":{"attributes":{"status":"approved"}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown key \"status\".","source":{"pointer":"/data/attributes/status"}}]}`},
		{name: "BadField", method: http.MethodPatch, path: path,
			body:   `{"data":{"attributes":{"fields":{"birthdate":"soon"}}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"field \"birthdate\": must be a date (YYYY-MM-DD)","source":{"pointer":"/data/attributes/fields/birthdate"}}]}`},
		{name: "NoteTooLong", method: http.MethodPatch, path: path,
			body:   `{"data":{"attributes":{"note":"` + strings.Repeat("n", vouch.MaxNoteLength+1) + `"}}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"note must be at most 10000 characters.","source":{"pointer":"/data/attributes/note"}}]}`},
		{name: "EmptyBody", method: http.MethodPatch, path: path,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"The request body must be a JSON object."}]}`},
		{name: "Redacted", method: http.MethodPatch, path: path, prepare: redacted,
			body:   `{"data":{"attributes":{"note":"x"}}}`,
			status: 409, err: `{"errors":[{"title":"Conflict","details":"Inquiry {inq} has been redacted."}]}`},
		{name: "NotFound", method: http.MethodPatch, path: "/api/v1/inquiries/{prod_inq}",
			body:   `{"data":{"attributes":{"note":"x"}}}`,
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry {prod_inq} not found."}]}`},
	})
}

func TestRedactInquiry(t *testing.T) {
	t.Parallel()
	run(t, []scenario{
		{name: "Redacts", method: http.MethodDelete, path: "/api/v1/inquiries/{vinq}", status: 200,
			events: []string{"inquiry-session.expired", "inquiry.redacted"},
			json: map[string]any{
				"data.id":                      "{vinq}",
				"data.attributes.fields":       map[string]any{},
				"included.0.attributes.status": "passed",
			},
			present: []string{"data.attributes.redacted-at", "included.0.attributes.redacted-at"},
			absent:  []string{"included.0.attributes.name-first", "included.0.attributes.id-class"}},
		{name: "Twice", method: http.MethodDelete, path: "/api/v1/inquiries/{inq}", prepare: redacted, status: 200,
			json: map[string]any{"data.attributes.fields": map[string]any{}}},
		{name: "NotFound", method: http.MethodDelete, path: "/api/v1/inquiries/inq_missing",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry inq_missing not found."}]}`},
	})
}

func TestInquiryActions(t *testing.T) {
	t.Parallel()
	run(t, []scenario{
		{name: "Approve", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/approve",
			body: `{"meta":{"comment":"looks good"}}`, status: 200, events: []string{"inquiry.approved"},
			json: map[string]any{"data.attributes.status": "approved", "data.attributes.reviewer-comment": "looks good"}},
		{name: "ApproveWithoutBody", method: http.MethodPost, path: "/api/v1/inquiries/{vinq}/approve",
			status: 200, events: []string{"inquiry.approved"},
			json: map[string]any{"data.attributes.status": "approved", "data.attributes.reviewer-comment": nil}},
		{name: "Decline", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/decline",
			body: `{"meta":{"comment":"no"}}`, status: 200, events: []string{"inquiry.declined"},
			json: map[string]any{"data.attributes.status": "declined"}},
		{name: "MarkForReview", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/mark-for-review",
			body: `{"meta":{}}`, status: 200, events: []string{"inquiry.marked-for-review"},
			json: map[string]any{"data.attributes.status": "needs_review"}},
		{name: "Expire", method: http.MethodPost, path: "/api/v1/inquiries/{vinq}/expire",
			status: 200, events: []string{"inquiry-session.expired", "inquiry.expired"},
			json: map[string]any{"data.attributes.status": "expired", "included.1.attributes.status": "expired"}},
		{name: "ResumePending", method: http.MethodPost, path: "/api/v1/inquiries/{vinq}/resume",
			status: 200, json: map[string]any{"data.attributes.status": "pending"},
			present: []string{"meta.session-token"},
			count:   map[string]int{"data.relationships.sessions.data": 1}}, // the unused session is reused
		{name: "ResumeExpired", method: http.MethodPost, path: "/api/v1/inquiries/{vinq}/resume", prepare: expired,
			body: `{}`, status: 200, events: []string{"inquiry.started"},
			json:    map[string]any{"data.attributes.status": "pending"},
			present: []string{"meta.session-token"},
			count:   map[string]int{"data.relationships.sessions.data": 2}},

		{name: "ApproveTwice", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/approve", prepare: approved,
			status: 409, err: `{"errors":[{"title":"Conflict","details":"An inquiry with status approved cannot become approved."}]}`},
		{name: "ReviewDecided", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/mark-for-review", prepare: approved,
			status: 409, err: `{"errors":[{"title":"Conflict","details":"An inquiry with status approved cannot become needs_review."}]}`},
		{name: "ExpireDecided", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/expire", prepare: approved,
			status: 409, err: `{"errors":[{"title":"Conflict","details":"An inquiry with status approved cannot become expired."}]}`},
		{name: "ResumeCreated", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/resume",
			status: 409, err: `{"errors":[{"title":"Conflict","details":"Only pending or expired inquiries can be resumed; {inq} is created."}]}`},
		{name: "ResumeRedacted", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/resume", prepare: redacted,
			status: 409, err: `{"errors":[{"title":"Conflict","details":"Inquiry {inq} has been redacted and cannot be resumed."}]}`},
		{name: "CommentTooLong", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/decline",
			body:   `{"meta":{"comment":"` + strings.Repeat("c", vouch.MaxNoteLength+1) + `"}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"comment must be at most 10000 characters.","source":{"pointer":"/meta/comment"}}]}`},
		{name: "CommentNotString", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/approve",
			body:   `{"meta":{"comment":true}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"comment must be a string.","source":{"pointer":"/meta/comment"}}]}`},
		{name: "UnknownMeta", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/approve",
			body:   `{"meta":{"reason":"x"}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown key \"reason\".","source":{"pointer":"/meta/reason"}}]}`},
		{name: "ExpireTakesNoOptions", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/expire",
			body:   `{"meta":{"comment":"x"}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown key \"comment\".","source":{"pointer":"/meta/comment"}}]}`},
		{name: "ResumeMalformed", method: http.MethodPost, path: "/api/v1/inquiries/{inq}/resume", body: `nope`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"The request body is not valid JSON (error at byte 2)."}]}`},
		{name: "OtherEnvironment", method: http.MethodPost, path: "/api/v1/inquiries/{prod_inq}/approve",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry {prod_inq} not found."}]}`},
	})
}
