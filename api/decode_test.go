// SPDX-License-Identifier: Apache-2.0

package api

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

func TestDecodeBody(t *testing.T) {
	t.Parallel()

	t.Run("AcceptsEveryInflection", func(t *testing.T) {
		t.Parallel()
		for _, body := range []string{
			`{"data":{"attributes":{"inquiry-template-id":"itmpl_1","fields":{"nameFirst":"Jane"}}},"meta":{"auto-create-inquiry-session":true}}`,
			`{"data":{"attributes":{"inquiryTemplateId":"itmpl_1","fields":{"nameFirst":"Jane"}}},"meta":{"autoCreateInquirySession":true}}`,
			`{"data":{"attributes":{"inquiry_template_id":"itmpl_1","fields":{"nameFirst":"Jane"}}},"meta":{"auto_create_inquiry_session":true}}`,
		} {
			var req createInquiryRequest
			require.NoError(t, decodeBody([]byte(body), &req, false), body)
			require.Equal(t, "itmpl_1", req.Data.Attributes.InquiryTemplateID)
			require.True(t, req.Meta.AutoCreateSession)
			require.Equal(t, map[string]any{"nameFirst": "Jane"}, req.Data.Attributes.Fields, "free-form keys are kept")
		}
	})

	t.Run("NumbersStayExact", func(t *testing.T) {
		t.Parallel()
		var req createInquiryRequest
		require.NoError(t, decodeBody([]byte(`{"data":{"attributes":{"fields":{"n":12345678901234567890}}},"meta":{"expiration-after-create-interval-seconds":3600}}`), &req, false))
		require.Equal(t, json.Number("12345678901234567890"), req.Data.Attributes.Fields["n"])
		require.Equal(t, int64(3600), *req.Meta.ExpireAfterCreate)
	})

	t.Run("NestedConfiguration", func(t *testing.T) {
		t.Parallel()
		var req createTemplateRequest
		require.NoError(t, decodeBody([]byte(`{"data":{"attributes":{"name":"x","configuration":{"steps":[{"name":"s","type":"government_id","idClasses":["dl"]}],"expiry":{"afterCreateSeconds":60}}}}}`), &req, false))
		require.Equal(t, []string{"dl"}, req.Data.Attributes.Configuration.Steps[0].IDClasses)
		require.Equal(t, int64(60), req.Data.Attributes.Configuration.Expiry.AfterCreateSeconds)
	})

	t.Run("OptionalEmpty", func(t *testing.T) {
		t.Parallel()
		var req actionRequest
		require.NoError(t, decodeBody(nil, &req, true))
		require.NoError(t, decodeBody([]byte("  \n"), &req, true))
		require.NoError(t, decodeBody([]byte("null"), &req, true))
		require.NoError(t, decodeBody([]byte(`{"meta":{"comment":"ok"}}`), &req, true))
		require.Equal(t, "ok", req.Meta.Comment)
	})

	for _, tc := range []struct {
		name, body string
		optional   bool
		message    string
		pointer    string
	}{
		{"Empty", ``, false, "The request body must be a JSON object.", ""},
		{"Null", `null`, false, "The request body must be a JSON object.", ""},
		{"NotAnObject", `[1,2]`, false, "The request body must be a JSON object.", ""},
		{"Syntax", `{"data":`, false, "The request body is not valid JSON.", ""},
		{"SyntaxOffset", `{"data":}`, false, "The request body is not valid JSON (error at byte 9).", ""},
		{"Trailing", `{} {}`, false, "The request body must hold a single JSON value.", ""},
		{"UnknownTop", `{"dat":{}}`, false, `Unknown key "dat".`, "/dat"},
		{"UnknownAttribute", `{"data":{"attributes":{"inquiry-template-id":"x","colour":"red"}}}`, false, `Unknown key "colour".`, "/data/attributes/colour"},
		{"UnknownMeta", `{"data":{},"meta":{"auto-create-teleporter":true}}`, false, `Unknown key "auto-create-teleporter".`, "/meta/auto-create-teleporter"},
		{"Duplicate", `{"data":{"attributes":{"note":"a","Note":"b"}}}`, false, `Key "note" is given twice.`, "/data/attributes/note"},
		{"WrongType", `{"data":{"attributes":{"note":5}}}`, false, "note must be a string.", "/data/attributes/note"},
		{"WrongTypeMeta", `{"meta":{"auto-create-account":"yes"}}`, false, "auto-create-account must be true or false.", "/meta/auto-create-account"},
		{"NotInteger", `{"meta":{"expiration-after-start-interval-seconds":1.5}}`, false, "expiration-after-start-interval-seconds must be an integer.", "/meta/expiration-after-start-interval-seconds"},
		{"FieldsNotObject", `{"data":{"attributes":{"fields":[1]}}}`, false, "fields must be an object.", "/data/attributes/fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var req createInquiryRequest
			err := decodeBody([]byte(tc.body), &req, tc.optional)
			require.Error(t, err)
			require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err))
			require.Equal(t, tc.message, vouch.ErrorMessage(err))
			if tc.pointer == "" {
				require.Empty(t, vouch.ErrorDetails(err))
			} else {
				require.Equal(t, map[string]string{tc.pointer: tc.message}, vouch.ErrorDetails(err))
			}
		})
	}

	t.Run("UnknownInsideConfiguration", func(t *testing.T) {
		t.Parallel()
		var req createTemplateRequest
		err := decodeBody([]byte(`{"data":{"attributes":{"configuration":{"steps":[{"name":"a","type":"start"},{"name":"b","typo":1}]}}}}`), &req, false)
		require.Equal(t, map[string]string{"/data/attributes/configuration/steps/1/typo": `Unknown key "typo".`}, vouch.ErrorDetails(err))
	})
}

// FuzzDecodeBody checks that no body makes the decoder panic, and that
// every refusal is a clean EINVALID.
func FuzzDecodeBody(f *testing.F) {
	for _, seed := range []string{
		``, `null`, `{}`, `[]`, `"x"`, `{"data":`, `{"data":{"attributes":{"note":5}}}`,
		`{"data":{"attributes":{"fields":{"a":{"b":[1,{"c":null}]}}}},"meta":{"auto-create-account":true}}`,
		`{"data":{"attributes":{"tags":[1]}}}`, `{"meta":{"expiration-after-create-interval-seconds":1e400}}`,
		`{"data":{"attributes":{"inquiryTemplateId":"x","inquiry_template_id":"y"}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range []any{&createInquiryRequest{}, &createTemplateRequest{}, &actionRequest{}} {
			if err := decodeBody(body, v, true); err != nil {
				require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err), "%v", err)
			}
		}
	})
}
