// SPDX-License-Identifier: Apache-2.0

package e2e_test

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/internal/browsertest"
)

// testImage is the picture the fake camera shows and the uploads send.
func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for x := 0; x < 640; x++ {
		for y := 0; y < 480; y++ {
			img.Set(x, y, color.RGBA{R: uint8(x / 3), G: 140, B: uint8(y / 2), A: 255})
		}
	}
	return img
}

// fakeCamera makes the .y4m video Chromium plays as the camera.
func fakeCamera(t *testing.T) browsertest.Options {
	return browsertest.Options{FakeCamera: browsertest.Y4M(t, testImage(), 3)}
}

// pngFile writes the test image as a PNG to upload.
func pngFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "photo.png")
	f, err := os.Create(p)
	require.NoError(t, err)
	require.NoError(t, png.Encode(f, testImage()))
	require.NoError(t, f.Close())
	return p
}

// idTemplate is a Dynamic Flow template with a government ID and a
// selfie; attempts bounds the retries.
func idTemplate(classes []string, attempts int) vouch.TemplateConfig {
	return vouch.TemplateConfig{
		Steps: []vouch.Step{
			{Name: "start", Type: vouch.StepStart},
			{Name: "government-id", Type: vouch.StepGovernmentID, IDClasses: classes},
			{Name: "selfie", Type: vouch.StepSelfie, Capture: vouch.SelfieCenter},
			{Name: "done", Type: vouch.StepCompletion},
		},
		Fields:       []vouch.FieldSchema{{Key: "name_first", Type: vouch.FieldString, Label: "First name"}},
		Verification: vouch.VerificationSettings{MaxAttempts: attempts},
	}
}

// shoot opens the camera for one side and takes the photo.
func shoot(r *run, side string) {
	r.eval(`document.querySelector('[data-camera="` + side + `"]').click()`)
	r.waitFrame(`(function(){var v=document.querySelector('fieldset[data-side="` + side + `"] video');return v && !v.closest('.camera').hidden && v.videoWidth > 0;})()`)
	r.eval(`document.querySelector('[data-shoot="` + side + `"]').click()`)
	r.waitFrame(`!document.querySelector('[data-captured="` + side + `"]').hidden`)
}

// uploadFile sets a file input of the flow.
func uploadFile(r *run, side, path string) {
	r.t.Helper()
	require.NoError(r.t, chromedp.Do(r.frame, chromedp.SetUploadFiles(chromedp.CSS("#file-"+side), []string{path})))
}

// submit presses the step's submit button.
func submit(r *run) { r.eval(`document.getElementById('continue').click()`) }

// begin starts a client on tm and continues past the start screen.
func begin(r *run, tm *vouch.Template) {
	r.start(map[string]any{"templateId": tm.ID, "environment": "sandbox", "fields": map[string]any{"nameFirst": "Jane"}})
	r.waitStep("start")
	r.eval(`document.getElementById('continue').click()`)
	r.waitStep("government-id")
}

var dynamicHead = append(append([]string{}, loaded...), "event:start", "event:inquiry-load",
	"event:page-change:start", "event:page-change:government-id")

func init() {
	scenarios = append(scenarios,
		scenario{name: "CameraSandboxPass", fakeCamera: true, run: func(t *testing.T, r *run) {
			tm := r.v.template(t, false, idTemplate([]string{"dl", "pp"}, 3))
			begin(r, tm)
			shoot(r, "front")
			shoot(r, "back")
			submit(r)
			r.waitStep("selfie")
			shoot(r, "center")
			submit(r)
			r.waitFrame(`document.getElementById('done') !== null`)
			r.eval(`document.getElementById('done').click()`)
			r.waitCallback("onComplete")
			log := r.log()
			require.Equal(t, append(append([]string{}, dynamicHead...),
				"event:document-camera-select", "event:document-camera-capture",
				"event:document-camera-select", "event:document-camera-capture",
				"event:page-change:selfie", "event:selfie-camera-select", "event:selfie-camera-capture",
				"event:page-change:done", "event:complete", "onComplete"), names(log))
			require.Equal(t, map[string]any{"stepData": map[string]any{"idClass": "dl",
				"files": []any{map[string]any{"side": "back", "captureMethod": "manual"}}}}, event(t, log, "document-camera-capture"))
			require.Equal(t, map[string]any{"stepData": map[string]any{
				"files": []any{map[string]any{"pose": "center", "captureMethod": "manual"}}}}, event(t, log, "selfie-camera-capture"))
			c := arg(t, log, "onComplete", 0)
			require.Equal(t, "completed", c["status"])
			require.Equal(t, map[string]any{"name_first": map[string]any{"type": "string", "value": "Jane"}}, c["fields"])
		}},
		scenario{name: "CameraSandboxFail", fakeCamera: true, run: func(t *testing.T, r *run) {
			tm := r.v.template(t, false, idTemplate([]string{"pp"}, 1))
			begin(r, tm)
			shoot(r, "front")
			r.eval(`document.querySelector('input[name="sandbox_outcome"][value="fail"]').click()`)
			submit(r)
			r.waitFrame(`document.getElementById('done') !== null`)
			r.eval(`document.getElementById('done').click()`)
			r.waitCallback("onComplete")
			log := r.log()
			require.Equal(t, append(append([]string{}, dynamicHead...),
				"event:document-camera-select", "event:document-camera-capture",
				"event:page-change:done", "event:complete", "onComplete"), names(log))
			require.Equal(t, "failed", arg(t, log, "onComplete", 0)["status"])
		}},
		scenario{name: "CameraDeniedUploads", camera: browsertest.Options{DenyCamera: true}, run: func(t *testing.T, r *run) {
			tm := r.v.template(t, false, idTemplate([]string{"pp"}, 3))
			photo := pngFile(t)
			begin(r, tm)
			r.eval(`document.querySelector('[data-camera="front"]').click()`)
			r.waitFrame(`!document.querySelector('.camera-failed').hidden`)
			r.eval(`document.querySelector('[data-recheck]').click()`)
			uploadFile(r, "front", photo)
			submit(r)
			r.waitStep("selfie")
			r.eval(`document.querySelector('[data-camera="center"]').click()`)
			r.waitFrame(`!document.querySelector('.camera-failed').hidden`)
			uploadFile(r, "center", photo)
			submit(r)
			r.waitFrame(`document.getElementById('done') !== null`)
			r.eval(`document.getElementById('done').click()`)
			r.waitCallback("onComplete")
			log := r.log()
			require.Equal(t, append(append([]string{}, dynamicHead...),
				"event:load-camera-failed", "event:camera-permissions-check-result", "event:document-upload",
				"event:page-change:selfie", "event:load-camera-failed", "event:selfie-record-upload",
				"event:page-change:done", "event:complete", "onComplete"), names(log))
			require.Equal(t, "NotAllowedError", event(t, log, "load-camera-failed")["reason"])
			require.Equal(t, false, event(t, log, "camera-permissions-check-result")["hasCameraPermission"])
			require.Equal(t, map[string]any{"stepData": map[string]any{"idClass": "pp",
				"files": []any{map[string]any{"side": "front", "captureMethod": "upload"}}}}, event(t, log, "document-upload"))
			require.Equal(t, "completed", arg(t, log, "onComplete", 0)["status"])
		}},
	)
}
