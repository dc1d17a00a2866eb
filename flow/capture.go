// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/upload"
)

// defaultIDClasses are offered when a government_id step does not list
// its own.
var defaultIDClasses = []string{"dl", "pp", "id"}

// defaultCountries are offered when a government_id step does not list
// its own; flow.js shows their names in the page's language.
var defaultCountries = []string{"US", "CA", "GB", "IE", "ES", "FR", "DE", "IT", "MX", "BR", "AU", "IN"}

// noBack lists the id classes that have no back side to capture.
var noBack = map[string]bool{"pp": true, "ppc": true, "visa": true}

// captureView is what the government ID and selfie steps show.
type captureView struct {
	Document  bool // government ID; false for a selfie
	IDClasses []idClassView
	Countries []string
	Sides     []sideView
	// Processing is true while the step's last verification awaits its
	// decision: the processing screen is shown instead.
	Processing bool
	// Failed is true when the last attempt failed and another is allowed.
	Failed       bool
	AttemptsLeft int
	Errors       map[string]string
}

// idClassView is one id class the individual may pick.
type idClassView struct {
	Code    string
	HasBack bool
}

// sideView is one image to capture: a document side or a selfie pose.
type sideView struct {
	Name     string // front, back, center, left, right
	BackOnly bool   // shown only for id classes with a back
}

// verificationType is the verification a capture step creates.
func verificationType(s *vouch.Step) vouch.VerificationType {
	if s.Type == vouch.StepSelfie {
		return vouch.VerificationSelfie
	}
	return vouch.VerificationGovernmentID
}

// lastVerification is the newest verification of type typ.
func lastVerification(d *vouch.InquiryDetails, typ vouch.VerificationType) *vouch.Verification {
	var last *vouch.Verification
	for _, v := range d.Verifications {
		if v.Type == typ && (last == nil || v.Attempt > last.Attempt) {
			last = v
		}
	}
	return last
}

// captureFor builds the capture view of step s.
func captureFor(d *vouch.InquiryDetails, s *vouch.Step) *captureView {
	cv := &captureView{Document: s.Type == vouch.StepGovernmentID}
	if cv.Document {
		classes := s.IDClasses
		if len(classes) == 0 {
			classes = defaultIDClasses
		}
		for _, c := range classes {
			cv.IDClasses = append(cv.IDClasses, idClassView{Code: c, HasBack: !noBack[c]})
		}
		cv.Countries = s.Countries
		if len(cv.Countries) == 0 {
			cv.Countries = defaultCountries
		}
		cv.Sides = []sideView{{Name: "front"}, {Name: "back", BackOnly: true}}
	} else {
		cv.Sides = []sideView{{Name: "center"}}
		if s.Capture == vouch.SelfieProfileAndCenter {
			cv.Sides = append(cv.Sides, sideView{Name: "left"}, sideView{Name: "right"})
		}
	}
	if last := lastVerification(d, verificationType(s)); last != nil {
		cv.Processing = last.Status == vouch.VerificationSubmitted || last.Status == vouch.VerificationInitiated
		cv.Failed = last.Status == vouch.VerificationFailed
		cv.AttemptsLeft = d.Version.Config.MaxVerificationAttempts() - last.Attempt
	}
	return cv
}

// submitCapture takes the images of a government ID or selfie step
// through upload.Normalize (the one hardened path for images) and submits
// them as a new verification, whose decision the processing screen awaits.
// Missing or unreadable images send the step back with its problems.
func (h *Handler) submitCapture(r *http.Request, env vouch.Environment, d *vouch.InquiryDetails, s *vouch.Step, lang string) (*stepView, error) {
	cv := captureFor(d, s)
	if cv.Processing {
		return nil, nil // already submitted; the caller shows the processing screen
	}
	limit := h.cfg.MaxUploadBytes
	r.Body = http.MaxBytesReader(nil, r.Body, 5*limit+(64<<10))
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return nil, vouch.Errorf(vouch.EINVALID, "Malformed upload.")
	}
	tr := h.t(lang)
	errs := map[string]string{}
	data := map[string]any{}
	idClass := ""
	if cv.Document {
		idClass = r.FormValue("id_class")
		if !slices.ContainsFunc(cv.IDClasses, func(c idClassView) bool { return c.Code == idClass }) {
			errs["id_class"] = tr("field_required")
		}
		country := strings.ToUpper(r.FormValue("country"))
		if !slices.Contains(cv.Countries, country) {
			errs["country"] = tr("field_required")
		}
		data["id-class"], data["country-code"] = idClass, country
	}
	files := map[string][]byte{}
	methods := map[string]any{}
	for _, side := range cv.Sides {
		if side.BackOnly && (idClass == "" || noBack[idClass]) {
			continue
		}
		b, err := readImage(r, side.Name, limit)
		if err != nil {
			errs[side.Name] = tr("file_required")
			continue
		}
		if files[side.Name], _, err = upload.Normalize(b, upload.Options{MaxBytes: int(limit)}); err != nil {
			if vouch.ErrorCode(err) == vouch.EINTERNAL {
				return nil, err
			}
			errs[side.Name] = tr("file_invalid")
		}
		methods[side.Name] = "upload"
		if r.FormValue("method_"+side.Name) == "camera" {
			methods[side.Name] = "camera"
		}
	}
	if len(errs) > 0 {
		sv := h.baseStep(&d.Version.Config, s, lang)
		sv.Capture, sv.Status, sv.Sandbox = cv, d.Inquiry.Status, env == vouch.Sandbox
		cv.Errors = errs
		return sv, nil
	}
	data["capture-methods"] = methods
	if env == vouch.Sandbox {
		data[vouch.SandboxOutcomeKey] = vouch.SandboxPass
		if r.FormValue("sandbox_outcome") == vouch.SandboxFail {
			data[vouch.SandboxOutcomeKey] = vouch.SandboxFail
		}
	}
	v, err := h.svc.CreateVerification(r.Context(), env, d.Inquiry.ID, verificationType(s))
	if err != nil {
		return nil, err
	}
	if _, err := h.svc.SubmitVerification(r.Context(), env, v.ID, files, data); err != nil {
		return nil, err
	}
	return nil, nil
}

// readImage reads one uploaded file, refusing more than limit bytes.
func readImage(r *http.Request, name string, limit int64) ([]byte, error) {
	f, _, err := r.FormFile(name)
	if err != nil {
		return nil, err
	}
	defer func(f multipart.File) { _ = f.Close() }(f)
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) == 0 {
		return nil, errors.New("empty file")
	}
	return b, nil
}

// settleCapture moves past a capture step whose last verification passed.
func (h *Handler) settleCapture(ctx context.Context, env vouch.Environment, d *vouch.InquiryDetails, s *vouch.Step) (*vouch.InquiryDetails, bool, error) {
	last := lastVerification(d, verificationType(s))
	if last == nil || last.Status != vouch.VerificationPassed {
		return d, false, nil
	}
	d, err := h.advance(ctx, env, d)
	return d, true, err
}
