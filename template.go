// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"net/url"
	"strings"
	"time"
)

// TemplateStatus says whether new inquiries may be created from a template.
type TemplateStatus string

// The template statuses.
const (
	TemplateActive   TemplateStatus = "active"
	TemplateInactive TemplateStatus = "inactive"
)

// Template is an inquiry template: a named, versioned recipe for a flow.
// Dynamic Flow templates have itmpl_ ids; legacy templates (Legacy true)
// have tmpl_ ids and change some flow semantics (see the hosted flow).
type Template struct {
	ID          string
	Environment Environment
	Name        string
	Legacy      bool
	Status      TemplateStatus
	// LatestVersionID is the latest published version; new inquiries from
	// the template are pinned to it.
	LatestVersionID string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// TemplateVersion is an immutable published version of a template.
type TemplateVersion struct {
	ID          string
	TemplateID  string
	Environment Environment
	Number      int // 1, 2, … per template
	Config      TemplateConfig
	CreatedAt   time.Time
}

// TemplateFilter selects templates for listing.
type TemplateFilter struct {
	Environment Environment
	After       string
	Limit       int
}

// StepType names a kind of step in the flow.
type StepType string

// The step types.
const (
	StepStart        StepType = "start"
	StepForm         StepType = "form"
	StepGovernmentID StepType = "government_id"
	StepSelfie       StepType = "selfie"
	StepCompletion   StepType = "completion"
)

// Selfie capture kinds.
const (
	SelfieCenter           = "center"
	SelfieProfileAndCenter = "profile_and_center"
)

// Step is one screen (or group of screens) of the flow.
type Step struct {
	Name string   `json:"name"`
	Type StepType `json:"type"`
	// Title and Body are shown on start and completion screens.
	Title string `json:"title,omitempty"`
	Body  string `json:"body,omitempty"`
	// Fields lists the template field keys a form step asks for.
	Fields []string `json:"fields,omitempty"`
	// IDClasses and Countries restrict a government_id step (empty = any).
	IDClasses []string `json:"id-classes,omitempty"`
	Countries []string `json:"countries,omitempty"`
	// Capture is the selfie capture kind: center or profile_and_center.
	Capture string `json:"capture,omitempty"`
}

// ExpirySettings are the template's session-management intervals, in
// seconds (spec §3.2); zero means the default of 24 hours.
type ExpirySettings struct {
	AfterCreateSeconds int64 `json:"after-create-seconds,omitempty"`
	AfterStartSeconds  int64 `json:"after-start-seconds,omitempty"`
	AfterResumeSeconds int64 `json:"after-resume-seconds,omitempty"`
}

// VerificationSettings tune how verifications of this template are decided.
type VerificationSettings struct {
	MinimumAge int `json:"minimum-age,omitempty"`
	// MaxAttempts is how often a failed verification may be retried before
	// the inquiry fails (default 3).
	MaxAttempts int `json:"max-attempts,omitempty"`
}

// TemplateConfig is the content of a template version.
type TemplateConfig struct {
	Steps  []Step        `json:"steps"`
	Fields []FieldSchema `json:"fields,omitempty"`
	// AllowedOrigins lists the origins (scheme://host[:port]) that may embed
	// the flow; the flow's CSP frame-ancestors is built from it.
	AllowedOrigins []string             `json:"allowed-origins,omitempty"`
	Expiry         ExpirySettings       `json:"expiry,omitempty"`
	RedirectURI    string               `json:"redirect-uri,omitempty"`
	Verification   VerificationSettings `json:"verification,omitempty"`
	// EnabledLocales lists the languages the flow offers (default: all).
	EnabledLocales []string `json:"enabled-locales,omitempty"`
	// BlockClientSideInquiryCreation keeps the hosted flow from creating
	// inquiries from this template at a browser's request (spec §1.10):
	// the template id in a page is public, so anyone could otherwise make
	// inquiries from it at will. The flow then only opens inquiries the
	// API created, by their id.
	BlockClientSideInquiryCreation bool `json:"block-client-side-inquiry-creation,omitempty"`
}

// checkClientSideCreation returns nil when the hosted flow may create an
// inquiry from template t for a browser: EINACTIVE when t is inactive,
// EFORBIDDEN when latest, t's latest version, blocks client-side creation.
// The latest version decides whichever version the inquiry would be pinned
// to, so that naming an older version cannot reopen what the current one
// closed.
func checkClientSideCreation(t *Template, latest *TemplateVersion) error {
	if t.Status != TemplateActive {
		return Errorf(EINACTIVE, "Template %s is inactive.", t.ID)
	}
	if latest.Config.BlockClientSideInquiryCreation {
		return Errorf(EFORBIDDEN, "Template %s does not allow inquiries to be created in the browser: create the inquiry with the API and open it by its id.", t.ID)
	}
	return nil
}

// DefaultExpiry is the expiry interval when neither the template nor the
// request sets one (spec §3.2).
const DefaultExpiry = 24 * time.Hour

// MaxExpiry bounds configured intervals (the help centre suggests ≤ 15 days;
// we allow up to 30).
const MaxExpiry = 30 * 24 * time.Hour

// DefaultMaxAttempts is the verification retry limit when the template is silent.
const DefaultMaxAttempts = 3

var idClasses = map[string]bool{
	"cct": true, "cid": true, "dl": true, "foid": true, "hic": true, "id": true, "ipp": true,
	"keyp": true, "ltpass": true, "munid": true, "myn": true, "nbi": true, "nric": true,
	"ofw": true, "rp": true, "pan": true, "pid": true, "pp": true, "ppc": true, "pr": true,
	"sss": true, "td": true, "tribalid": true, "umid": true, "vid": true, "visa": true, "wp": true,
}

// ValidIDClass reports whether c is one of the id-class codes of spec §6.4.
func ValidIDClass(c string) bool { return idClasses[c] }

// Validate checks a template version's content.
func (c *TemplateConfig) Validate() error {
	if len(c.Steps) == 0 {
		return FieldError("steps", "a template needs at least one step")
	}
	keys := map[string]bool{}
	for i := range c.Fields {
		if err := c.Fields[i].Validate(); err != nil {
			return err
		}
		if keys[c.Fields[i].Key] {
			return FieldError("fields", "field %q is declared twice", c.Fields[i].Key)
		}
		keys[c.Fields[i].Key] = true
	}
	names := map[string]bool{}
	for _, s := range c.Steps {
		if s.Name == "" || names[s.Name] {
			return FieldError("steps", "every step needs a unique name")
		}
		names[s.Name] = true
		switch s.Type {
		case StepStart, StepCompletion:
		case StepForm:
			for _, k := range s.Fields {
				if !keys[k] {
					return FieldError("steps", "step %q asks for undeclared field %q", s.Name, k)
				}
			}
		case StepGovernmentID:
			for _, ic := range s.IDClasses {
				if !ValidIDClass(ic) {
					return FieldError("steps", "step %q has unknown id class %q", s.Name, ic)
				}
			}
			for _, cc := range s.Countries {
				if len(cc) != 2 || strings.ToUpper(cc) != cc {
					return FieldError("steps", "step %q: country %q must be an ISO 3166 alpha-2 code", s.Name, cc)
				}
			}
		case StepSelfie:
			if s.Capture != "" && s.Capture != SelfieCenter && s.Capture != SelfieProfileAndCenter {
				return FieldError("steps", "step %q: capture must be %q or %q", s.Name, SelfieCenter, SelfieProfileAndCenter)
			}
		default:
			return FieldError("steps", "step %q has unknown type %q", s.Name, s.Type)
		}
	}
	for _, o := range c.AllowedOrigins {
		if _, err := ParseOrigin(o); err != nil {
			return FieldError("allowed-origins", "%q is not an origin (scheme://host[:port])", o)
		}
	}
	for _, v := range []int64{c.Expiry.AfterCreateSeconds, c.Expiry.AfterStartSeconds, c.Expiry.AfterResumeSeconds} {
		if v < 0 || time.Duration(v)*time.Second > MaxExpiry {
			return FieldError("expiry", "expiry intervals must be between 1 second and %d days", int(MaxExpiry.Hours()/24))
		}
	}
	if c.RedirectURI != "" {
		if u, err := url.Parse(c.RedirectURI); err != nil || u.Scheme == "" {
			return FieldError("redirect-uri", "redirect-uri must be an absolute URI")
		}
	}
	if c.Verification.MinimumAge < 0 || c.Verification.MinimumAge > 150 {
		return FieldError("verification.minimum-age", "minimum-age must be between 0 and 150")
	}
	if c.Verification.MaxAttempts < 0 || c.Verification.MaxAttempts > 20 {
		return FieldError("verification.max-attempts", "max-attempts must be between 0 and 20")
	}
	return nil
}

// StepByName returns the step called name, or nil.
func (c *TemplateConfig) StepByName(name string) *Step {
	for i := range c.Steps {
		if c.Steps[i].Name == name {
			return &c.Steps[i]
		}
	}
	return nil
}

// MaxVerificationAttempts returns the configured retry limit or the default.
func (c *TemplateConfig) MaxVerificationAttempts() int {
	if c.Verification.MaxAttempts > 0 {
		return c.Verification.MaxAttempts
	}
	return DefaultMaxAttempts
}

// ParseOrigin checks that s is a bare origin, scheme://host[:port] with no
// path, query or user info, and returns it in canonical (lowercase) form.
func ParseOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", FieldError("origin", "%q is not an origin", s)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}
