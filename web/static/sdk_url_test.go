// SPDX-License-Identifier: Apache-2.0

package static_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// urlVectors are iframe URLs the official SDK (persona 5.9.0) built for
// these options with customHost "verify.example.com", on a host page at
// http://127.0.0.1:36787 (docs: the compatibility spec's test vectors).
// The Vouch SDK must build the same query, key for key and in the same
// order; only client-version names the other SDK.
var urlVectors = []struct {
	name, options, src string
}{{
	"DynamicTemplateFields",
	`{"templateId":"itmpl_Ygs16MKTkA6obnF8C3Rb17dm","environment":"sandbox","referenceId":"user-42","fields":{"nameFirst":"Jane","name_last":"Doe","birthdate":"1990-01-31","addressStreet1":"1 Main St","isVip":true,"score":7,"tags":["a","b"]}}`,
	`https://verify.example.com/widget?client-version=5.9.0&container-id=persona-widget-iqybjcle334e1ltk&flow-type=embedded&inquiry-template-id=itmpl_Ygs16MKTkA6obnF8C3Rb17dm&environment=sandbox&iframe-origin=http%3A%2F%2F127.0.0.1%3A36787&reference-id=user-42&fields%5Bname-first%5D=Jane&fields%5Bname-last%5D=Doe&fields%5Bbirthdate%5D=1990-01-31&fields%5Baddress-street-1%5D=1%20Main%20St&fields%5Bis-vip%5D=true&fields%5Bscore%5D=7&fields%5Btags%5D%5B0%5D=a&fields%5Btags%5D%5B1%5D=b`,
}, {
	"PinnedVersionLanguageStyle",
	`{"templateVersionId":"itmplv_abc123","language":"es","styleVariant":"dark","environmentId":"env_xyz"}`,
	`https://verify.example.com/widget?client-version=5.9.0&container-id=persona-widget-ihcwxojs4p1i7s91&flow-type=embedded&inquiry-template-version-id=itmplv_abc123&environment-id=env_xyz&iframe-origin=http%3A%2F%2F127.0.0.1%3A36787&language=es&style-variant=dark`,
}, {
	"LegacyTemplate",
	`{"templateId":"tmpl_legacy123","environment":"sandbox"}`,
	`https://verify.example.com/widget?client-version=5.9.0&container-id=persona-widget-q4v1jic6982c36ta&flow-type=embedded&template-id=tmpl_legacy123&environment=sandbox&iframe-origin=http%3A%2F%2F127.0.0.1%3A36787`,
}, {
	"ResumeWithSessionToken",
	`{"inquiryId":"inq_abc123","sessionToken":"eyJhbGciOi.example.token"}`,
	`https://verify.example.com/widget?client-version=5.9.0&container-id=persona-widget-a0slho72g8b7l9hw&flow-type=embedded&iframe-origin=http%3A%2F%2F127.0.0.1%3A36787&inquiry-id=inq_abc123&session-token=eyJhbGciOi.example.token`,
}, {
	"NestedIframe",
	`{"templateId":"itmpl_abc","frameAncestors":["https://a.example.com","https://b.example.com"],"messageTargetOrigin":"https://a.example.com"}`,
	`https://verify.example.com/widget?client-version=5.9.0&container-id=persona-widget-5qih013fnbl9y5p4&flow-type=embedded&inquiry-template-id=itmpl_abc&iframe-origin=http%3A%2F%2F127.0.0.1%3A36787&frame-ancestors%5B0%5D=https%3A%2F%2Fa.example.com&frame-ancestors%5B1%5D=https%3A%2F%2Fb.example.com&message-target-origin=https%3A%2F%2Fa.example.com`,
}}

// TestSDKBuildsOfficialURLs runs the bundle in Chromium with each vector's
// options. setupIframe on a detached iframe gives the URL without loading
// it, so the vector's own host and container id can be used as they are.
func TestSDKBuildsOfficialURLs(t *testing.T) {
	t.Parallel()
	e := newSDKEnv(t)
	origin := strings.TrimSuffix(e.hostURL(), "/")
	version := eval[string](t, e, `Vouch.version`)
	require.Equal(t, "vouch-1.0.0", version)
	for _, v := range urlVectors {
		u, err := url.Parse(v.src)
		require.NoError(t, err)
		cid := u.Query().Get("container-id")
		got := eval[string](t, e, fmt.Sprintf(`(() => {
			const f = document.createElement('iframe');
			Vouch.setupIframe(f, %q, 'embedded', {...%s, host: 'verify.example.com'});
			return f.src;
		})()`, cid, v.options))
		want := strings.Replace(v.src, "client-version=5.9.0", "client-version="+version, 1)
		want = strings.Replace(want, url.QueryEscape("http://127.0.0.1:36787"), url.QueryEscape(origin), 1)
		require.Equal(t, want, got, v.name)
	}
}

