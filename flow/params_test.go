// SPDX-License-Identifier: Apache-2.0

package flow_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/flow"
)

// mustQuery parses the query of one of the SDK's iframe URLs.
func mustQuery(t *testing.T, src string) url.Values {
	t.Helper()
	u, err := url.Parse(src)
	require.NoError(t, err)
	return u.Query()
}

// TestParseParamsSDKVectors reads the iframe URLs persona@5.9.0 builds
// (docs: widget-url-examples in the compatibility spec).
func TestParseParamsSDKVectors(t *testing.T) {
	t.Parallel()
	p, err := flow.ParseParams(mustQuery(t, "https://verify.example.com/widget?client-version=5.9.0&container-id=persona-widget-iqybjcle334e1ltk&flow-type=embedded&inquiry-template-id=itmpl_Ygs16MKTkA6obnF8C3Rb17dm&environment=sandbox&iframe-origin=http%3A%2F%2F127.0.0.1%3A36787&reference-id=user-42&fields%5Bname-first%5D=Jane&fields%5Bname-last%5D=Doe&fields%5Bbirthdate%5D=1990-01-31&fields%5Baddress-street-1%5D=1%20Main%20St&fields%5Bis-vip%5D=true&fields%5Bscore%5D=7&fields%5Btags%5D%5B0%5D=a&fields%5Btags%5D%5B1%5D=b"))
	require.NoError(t, err)
	require.Equal(t, "5.9.0", p.ClientVersion)
	require.Equal(t, "persona-widget-iqybjcle334e1ltk", p.ContainerID)
	require.Equal(t, "embedded", p.FlowType)
	require.Equal(t, "itmpl_Ygs16MKTkA6obnF8C3Rb17dm", p.TemplateID)
	require.Equal(t, "itmpl_Ygs16MKTkA6obnF8C3Rb17dm", p.EchoTemplateID())
	require.Equal(t, vouch.Sandbox, p.Environment)
	require.Equal(t, "http://127.0.0.1:36787", p.IframeOrigin)
	require.Equal(t, "user-42", p.ReferenceID)
	require.Equal(t, map[string]any{
		"name-first": "Jane", "name-last": "Doe", "birthdate": "1990-01-31", "address-street-1": "1 Main St",
		"is-vip": "true", "score": "7", "tags": []any{"a", "b"},
	}, p.Fields)

	p, err = flow.ParseParams(mustQuery(t, "https://verify.example.com/widget?client-version=5.9.0&container-id=persona-widget-ihcwxojs4p1i7s91&flow-type=embedded&inquiry-template-version-id=itmplv_abc123&environment-id=env_xyz&iframe-origin=http%3A%2F%2F127.0.0.1%3A36787&language=es&style-variant=dark"))
	require.NoError(t, err)
	require.Equal(t, "itmplv_abc123", p.TemplateVersionID)
	require.Equal(t, "env_xyz", p.EnvironmentID)
	require.Equal(t, "es", p.Language)
	require.Equal(t, "dark", p.StyleVariant)

	p, err = flow.ParseParams(mustQuery(t, "https://verify.example.com/widget?client-version=5.9.0&container-id=persona-widget-q4v1jic6982c36ta&flow-type=embedded&template-id=tmpl_legacy123&environment=sandbox&iframe-origin=http%3A%2F%2F127.0.0.1%3A36787"))
	require.NoError(t, err)
	require.True(t, p.Legacy())
	require.Equal(t, "tmpl_legacy123", p.EchoTemplateID())

	p, err = flow.ParseParams(mustQuery(t, "https://verify.example.com/widget?client-version=5.9.0&container-id=persona-widget-a0slho72g8b7l9hw&flow-type=embedded&iframe-origin=http%3A%2F%2F127.0.0.1%3A36787&inquiry-id=inq_abc123&session-token=eyJhbGciOi.example.token"))
	require.NoError(t, err)
	require.Equal(t, "inq_abc123", p.InquiryID)
	require.Equal(t, "eyJhbGciOi.example.token", p.SessionToken)

	p, err = flow.ParseParams(mustQuery(t, "https://verify.example.com/widget?client-version=5.9.0&container-id=persona-widget-5qih013fnbl9y5p4&flow-type=embedded&inquiry-template-id=itmpl_abc&iframe-origin=http%3A%2F%2F127.0.0.1%3A36787&frame-ancestors%5B0%5D=https%3A%2F%2Fa.example.com&frame-ancestors%5B1%5D=https%3A%2F%2Fb.example.com&message-target-origin=https%3A%2F%2Fa.example.com"))
	require.NoError(t, err)
	require.Equal(t, []string{"https://a.example.com", "https://b.example.com"}, p.FrameAncestors)
	require.Equal(t, "https://a.example.com", p.MessageTargetOrigin)
}

// TestParseParamsRejects lists the parameter problems that are
// invalid_config, each naming its parameter.
func TestParseParamsRejects(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ query, param string }{
		"TemplateAndInquiry":  {"inquiry-template-id=itmpl_a&inquiry-id=inq_b", "?inquiry-id"},
		"Nothing":             {"iframe-origin=http://a.example", "?inquiry-template-id"},
		"LegacyAndDynamic":    {"inquiry-template-id=itmpl_a&template-id=tmpl_b", "?template-id"},
		"TokenWithoutInquiry": {"inquiry-template-id=itmpl_a&session-token=x", "?session-token"},
		"AccountAndRef":       {"inquiry-template-id=itmpl_a&account-id=act_a&reference-id=r", "?account-id"},
		"BadEnvironment":      {"inquiry-template-id=itmpl_a&environment=staging", "?environment"},
		"BadIframeOrigin":     {"inquiry-template-id=itmpl_a&iframe-origin=http://a.example/path", "?iframe-origin"},
		"BadTargetOrigin":     {"inquiry-template-id=itmpl_a&message-target-origin=*", "?message-target-origin"},
		"BadAncestor":         {"inquiry-template-id=itmpl_a&frame-ancestors[0]=javascript:x", "?frame-ancestors"},
		"FieldsNotObject":     {"inquiry-template-id=itmpl_a&fields[]=x", "?fields"},
		"FieldValueAndObject": {"inquiry-template-id=itmpl_a&fields[a]=x&fields[a][b]=y", "?fields"},
		"MalformedBracket":    {"inquiry-template-id=itmpl_a&fields[a=x", "?fields"},
		"FlowType":            {"inquiry-template-id=itmpl_a&flow-type=popup", "?flow-type"},
	} {
		q, err := url.ParseQuery(tc.query)
		require.NoError(t, err, name)
		_, err = flow.ParseParams(q)
		require.Error(t, err, name)
		require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err), name)
		require.Contains(t, vouch.ErrorDetails(err), tc.param, name)
	}
}
