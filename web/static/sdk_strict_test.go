// SPDX-License-Identifier: Apache-2.0

package static_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSDKIgnoresForeignMessages checks the strict bridge: messages from a
// foreign origin, from another window of the Vouch origin, and malformed
// or mismatched messages from the flow's own iframe all reach no callback,
// even when the sender knows the container id. A well-formed message of
// the flow, posted last, proves the channel itself works.
func TestSDKIgnoresForeignMessages(t *testing.T) {
	t.Parallel()
	e := newSDKEnv(t)
	good := map[string]any{"containerId": "$cid", "templateId": "$tid", "name": "load"}
	complete := map[string]any{"containerId": "$cid", "templateId": "$tid", "name": "complete",
		"metadata": map[string]any{"inquiryId": "inq_forged", "status": "completed"}}
	bad := []any{
		"load",
		nil,
		42,
		[]any{good},
		map[string]any{"containerId": "$cid", "templateId": "$tid"},                                             // no name
		map[string]any{"containerId": "$cid", "templateId": "$tid", "name": 7},                                  // name not a string
		map[string]any{"containerId": "$cid", "templateId": "$tid", "name": ""},                                 // empty name
		map[string]any{"templateId": "$tid", "name": "load"},                                                    // no containerId (the official SDK accepts it)
		map[string]any{"containerId": "vouch-widget-0000000000000000", "templateId": "$tid", "name": "load"},    // another widget
		map[string]any{"containerId": "$cid", "templateId": "itmpl_other", "name": "load"},                      // another template
		map[string]any{"containerId": "$cid", "name": "load"},                                                   // template not echoed
		map[string]any{"containerId": "$cid", "templateId": "$tid", "name": "load", "metadata": "x"},            // metadata not an object
		map[string]any{"containerId": "$cid", "templateId": "$tid", "name": "complete", "metadata": []any{1}},   // metadata an array
		map[string]any{"containerId": "$cid", "templateId": "$tid", "name": "error", "error": "boom"},           // error not an object
		map[string]any{"containerId": "$cid", "templateId": "$tid", "name": "error", "error": map[string]any{}}, // error without code
		map[string]any{"containerId": []any{"$cid"}, "templateId": "$tid", "name": "load"},                      // containerId not a string
	}
	e.plan(t, "/widget", append(bad, good)...)
	e.plan(t, "/other", complete)   // a window of the Vouch origin that is not the flow's iframe
	e.plan(t, "/foreign", complete) // a page of another origin

	eval[string](t, e, `__start({templateId: 'itmpl_strict', environment: 'sandbox'})`)
	// The attackers know the container id: it leaked to them in their URL.
	eval[bool](t, e, fmt.Sprintf(`(() => {
		const cid = new URL(document.querySelector('iframe.vouch-widget__iframe').src).searchParams.get('container-id');
		for (const u of [%q, %q]) {
			const f = document.createElement('iframe');
			f.src = u + '?cid=' + cid + '&template-id=itmpl_strict';
			document.body.append(f);
		}
		return true;
	})()`, e.vouch.URL+"/other", e.foreign.URL+"/foreign"))

	// Wait until the page has seen every message: the plan of the flow
	// and one from each attacker.
	waitFor(t, e, fmt.Sprintf(`__seen.length >= %d`, len(bad)+1+2))
	origins := eval[[]string](t, e, `[...new Set(__seen.map(s => s.origin))].sort()`)
	require.ElementsMatch(t, []string{e.vouch.URL, e.foreign.URL}, origins)
	require.Equal(t, []string{"onEvent:load", "onLoad"}, logged(t, e))
	require.False(t, eval[bool](t, e, `client.isLoading`))
}

// TestSDKPostsToTheHostOnly navigates the flow's iframe to another origin
// and then calls open(): a page there must receive nothing, as it would if
// the SDK posted with '*'. The flow itself receives the action.
func TestSDKPostsToTheHostOnly(t *testing.T) {
	t.Parallel()
	e := newSDKEnv(t)
	e.plan(t, "/widget", map[string]any{"containerId": "$cid", "templateId": "$tid", "name": "load"})
	eval[string](t, e, `__start({templateId: 'itmpl_post'})`)
	waitFor(t, e, `__log.some(l => l.cb == 'onLoad')`)
	eval[bool](t, e, `(client.open(), client.isOpen)`)
	waitFor(t, e, `__seen.some(s => s.data && s.data.received && s.data.received.action == 'open')`)
	got := eval[map[string]any](t, e, `__seen.find(s => s.data && s.data.received).data`)
	require.Equal(t, map[string]any{"action": "open", "metadata": map[string]any{}}, got["received"])

	// The iframe now shows a page of another origin that says hello, then
	// echoes whatever it gets.
	e.plan(t, "/echo", map[string]any{"hello": true})
	eval[bool](t, e, fmt.Sprintf(`(document.querySelector('iframe.vouch-widget__iframe').src = %q, true)`,
		e.foreign.URL+"/echo?cid=x&iframe-origin="+e.hostURL()[:len(e.hostURL())-1]))
	waitFor(t, e, fmt.Sprintf(`__seen.some(s => s.origin == %q && s.data.hello)`, e.foreign.URL))
	eval[bool](t, e, `(client.open(), client.cancel(true), client.destroy(), true)`)
	// Give a leaked message time to arrive before looking for it.
	eval[bool](t, e, `new Promise(r => setTimeout(() => r(true), 300))`)
	leaked := eval[int](t, e, fmt.Sprintf(`__seen.filter(s => s.origin == %q && s.data && s.data.received).length`, e.foreign.URL))
	require.Zero(t, leaked, "a page of another origin in the flow's iframe received an action")
}

// TestSDKInvalidConfig checks that options the official SDK throws on are
// reported through onError as invalid_config, and build no iframe.
func TestSDKInvalidConfig(t *testing.T) {
	t.Parallel()
	e := newSDKEnv(t)
	for _, opts := range []string{
		`{}`,
		`{templateId: 'itmpl_a', inquiryId: 'inq_a'}`,
		`{templateVersionId: 'itmplv_a', inquiryId: 'inq_a'}`,
		`{templateId: 'itmpl_a', accountId: 'act_a', referenceId: 'r'}`,
		`{templateId: 'itmpl_a', accountId: 'act_a', accountTypeId: 'acttp_a'}`,
		`{templateId: 'itmpl_a', host: 'production'}`,
		`{templateId: 'itmpl_a', host: 'http://vouch.example.com'}`,
		`{templateId: 'itmpl_a', host: 'https://vouch.example.com/path'}`,
		`{templateId: 'itmpl_a', host: 'not a host'}`,
	} {
		got := eval[[]map[string]any](t, e, `(__log = [], __start(`+opts+`), new Promise(r => setTimeout(() => r(__log), 0)))`)
		require.Len(t, got, 1, opts)
		require.Equal(t, "onError", got[0]["cb"], opts)
		arg := got[0]["args"].([]any)[0].(map[string]any)
		require.Equal(t, "invalid_config", arg["code"], opts)
		require.Equal(t, float64(400), arg["status"], opts)
		require.Zero(t, eval[int](t, e, `document.querySelectorAll('iframe').length`), opts)
	}
	// Without onError the client throws, as the official one does.
	msg := eval[string](t, e, `(() => { try { new Vouch.Client({}); return 'no error' } catch (err) { return err.code } })()`)
	require.Equal(t, "invalid_config", msg)
}