// TestClientURL checks what the Client itself builds: the flow on the
// server the script came from, a fresh random container id that is also
// the overlay's id, and the iframe attributes of spec §1.4.
func TestClientURL(t *testing.T) {
	t.Parallel()
	e := newSDKEnv(t)
	src := eval[string](t, e, `__start({templateId: 'itmpl_abc', environment: 'sandbox', fields: {nameFirst: 'Jane', when: new Date(Date.UTC(2020, 0, 2))}})`)
	u, err := url.Parse(src)
	require.NoError(t, err)
	require.Equal(t, e.vouch.URL+"/widget", u.Scheme+"://"+u.Host+u.Path)
	q := u.Query()
	require.Regexp(t, regexp.MustCompile(`^vouch-widget-[0-9a-z]{16}$`), q.Get("container-id"))
	require.Equal(t, "embedded", q.Get("flow-type"))
	require.Equal(t, "2020-01-02T00:00:00.000Z", q.Get("fields[when]"))
	require.Equal(t, "Jane", q.Get("fields[name-first]"))
	attrs := eval[map[string]string](t, e, `(() => { const f = document.querySelector('iframe.vouch-widget__iframe');
		return {id: f.parentElement.id, sandbox: f.getAttribute('sandbox'), allow: f.allow, title: f.title, role: f.getAttribute('role')}; })()`)
	require.Equal(t, q.Get("container-id"), attrs["id"])
	require.Equal(t, "allow-scripts allow-same-origin allow-popups allow-forms allow-modals allow-top-navigation-by-user-activation", attrs["sandbox"])
	require.Equal(t, "camera;microphone;clipboard-write;publickey-credentials-create;publickey-credentials-get", attrs["allow"])
	require.Equal(t, "Verify your identity", attrs["title"])
	require.Equal(t, "dialog", attrs["role"])

	// A second client gets another container id.
	src2 := eval[string](t, e, `(client.destroy(), __start({templateId: 'itmpl_abc'}))`)
	u2, err := url.Parse(src2)
	require.NoError(t, err)
	require.NotEqual(t, q.Get("container-id"), u2.Query().Get("container-id"))
	require.Equal(t, 1, eval[int](t, e, `document.querySelectorAll('iframe').length`), "destroy removes the first overlay")
}

// TestKebabCase compares the field key conversion with lodash's kebabCase
// on the cases the compatibility spec names and a few of lodash's own.
func TestKebabCase(t *testing.T) {
	t.Parallel()
	e := newSDKEnv(t)
	keys := map[string]string{
		"nameFirst": "name-first", "name_first": "name-first", "addressStreet1": "address-street-1",
		"ABCDef": "abc-def", "ünïcode": "unicode", "birthdate": "birthdate", "Foo Bar": "foo-bar",
		"__FOO_BAR__": "foo-bar", "fooBar": "foo-bar", "is-vip": "is-vip", "XMLHttpRequest": "xml-http-request",
		"address1st": "address-1st", "ID": "id", "idClass": "id-class",
	}
	for key, want := range keys {
		fields, err := json.Marshal(map[string]string{key: "v"})
		require.NoError(t, err)
		got := eval[[]string](t, e, fmt.Sprintf(`(() => {
			const f = document.createElement('iframe');
			Vouch.setupIframe(f, 'c', 'embedded', {templateId: 'itmpl_x', host: 'verify.example.com', fields: %s});
			return [...new URL(f.src).searchParams.keys()].filter(k => k.startsWith('fields['));
		})()`, fields))
		require.Equal(t, []string{"fields[" + want + "]"}, got, "kebab of %q", key)
	}
}

// TestESModule imports /sdk/v1/vouch.mjs from the host page's origin (it
// needs Access-Control-Allow-Origin) and checks that the module, too,
// defaults the host to the origin it was served from.
func TestESModule(t *testing.T) {
	t.Parallel()
	e := newSDKEnv(t)
	got := eval[map[string]string](t, e, fmt.Sprintf(`import(%q).then(m => {
		const c = new m.default.Client({templateId: 'itmpl_esm'});
		const src = document.querySelectorAll('iframe.vouch-widget__iframe');
		return {base: c.baseUrl, src: src[src.length - 1].src, named: typeof m.Client, version: m.version};
	})`, e.vouch.URL+"/sdk/v1/vouch.mjs"))
	require.Equal(t, e.vouch.URL, got["base"])
	require.True(t, strings.HasPrefix(got["src"], e.vouch.URL+"/widget?"), got["src"])
	require.Equal(t, "function", got["named"])
	require.Equal(t, "vouch-1.0.0", got["version"])
}
