// SPDX-License-Identifier: Apache-2.0

package static_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSDKClientLifecycle drives a Client through a stub flow: open()
// before the flow has loaded still reaches it, ready sizes the iframe,
// events outside the allowlist reach no onEvent, and exit closes the
// overlay before onCancel runs.
func TestSDKClientLifecycle(t *testing.T) {
	t.Parallel()
	e := newSDKEnv(t)
	msg := func(name string, metadata map[string]any) map[string]any {
		return map[string]any{"containerId": "$cid", "templateId": "$tid", "name": name, "metadata": metadata}
	}
	e.plan(t, "/widget",
		msg("load", nil),
		msg("ready", map[string]any{"preferredDimensions": map[string]any{"maximumWidth": 480, "maximumHeight": 700}}),
		msg("click", nil), // not in the default allowlist
		msg("page-change", map[string]any{"name": "start"}),
		msg("exit", map[string]any{"inquiryId": "inq_1", "sessionToken": "tok"}),
	)
	// open() right after new Client(), long before the flow loads.
	eval[string](t, e, `(__start({templateId: 'itmpl_life'}), client.open(), client.isOpen ? 'open' : 'closed')`)
	waitFor(t, e, `__log.some(l => l.cb == 'onCancel')`)
	require.Equal(t, []string{"onEvent:load", "onLoad", "onEvent:ready", "onReady", "onEvent:page-change", "onEvent:exit", "onCancel"}, logged(t, e))
	require.Equal(t, map[string]any{"inquiryId": "inq_1", "sessionToken": "tok"},
		eval[map[string]any](t, e, `__log.find(l => l.cb == 'onCancel').args[0]`))
	require.Equal(t, []any{}, eval[[]any](t, e, `__log.find(l => l.cb == 'onReady').args`), "Client's onReady takes no argument")
	require.False(t, eval[bool](t, e, `client.isOpen`))
	require.Equal(t, "none", eval[string](t, e, `document.getElementById(new URL(document.querySelector('iframe.vouch-widget__iframe').src).searchParams.get('container-id')).style.display`))
	require.Equal(t, "480px", eval[string](t, e, `document.querySelector('iframe.vouch-widget__iframe').style.maxWidth`))
	waitFor(t, e, `__seen.some(s => s.data && s.data.received && s.data.received.action == 'open')`)

	// With eventsAllowlist 'all', every event reaches onEvent; complete
	// closes and reports the legacy scopes as fields.
	e.plan(t, "/widget",
		msg("load", nil),
		msg("click", map[string]any{"x": 1}),
		msg("complete", map[string]any{"inquiryId": "inq_2", "status": "completed", "scopes": map[string]any{"a": 1}}),
	)
	eval[bool](t, e, `(client.destroy(), __log = [], __start({templateId: 'itmpl_life', eventsAllowlist: 'all'}), client.open(), true)`)
	waitFor(t, e, `__log.some(l => l.cb == 'onComplete')`)
	require.Equal(t, []string{"onEvent:load", "onLoad", "onEvent:click", "onEvent:complete", "onComplete"}, logged(t, e))
	require.Equal(t, map[string]any{"inquiryId": "inq_2", "status": "completed", "fields": map[string]any{"a": float64(1)}},
		eval[map[string]any](t, e, `__log.find(l => l.cb == 'onComplete').args[0]`))
	require.False(t, eval[bool](t, e, `client.isOpen`))
}

// TestSetupEvents wires callbacks to an iframe the page made itself, as
// persona-react does: setupIframe points it at the flow and setupEvents
// accepts messages from that iframe only, with the ready metadata passed
// to onReady. The returned function unsubscribes.
func TestSetupEvents(t *testing.T) {
	t.Parallel()
	e := newSDKEnv(t)
	e.plan(t, "/widget",
		map[string]any{"containerId": "$cid", "templateId": "$tid", "name": "load"},
		map[string]any{"containerId": "$cid", "templateId": "$tid", "name": "ready",
			"metadata": map[string]any{"preferredDimensions": map[string]any{"minimumHeight": 650}, "styles": map[string]any{"borderRadius": 8}}},
	)
	eval[bool](t, e, fmt.Sprintf(`(() => {
		const f = document.createElement('iframe');
		const opts = {templateId: 'itmpl_inline', host: %q};
		Vouch.setupIframe(f, 'my-widget', 'inline', opts);
		window.off = Vouch.setupEvents('my-widget', {...opts, onLoad: cb('onLoad'), onReady: cb('onReady')});
		document.body.append(f);
		return true;
	})()`, e.vouch.URL))
	waitFor(t, e, `__log.some(l => l.cb == 'onReady')`)
	require.Equal(t, []string{"onLoad", "onReady"}, logged(t, e))
	require.Equal(t, map[string]any{"preferredDimensions": map[string]any{"minimumHeight": float64(650)}, "styles": map[string]any{"borderRadius": float64(8)}},
		eval[map[string]any](t, e, `__log[1].args[0]`))
	src := eval[string](t, e, `document.querySelector('iframe').src`)
	require.Contains(t, src, "container-id=my-widget&flow-type=inline&")

	// Unsubscribed, a reload of the flow reaches no callback.
	eval[bool](t, e, `(off(), __log = [], document.querySelector('iframe').src += '&again=1', true)`)
	waitFor(t, e, `__seen.filter(s => s.data && s.data.name == 'ready').length >= 2`)
	require.Empty(t, logged(t, e))
}

// TestPreload loads the flow's /preload page in a hidden iframe, resolves
// once it has loaded and leaves nothing behind.
func TestPreload(t *testing.T) {
	t.Parallel()
	e := newSDKEnv(t)
	got := eval[string](t, e, fmt.Sprintf(`(() => {
		let src = '';
		new MutationObserver(ms => ms.forEach(m => m.addedNodes.forEach(n => { if (n.src) src = n.src; })))
			.observe(document.body, {childList: true});
		return Vouch.Client.preload(%q).then(() => src + ' ' + document.querySelectorAll('iframe').length);
	})()`, e.vouch.URL))
	require.Equal(t, e.vouch.URL+"/preload 0", got)
}
