// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/vouch-id/vouch"
)

// fieldView is one input of a form step.
type fieldView struct {
	Key          string
	ID           string // the element id, "f-<key>"
	Label        string
	Input        string // text, date, number, email, tel, datetime-local, select
	Autocomplete string
	Value        string
	Required     bool
	Choices      []string
	Bool         bool
	Error        string
}

// autocompletes helps browsers and password managers fill the usual keys.
var autocompletes = map[string]string{
	"namefirst": "given-name", "namemiddle": "additional-name", "namelast": "family-name",
	"birthdate": "bday", "emailaddress": "email", "phonenumber": "tel",
	"addressstreet1": "address-line1", "addressstreet2": "address-line2", "addresscity": "address-level2",
	"addresssubdivision": "address-level1", "addresspostalcode": "postal-code", "addresscountrycode": "country",
}

// formFields builds the inputs of step s, prefilled from the inquiry's
// values, or from the submitted ones (raw) with their errors.
func formFields(cfg *vouch.TemplateConfig, s *vouch.Step, values vouch.Fields, raw map[string]string, errs map[string]string) []fieldView {
	var out []fieldView
	for _, key := range s.Fields {
		var f *vouch.FieldSchema
		for i := range cfg.Fields {
			if cfg.Fields[i].Key == key {
				f = &cfg.Fields[i]
			}
		}
		if f == nil {
			continue
		}
		fv := fieldView{Key: f.Key, ID: "f-" + f.Key, Label: f.Label, Required: f.Required, Choices: f.Choices,
			Autocomplete: autocompletes[vouch.NormalizeFieldKey(f.Key)], Error: errs[f.Key]}
		if fv.Label == "" {
			fv.Label = f.Key
		}
		switch f.Type {
		case vouch.FieldDate:
			fv.Input = "date"
		case vouch.FieldDatetime:
			fv.Input = "datetime-local"
		case vouch.FieldNumber, vouch.FieldInteger:
			fv.Input = "number"
		case vouch.FieldChoices:
			fv.Input = "select"
		case vouch.FieldBoolean:
			fv.Input, fv.Bool = "select", true
		default:
			fv.Input = "text"
			switch fv.Autocomplete {
			case "email":
				fv.Input = "email"
			case "tel":
				fv.Input = "tel"
			}
		}
		if raw != nil {
			fv.Value = raw[f.Key]
		} else if v, ok := values[f.Key]; ok && v.Value != nil {
			fv.Value = fmt.Sprint(v.Value)
		}
		out = append(out, fv)
	}
	return out
}

// submitForm validates and stores a form step's answers. It returns the
// form again, with one message per bad field, when an answer is missing or
// does not fit its declared type.
func (h *Handler) submitForm(r *http.Request, env vouch.Environment, d *vouch.InquiryDetails, s *vouch.Step, lang string) (*stepView, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 256<<10)
	if err := r.ParseMultipartForm(256 << 10); err != nil && err != http.ErrNotMultipart {
		if err := r.ParseForm(); err != nil {
			return nil, vouch.Errorf(vouch.EINVALID, "Malformed form.")
		}
	}
	cfg := &d.Version.Config
	tr := h.t(lang)
	raw := map[string]string{}
	errs := map[string]string{}
	set := map[string]any{}
	for _, fv := range formFields(cfg, s, nil, map[string]string{}, nil) {
		v := strings.TrimSpace(r.FormValue(fv.Key))
		raw[fv.Key] = v
		if v == "" {
			if fv.Required {
				errs[fv.Key] = tr("field_required")
			}
			continue
		}
		if _, err := vouch.CoerceFields(cfg.Fields, map[string]any{fv.Key: v}); err != nil {
			errs[fv.Key] = tr("field_invalid")
			continue
		}
		set[fv.Key] = v
	}
	if len(errs) > 0 {
		sv := h.baseStep(cfg, s, lang)
		sv.Fields, sv.FormError, sv.Status = formFields(cfg, s, nil, raw, errs), true, d.Inquiry.Status
		sv.Sandbox = env == vouch.Sandbox
		return sv, nil
	}
	if len(set) == 0 {
		return nil, nil
	}
	_, err := h.svc.UpdateInquiry(r.Context(), env, d.Inquiry.ID, vouch.InquiryUpdate{Fields: set})
	return nil, err
}
