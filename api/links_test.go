// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/api"
)

// TestOneTimeLinks covers the generate-one-time-link actions. The fixtures
// hold one session, {sess}, of the inquiry {vinq}; {inq} has none.
func TestOneTimeLinks(t *testing.T) {
	t.Parallel()
	inqPath := "/api/v1/inquiries/{inq}/generate-one-time-link"
	sessPath := "/api/v1/inquiry-sessions/{sess}/generate-one-time-link"
	expire := func(path string) func(t *testing.T, b *bundle) {
		return func(t *testing.T, b *bundle) {
			path = strings.NewReplacer("{inq}", b.fx.inquiry, "{sess}", b.fx.session).Replace(path)
			res, body := b.do(t, http.MethodPost, path, b.sandbox, "", nil)
			require.Equal(t, http.StatusOK, res.StatusCode, string(body))
		}
	}
	run(t, []scenario{
		{name: "Inquiry", method: http.MethodPost, path: inqPath, status: 200,
			json:    map[string]any{"data.type": "inquiry", "data.id": "{inq}", "data.attributes.status": "created"},
			count:   map[string]int{"data.relationships.sessions.data": 1},
			present: []string{"meta.one-time-link", "meta.one-time-link-short"}, absent: []string{"meta.session-token"}},
		{name: "InquiryExpiresIn", method: http.MethodPost, path: inqPath, body: `{"meta":{"expires-in-seconds":600}}`,
			status: 200, present: []string{"meta.one-time-link"}},
		{name: "InquiryCamelCase", method: http.MethodPost, path: inqPath, headers: map[string]string{"Key-Inflection": "camel"},
			body: `{"meta":{"expiresInSeconds":600}}`, status: 200, present: []string{"meta.oneTimeLink", "meta.oneTimeLinkShort"}},
		{name: "InquiryBadExpiry", method: http.MethodPost, path: inqPath, body: `{"meta":{"expires-in-seconds":-5}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"expires-in-seconds must be between 1 and 2592000.","source":{"pointer":"/meta/expires-in-seconds"}}]}`},
		{name: "InquiryUnknownKey", method: http.MethodPost, path: inqPath, body: `{"meta":{"expires-at":"tomorrow"}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"Unknown key \"expires-at\".","source":{"pointer":"/meta/expires-at"}}]}`},
		{name: "InquiryUnknown", method: http.MethodPost, path: "/api/v1/inquiries/inq_missing/generate-one-time-link",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry inq_missing not found."}]}`},
		{name: "InquiryOtherEnvironment", method: http.MethodPost, path: inqPath, key: "production",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Inquiry {inq} not found."}]}`},
		{name: "InquiryExpired", method: http.MethodPost, path: inqPath, prepare: expire("/api/v1/inquiries/{inq}/expire"),
			status: 409, err: `{"errors":[{"title":"Conflict","details":"Inquiry {inq} is expired."}]}`},
		{name: "Session", method: http.MethodPost, path: sessPath, status: 200,
			json:    map[string]any{"data.type": "inquiry-session", "data.id": "{sess}", "data.relationships.inquiry.data.id": "{vinq}"},
			present: []string{"meta.one-time-link", "meta.one-time-link-short"}},
		{name: "SessionUnknown", method: http.MethodPost, path: "/api/v1/inquiry-sessions/iqse_missing/generate-one-time-link",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Session iqse_missing not found."}]}`},
		{name: "SessionOtherEnvironment", method: http.MethodPost, path: sessPath, key: "production",
			status: 404, err: `{"errors":[{"title":"Not Found","details":"Session {sess} not found."}]}`},
		{name: "SessionExpired", method: http.MethodPost, path: sessPath, prepare: expire("/api/v1/inquiry-sessions/{sess}/expire"),
			status: 409, err: `{"errors":[{"title":"Conflict","details":"Session {sess} has expired."}]}`},
		{name: "SessionBadBody", method: http.MethodPost, path: sessPath, body: `{"meta":{"expires-in-seconds":"soon"}}`,
			status: 400, err: `{"errors":[{"title":"Bad Request","details":"expires-in-seconds must be an integer.","source":{"pointer":"/meta/expires-in-seconds"}}]}`},
	})
}

// TestOneTimeLinkURL checks that a link is built on the public URL and that
// its code opens the inquiry's session, and that asking again before the
// link is used returns the same link.
func TestOneTimeLinkURL(t *testing.T) {
	t.Parallel()
	b := setup(t, api.Config{PublicURL: "https://verify.example.com/"})
	path := "/api/v1/inquiries/" + b.fx.inquiry + "/generate-one-time-link"
	generate := func() map[string]string {
		res, body := b.do(t, http.MethodPost, path, b.sandbox, "", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, string(body))
		var doc struct{ Meta map[string]string }
		require.NoError(t, json.Unmarshal(body, &doc))
		return doc.Meta
	}
	meta := generate()
	link, short := meta["one-time-link"], meta["one-time-link-short"]
	code, ok := strings.CutPrefix(link, "https://verify.example.com/verify?code=")
	require.True(t, ok, link)
	require.Equal(t, "https://verify.example.com/l/"+code, short)
	require.Equal(t, meta, generate(), "an unused link is handed out again")

	sess, _, err := b.svc.RedeemOneTimeLink(context.Background(), code)
	require.NoError(t, err)
	require.Equal(t, b.fx.inquiry, sess.InquiryID)
	require.Equal(t, vouch.Sandbox, sess.Environment)
	require.NotEqual(t, link, generate()["one-time-link"], "a used link is not")
}
