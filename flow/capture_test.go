// SPDX-License-Identifier: Apache-2.0

package flow_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/flow"
)

// pngBytes is a 300×240 test image.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 300, 240))
	for x := 0; x < 300; x++ {
		img.Set(x, x%240, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// TestGovernmentIDUpload submits a government ID: a missing back side is
// refused, then both sides go through the upload path into a submitted
// verification carrying the sandbox choice, and the step shows the
// processing screen until the decision.
func TestGovernmentIDUpload(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	cfg := formConfig()
	cfg.Steps = []vouch.Step{{Name: "id", Type: vouch.StepGovernmentID, IDClasses: []string{"dl", "pp"}}, {Name: "done", Type: vouch.StepCompletion}}
	tm := b.template(t, vouch.Sandbox, false, cfg)
	p := b.get(t, flow.RouteWidget, widgetQuery(tm.ID))
	require.Equal(t, http.StatusOK, p.status)
	id, token := p.config["inquiryId"].(string), p.config["sessionToken"].(string)
	require.Contains(t, p.body, `data-has-back="false"`)

	send := func(sides ...string) (int, *reply) {
		return sendDocument(t, b, id, token, "dl", vouch.SandboxFail, sides...)
	}
	status, rep := send("front")
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, rep.HTML, `aria-invalid="true"`)

	status, rep = send("front", "back")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "processing", rep.Type)
	require.NotEmpty(t, rep.Submitted)

	v, err := b.env.Service.FindVerificationByID(ctx, vouch.Sandbox, rep.Submitted)
	require.NoError(t, err)
	require.Equal(t, vouch.VerificationSubmitted, v.Status)
	require.Equal(t, vouch.SandboxFail, v.Data[vouch.SandboxOutcomeKey])
	require.Equal(t, "dl", v.Data["id-class"])
	require.Len(t, v.Blobs, 2)
}

// TestSelfieProfileAndCenter checks that a profile_and_center selfie asks
// for the centre, left and right poses, and a centre-only one for the
// centre alone.
func TestSelfieProfileAndCenter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for capture, want := range map[string][]string{
		vouch.SelfieProfileAndCenter: {"center", "left", "right"},
		vouch.SelfieCenter:           {"center"},
	} {
		cfg := formConfig()
		cfg.Steps = []vouch.Step{{Name: "selfie", Type: vouch.StepSelfie, Capture: capture}, {Name: "done", Type: vouch.StepCompletion}}
		tm := b.template(t, vouch.Sandbox, false, cfg)
		p := b.get(t, flow.RouteWidget, widgetQuery(tm.ID))
		require.Equal(t, http.StatusOK, p.status)
		var got []string
		for _, side := range []string{"center", "left", "right", "front", "back"} {
			if bytes.Contains([]byte(p.body), []byte(`data-side="`+side+`"`)) {
				got = append(got, side)
			}
		}
		require.Equal(t, want, got, capture)
	}
}

// sendDocument submits the government ID step "id" of inquiry id as the
// flow's page does: a multipart form with the id class, the country, the
// sandbox outcome and one PNG per side.
func sendDocument(t *testing.T, b *bundle, id, token, idClass, outcome string, sides ...string) (int, *reply) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(t, mw.WriteField("id_class", idClass))
	require.NoError(t, mw.WriteField("country", "ES"))
	require.NoError(t, mw.WriteField("sandbox_outcome", outcome))
	for _, s := range sides {
		w, err := mw.CreateFormFile(s, s+".png")
		require.NoError(t, err)
		_, _ = w.Write(pngBytes(t))
	}
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+stepPath(vouch.Sandbox, id, "id"), &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(flow.SessionHeader, token)
	res, err := b.srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	return res.StatusCode, decodeReply(t, res)
}
