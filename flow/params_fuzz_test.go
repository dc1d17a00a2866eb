// SPDX-License-Identifier: Apache-2.0

package flow_test

import (
	"net/url"
	"testing"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/flow"
)

// FuzzParseParams feeds arbitrary query strings, which any browser can
// send to the flow, to ParseParams: it must never panic, and every refusal
// must be the invalid_config kind (EINVALID), never an internal error.
func FuzzParseParams(f *testing.F) {
	for _, s := range []string{
		"client-version=5.9.0&container-id=persona-widget-abc&flow-type=embedded&inquiry-template-id=itmpl_Ygs16MKTkA6obnF8C3Rb17dm&environment=sandbox&iframe-origin=http%3A%2F%2F127.0.0.1%3A36787&fields%5Bname-first%5D=Jane&fields%5Btags%5D%5B0%5D=a",
		"template-id=tmpl_x&environment=production&frame-ancestors%5B0%5D=https%3A%2F%2Fa.example",
		"inquiry-id=inq_x&session-token=a.b.c&widget-padding%5Btop%5D=4&fields%5Ba%5D%5Bb%5D%5Bc%5D=1",
		"fields%5B%5D=1&fields%5Bx%5D%5B%5D=2&fields%5Bx%5D%5B9999999999%5D=3",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		if _, err := flow.ParseParams(q); err != nil && vouch.ErrorCode(err) != vouch.EINVALID {
			t.Fatalf("ParseParams(%q): %v (code %s), want EINVALID", raw, err, vouch.ErrorCode(err))
		}
	})
}
