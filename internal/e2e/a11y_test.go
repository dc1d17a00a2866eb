// SPDX-License-Identifier: Apache-2.0

package e2e_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/internal/browsertest"
)

// fullTemplate has every kind of step.
func fullTemplate() vouch.TemplateConfig {
	cfg := idTemplate([]string{"dl", "pp"}, 3)
	form := formTemplate()
	cfg.Fields = form.Fields
	cfg.Steps = append([]vouch.Step{cfg.Steps[0], form.Steps[1]}, cfg.Steps[1:]...)
	return cfg
}

// axeCheck runs axe-core (WCAG 2.1 A and AA rules) on the flow's current
// document and requires no violation. It also requires that the page does
// not scroll sideways at the phone width the test uses.
func axeCheck(t *testing.T, r *run, axe string, what string) {
	t.Helper()
	_, err := chromedp.Run(r.frame, chromedp.Evaluate[any](axe+";true"))
	require.NoError(t, err)
	raw, err := chromedp.Run(r.frame, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: 'tag',
		values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(function (res) {
		return JSON.stringify(res.violations.map(function (v) {
			return {id: v.id, nodes: v.nodes.map(function (n) { return n.html; })};
		}));
	})`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	var violations []any
	require.NoError(t, json.Unmarshal([]byte(raw), &violations))
	require.Empty(t, violations, what)
	wide, err := chromedp.Run(r.frame, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	require.NoError(t, err)
	require.True(t, wide, what+": scrolls sideways")
}

// stepTitle returns the heading of the flow's current step.
func stepTitle(t *testing.T, r *run) string {
	t.Helper()
	s, err := chromedp.Run(r.frame, chromedp.Evaluate[string](`document.getElementById('step-title').textContent`))
	require.NoError(t, err)
	return s
}

// TestAccessibility walks every kind of step on a 360 px wide phone, in
// each language, and requires 0 axe-core violations on each screen, focus on
// the step's heading, and the heading in the page's language.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	browsertest.ExecPath(t)
	axeSrc, err := os.ReadFile(filepath.Join(npmPackages(t), "axe-core", "axe.min.js"))
	require.NoError(t, err)
	axe := string(axeSrc)
	v := startVouch(t)
	titles := map[string][2]string{ // form title, failure title
		"en": {"Your details", "We could not verify you"},
		"es": {"Sus datos", "No hemos podido verificarle"},
		"fr": {"Vos informations", "Nous n’avons pas pu vous vérifier"},
		"de": {"Ihre Angaben", "Wir konnten Sie nicht verifizieren"},
	}
	t.Run("ErrorView", func(t *testing.T) {
		t.Parallel()
		o := browsertest.Options{Width: 360, Height: 740}
		r := newRun(t, v, officialDriver, o)
		r.start(map[string]any{"templateId": "itmpl_00000000000000000000000000", "environment": "sandbox"})
		r.waitFrame(`document.querySelector('.step-error') !== null`)
		axeCheck(t, r, axe, "error")
	})
	for lang, want := range titles {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			o := fakeCamera(t)
			o.Width, o.Height = 360, 740
			r := newRun(t, v, officialDriver, o)
			tm := v.template(t, false, fullTemplate())
			r.start(map[string]any{"templateId": tm.ID, "environment": "sandbox", "language": lang})
			r.waitStep("start")
			axeCheck(t, r, axe, "start")
			r.eval(`document.getElementById('close').click()`)
			r.waitFrame(`!document.getElementById('confirm').hidden && document.activeElement.id === 'confirm-title'`)
			axeCheck(t, r, axe, "confirm")
			r.waitFrame(`document.getElementById('main').inert`)
			// Escape closes the dialog and gives focus back to the step.
			_, err := chromedp.Run(r.frame, chromedp.KeyEvent("\u001b"))
			require.NoError(t, err)
			r.waitFrame(`document.getElementById('confirm').hidden && !document.getElementById('main').inert && document.activeElement.id === 'step-title'`)
			r.eval(`document.getElementById('continue').click()`)
			r.waitStep("about-you")
			require.Equal(t, want[0], stepTitle(t, r))
			r.waitFrame(`document.activeElement && document.activeElement.id === 'step-title'`)
			axeCheck(t, r, axe, "form")
			r.eval(`document.getElementById('continue').click()`) // empty: errors shown
			r.waitFrame(`document.querySelector('.field-error') !== null && !window.VouchFlow.state.busy`)
			axeCheck(t, r, axe, "form errors")
			if lang != "de" {
				return // the longest language walks the rest
			}
			r.eval(`(function(){
			  document.getElementById('f-name_first').value = 'Jane';
			  document.getElementById('f-name_last').value = 'Doe';
			  document.getElementById('f-birthdate').value = '1990-01-31';
			  document.getElementById('continue').click();
			})()`)
			r.waitStep("government-id")
			axeCheck(t, r, axe, "government id")
			shoot(r, "front")
			r.eval(`document.getElementById('f-id_class').value = 'pp'; document.getElementById('f-id_class').dispatchEvent(new Event('change', {bubbles: true}))`)
			axeCheck(t, r, axe, "government id captured")
			r.eval(`document.querySelector('input[name="sandbox_outcome"][value="fail"]').click()`)
			submit(r)
			r.waitFrame(`document.querySelector('.form-error[role=alert]') !== null && !window.VouchFlow.state.busy`)
			axeCheck(t, r, axe, "government id retry")
			r.eval(`document.getElementById('f-id_class').value = 'pp'; document.getElementById('f-id_class').dispatchEvent(new Event('change', {bubbles: true}))`)
			shoot(r, "front")
			submit(r)
			r.waitStep("selfie")
			axeCheck(t, r, axe, "selfie")
			shoot(r, "center")
			r.eval(`document.querySelector('input[name="sandbox_outcome"][value="fail"]').click()`)
			submit(r)
			r.waitFrame(`document.querySelector('.form-error[role=alert]') !== null && !window.VouchFlow.state.busy`)
			shoot(r, "center")
			r.eval(`document.querySelector('input[name="sandbox_outcome"][value="fail"]').click()`)
			submit(r)
			r.waitFrame(`document.querySelector('.form-error[role=alert]') !== null && !window.VouchFlow.state.busy`)
			shoot(r, "center")
			r.eval(`document.querySelector('input[name="sandbox_outcome"][value="fail"]').click()`)
			submit(r)
			r.waitFrame(`document.getElementById('done') !== null`)
			require.Equal(t, want[1], stepTitle(t, r))
			r.waitFrame(`document.activeElement && document.activeElement.id === 'step-title'`)
			axeCheck(t, r, axe, "failure")
		})
	}
}
