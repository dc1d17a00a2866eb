// SPDX-License-Identifier: Apache-2.0

// Package sandbox is the engine of the sandbox environment: it performs no
// verification at all and returns the outcome the tester chose in the
// hosted flow's sandbox bar (vouch.SandboxOutcomeKey in the capture data),
// with the checks and extracted data a real engine would return, so an
// integration can be built and tested end to end without real documents
// (spec §3.7, §6.6). Any image is accepted and none is read.
//
// A verification without a choice passes, as in Persona's sandbox. The
// service runs this engine for sandbox verifications only
// (vouch.Service.SandboxEngine); production verifications never reach it.
package sandbox

import (
	"fmt"
	"time"

	"github.com/vouch-id/vouch"
)

// Engine decides sandbox verifications of every type. It is stateless and
// safe for concurrent use.
type Engine struct{}

// New returns the sandbox engine.
func New() *Engine { return &Engine{} }

// Type returns the empty type: the sandbox engine serves every type, so it
// is wired as vouch.Service.SandboxEngine rather than listed in Engines.
func (*Engine) Type() vouch.VerificationType { return "" }

// Decide returns the outcome asked for in v's capture data. It fails only
// for a verification type it does not know, which the service never
// creates.
func (*Engine) Decide(_ vouch.Context, v *vouch.Verification, _ map[string][]byte) (*vouch.VerificationDecision, error) {
	pass := vouch.SandboxOutcome(v.Data) == vouch.SandboxPass
	d := &vouch.VerificationDecision{Status: vouch.VerificationPassed}
	if !pass {
		d.Status = vouch.VerificationFailed
	}
	switch v.Type {
	case vouch.VerificationGovernmentID:
		d.Checks = governmentIDChecks(pass)
		d.Data = governmentIDData(v)
	case vouch.VerificationSelfie:
		d.Checks = selfieChecks(pass)
		d.Data = map[string]any{"capture-method": captureString(v.Data, "capture-method", "photo")}
	default:
		return nil, fmt.Errorf("sandbox engine: unknown verification type %q", v.Type)
	}
	if vouch.ChecksPass(d.Checks) != pass {
		return nil, fmt.Errorf("sandbox engine: checks of %s disagree with outcome", v.Type)
	}
	return d, nil
}

// Sample identity of the sandbox (spec §3.7: Persona overwrites extracted
// names with "Alexander J Sample"). The values are obviously fictitious.
const (
	SampleNameFirst  = "Alexander"
	SampleNameMiddle = "J"
	SampleNameLast   = "Sample"
	SampleBirthdate  = "1977-07-17"
)

// idClasses are the id-class codes of spec §6.4; the capture data's
// id-class is echoed only when it is one of them.
var idClasses = map[string]bool{
	"cct": true, "cid": true, "dl": true, "foid": true, "hic": true, "id": true, "ipp": true,
	"keyp": true, "ltpass": true, "munid": true, "myn": true, "nbi": true, "nric": true,
	"ofw": true, "rp": true, "pan": true, "pid": true, "pp": true, "ppc": true, "pr": true,
	"sss": true, "td": true, "tribalid": true, "umid": true, "vid": true, "visa": true, "wp": true,
}

// governmentIDData is what a real engine would extract from the document:
// the sample identity, with the id class and capture method the flow
// reported, and dates relative to the verification so the document is
// never expired.
func governmentIDData(v *vouch.Verification) map[string]any {
	idClass := captureString(v.Data, "id-class", "dl")
	if !idClasses[idClass] {
		idClass = "dl"
	}
	created := v.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	return map[string]any{
		"id-class":              idClass,
		"capture-method":        captureString(v.Data, "capture-method", "upload"),
		"name-first":            SampleNameFirst,
		"name-middle":           SampleNameMiddle,
		"name-last":             SampleNameLast,
		"name-suffix":           nil,
		"birthdate":             SampleBirthdate,
		"sex":                   "Male",
		"nationality":           "US",
		"issuing-authority":     "CA",
		"issuing-subdivision":   "CA",
		"issue-date":            created.AddDate(-2, 0, 0).UTC().Format(time.DateOnly),
		"expiration-date":       created.AddDate(6, 0, 0).UTC().Format(time.DateOnly),
		"identification-number": "Y1234567",
		"address-street-1":      "123 Sample Street",
		"address-street-2":      nil,
		"address-city":          "San Francisco",
		"address-subdivision":   "CA",
		"address-postal-code":   "94105",
		"designations":          []string{},
	}
}

// captureString reads a string from capture data by its kebab-case key in
// any casing (id-class, idClass, id_class), or def.
func captureString(data map[string]any, key, def string) string {
	want := vouch.NormalizeFieldKey(key)
	for k, v := range data {
		if s, ok := v.(string); ok && s != "" && vouch.NormalizeFieldKey(k) == want {
			return s
		}
	}
	return def
}
