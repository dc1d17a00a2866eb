// SPDX-License-Identifier: Apache-2.0

package e2e_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/internal/browsertest"
)

// formTemplate is a Dynamic Flow template without camera steps.
func formTemplate() vouch.TemplateConfig {
	return vouch.TemplateConfig{
		Steps: []vouch.Step{
			{Name: "start", Type: vouch.StepStart},
			{Name: "about-you", Type: vouch.StepForm, Fields: []string{"name_first", "name_last", "birthdate"}},
			{Name: "done", Type: vouch.StepCompletion},
		},
		Fields: []vouch.FieldSchema{
			{Key: "name_first", Type: vouch.FieldString, Label: "First name", Required: true},
			{Key: "name_last", Type: vouch.FieldString, Label: "Last name", Required: true},
			{Key: "birthdate", Type: vouch.FieldDate, Label: "Date of birth", Required: true},
		},
	}
}

// loaded is how every flow that opens begins: booted, then interactive.
var loaded = []string{"event:load", "onLoad", "event:ready", "onReady"}

// scenario is one flow, run with every driver.
type scenario struct {
	name   string
	camera browsertest.Options
	// fakeCamera plays the test image as the camera.
	fakeCamera bool
	run        func(t *testing.T, r *run)
}

// fillForm answers the form step and continues.
func fillForm(r *run) {
	r.eval(`(function(){
	  document.getElementById('f-name_last').value = 'Doe';
	  document.getElementById('f-birthdate').value = '1990-01-31';
	  document.getElementById('continue').click();
	})()`)
}

