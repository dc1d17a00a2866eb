// SPDX-License-Identifier: Apache-2.0

package e2e_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// legacyTemplate is a legacy (tmpl_) template with a passport step.
func legacyTemplate(attempts int) vouch.TemplateConfig {
	return vouch.TemplateConfig{
		Steps: []vouch.Step{
			{Name: "start", Type: vouch.StepStart},
			{Name: "government-id", Type: vouch.StepGovernmentID, IDClasses: []string{"pp"}, Countries: []string{"ES", "FR"}},
			{Name: "done", Type: vouch.StepCompletion},
		},
		Fields:       []vouch.FieldSchema{{Key: "name_first", Type: vouch.FieldString, Label: "First name"}},
		Verification: vouch.VerificationSettings{MaxAttempts: attempts},
	}
}

// legacyRun walks a legacy flow with one uploaded passport and the given
// sandbox outcome, and returns the log after Done.
func legacyRun(t *testing.T, r *run, outcome string) []entry {
	tm := r.v.template(t, true, legacyTemplate(1))
	r.start(map[string]any{"templateId": tm.ID, "environment": "sandbox", "fields": map[string]any{"nameFirst": "Jane"}})
	r.waitStep("start")
	// Nothing is created before Continue: no start event yet.
	require.Equal(t, append(append([]string{}, loaded...), "event:page-change:start"), names(r.log()))
	r.eval(`document.getElementById('continue').click()`)
	r.waitStep("government-id")
	r.eval(`document.getElementById('f-country').value = 'FR'`)
	uploadFile(r, "front", pngFile(t))
	r.eval(`document.querySelector('input[name="sandbox_outcome"][value="` + outcome + `"]').click()`)
	submit(r)
	r.waitFrame(`document.getElementById('done') !== null`)
	r.eval(`document.getElementById('done').click()`)
	r.waitCallback("onComplete")
	return r.log()
}

func init() {
	scenarios = append(scenarios,
		scenario{name: "LegacyPasses", run: func(t *testing.T, r *run) {
			log := legacyRun(t, r, "pass")
			require.Equal(t, append(append([]string{}, loaded...), "event:page-change:start",
				"event:start", "event:inquiry-load", "event:page-change:government-id", "event:document-upload",
				"event:country-select", "event:verification-change", "event:verification-change",
				"event:page-change:done", "event:complete", "onComplete"), names(log))
			require.Equal(t, map[string]any{"countryCode": "FR"}, event(t, log, "country-select"))
			var changes []string
			for _, e := range log {
				if len(e.Args) == 2 && string(e.Args[0]) == `"verification-change"` {
					var m map[string]any
					require.NoError(t, json.Unmarshal(e.Args[1], &m))
					require.Regexp(t, `^ver_`, m["id"])
					changes = append(changes, m["status"].(string))
				}
			}
			require.Equal(t, []string{"submitted", "passed"}, changes)
			c := arg(t, log, "onComplete", 0)
			require.Equal(t, event(t, log, "start")["inquiryId"], c["inquiryId"])
			require.Equal(t, "completed", c["status"])
			require.Equal(t, map[string]any{"name_first": "Jane"}, c["fields"])
		}},
		scenario{name: "LegacyFails", run: func(t *testing.T, r *run) {
			log := legacyRun(t, r, "fail")
			require.Equal(t, append(append([]string{}, loaded...), "event:page-change:start",
				"event:start", "event:inquiry-load", "event:page-change:government-id", "event:document-upload",
				"event:country-select", "event:verification-change", "event:verification-change",
				"event:page-change:done", "event:fail", "onComplete"), names(log))
			require.Equal(t, "failed", event(t, log, "verification-change")["status"])
			require.Equal(t, "failed", arg(t, log, "onComplete", 0)["status"])
		}},
	)
}