var scenarios = []scenario{
	{name: "DynamicFormCompletes", run: func(t *testing.T, r *run) {
		tm := r.v.template(t, false, formTemplate())
		r.start(map[string]any{"templateId": tm.ID, "environment": "sandbox", "referenceId": "user-42",
			"fields": map[string]any{"nameFirst": "Jane"}})
		r.waitStep("start")
		r.eval(`document.getElementById('continue').click()`)
		r.waitStep("about-you")
		fillForm(r)
		r.waitStep("done")
		r.eval(`document.getElementById('done').click()`)
		r.waitCallback("onComplete")
		log := r.log()
		require.Equal(t, append(append([]string{}, loaded...),
			"event:start", "event:inquiry-load", "event:page-change:start", "event:page-change:about-you",
			"event:page-change:done", "event:complete", "onComplete"), names(log))
		id := event(t, log, "start")["inquiryId"]
		require.Equal(t, id, event(t, log, "inquiry-load")["inquiryId"])
		require.Equal(t, map[string]any{"inquiryId": id, "status": "completed", "fields": map[string]any{
			"name_first": map[string]any{"type": "string", "value": "Jane"},
			"name_last":  map[string]any{"type": "string", "value": "Doe"},
			"birthdate":  map[string]any{"type": "date", "value": "1990-01-31"},
		}}, arg(t, log, "onComplete", 0))
		pc := event(t, log, "page-change")
		require.Equal(t, "/done", pc["path"])
		require.NotZero(t, pc["metadata"].(map[string]any)["pageHeight"])
	}},
	{name: "InactiveTemplate", run: func(t *testing.T, r *run) {
		tm := r.v.template(t, false, formTemplate())
		_, err := r.v.svc.DeactivateTemplate(context.Background(), vouch.Sandbox, tm.ID)
		require.NoError(t, err)
		r.start(map[string]any{"templateId": tm.ID, "environment": "sandbox"})
		r.waitCallback("onError")
		log := r.log()
		require.Equal(t, []string{"event:load", "onLoad", "event:error", "onError"}, names(log))
		e := arg(t, log, "onError", 0)
		require.Equal(t, float64(422), e["status"])
		require.Equal(t, "inactive_template", e["code"])
	}},
	{name: "ContradictoryOptions", run: func(t *testing.T, r *run) {
		tm := r.v.template(t, false, formTemplate())
		other := r.v.template(t, false, formTemplate())
		r.start(map[string]any{"templateId": tm.ID, "templateVersionId": other.LatestVersionID, "environment": "sandbox"})
		r.waitCallback("onError")
		log := r.log()
		require.Equal(t, []string{"event:load", "onLoad", "event:error", "onError"}, names(log))
		e := arg(t, log, "onError", 0)
		require.Equal(t, float64(400), e["status"])
		require.Equal(t, "invalid_config", e["code"])
	}},
	{name: "LegacyCancelBeforeContinue", run: func(t *testing.T, r *run) {
		tm := r.v.template(t, true, formTemplate())
		r.start(map[string]any{"templateId": tm.ID, "environment": "sandbox"})
		r.waitStep("start")
		r.eval(`document.getElementById('close').click()`)
		r.waitFrame(`!document.getElementById('confirm').hidden`)
		r.eval(`document.getElementById('confirm-leave').click()`)
		r.waitCallback("onCancel")
		log := r.log()
		require.Equal(t, append(append([]string{}, loaded...), "event:page-change:start", "event:exit", "onCancel"), names(log))
		require.Equal(t, map[string]any{"inquiryId": "<undefined>", "sessionToken": "<undefined>"}, arg(t, log, "onCancel", 0))
	}},
	{name: "CancelThenResume", run: func(t *testing.T, r *run) {
		tm := r.v.template(t, false, formTemplate())
		r.start(map[string]any{"templateId": tm.ID, "environment": "sandbox", "fields": map[string]any{"nameFirst": "Jane"}})
		r.waitStep("start")
		r.eval(`document.getElementById('continue').click()`)
		r.waitStep("about-you")
		r.host(`window.__client.cancel(false)`)
		r.waitFrame(`!document.getElementById('confirm').hidden`)
		r.eval(`document.getElementById('confirm-leave').click()`)
		r.waitCallback("onCancel")
		log := r.log()
		require.Equal(t, append(append([]string{}, loaded...), "event:start", "event:inquiry-load",
			"event:page-change:start", "event:page-change:about-you", "event:exit", "onCancel"), names(log))
		c := arg(t, log, "onCancel", 0)
		id, token := c["inquiryId"].(string), c["sessionToken"].(string)
		require.Equal(t, event(t, log, "start")["inquiryId"], id)
		require.NotEmpty(t, token)

		// A new client with the id and the token resumes at the same step,
		// with what was given kept.
		r.host(`window.__client.destroy(); window.__log = []`)
		r.start(map[string]any{"inquiryId": id, "sessionToken": token})
		r.waitStep("about-you")
		r.waitFrame(`document.getElementById('f-name_first').value === 'Jane'`)
		r.waitCallback("onEvent")
		log = r.log()
		require.Equal(t, append(append([]string{}, loaded...), "event:start", "event:inquiry-load",
			"event:page-change:about-you"), names(log))
		require.Equal(t, id, event(t, log, "inquiry-load")["inquiryId"])

		// The parent's forced exit closes at once, with the same answer.
		r.host(`window.__log = []; window.__client.cancel(true)`)
		r.waitCallback("onCancel")
		log = r.log()
		require.Equal(t, []string{"event:exit", "onCancel"}, names(log))
		require.Equal(t, map[string]any{"inquiryId": id, "sessionToken": token}, arg(t, log, "onCancel", 0))

		// A wrong token is unauthenticated.
		r.host(`window.__client.destroy(); window.__log = []`)
		r.start(map[string]any{"inquiryId": id, "sessionToken": token + "x"})
		r.waitCallback("onError")
		log = r.log()
		require.Equal(t, []string{"event:load", "onLoad", "event:error", "onError"}, names(log))
		e := arg(t, log, "onError", 0)
		require.Equal(t, float64(409), e["status"])
		require.Equal(t, "unauthenticated", e["code"])
	}},
}

// TestScenarios runs every scenario with every SDK, each in its own
// Chromium, against one Vouch server.
func TestScenarios(t *testing.T) {
	t.Parallel()
	browsertest.ExecPath(t)
	v := startVouch(t)
	for _, d := range drivers {
		for _, sc := range scenarios {
			t.Run(d.name+"/"+sc.name, func(t *testing.T) {
				t.Parallel()
				o := sc.camera
				if sc.fakeCamera {
					o = fakeCamera(t)
				}
				sc.run(t, newRun(t, v, d, o))
			})
		}
	}
}
