// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/vouch-id/vouch"
)

// Params are the query parameters of /widget and /verify (spec §1.2 and
// §2), in the bracket encoding the official SDK produces with qs
// (fields[name-first]=Jane, frame-ancestors[0]=https://a.example). Unknown
// keys are ignored, so a newer SDK that sends more cannot break the flow.
type Params struct {
	ClientVersion string
	ContainerID   string
	FlowType      string // embedded, inline, or "" for the hosted page

	TemplateID        string // itmpl_…
	LegacyTemplateID  string // tmpl_…
	TemplateVersionID string // itmplv_…
	InquiryID         string
	SessionToken      string

	Environment   vouch.Environment // "" when the URL does not say
	EnvironmentID string

	IframeOrigin        string
	FrameAncestors      []string
	MessageTargetOrigin string

	ReferenceID   string
	AccountID     string
	AccountTypeID string
	// Fields holds the raw prefilled values, nested as qs encodes them;
	// the template's schema types them (vouch.CoerceFields).
	Fields map[string]any

	Language          string
	StyleVariant      string
	ThemeSetID        string
	ThemeID           string
	RoutingCountry    string
	ShareToken        string
	FieldMappings     []any
	WidgetPadding     map[string]any
	NavigationPadding map[string]any
	ServerOutageMode  string

	RedirectURI string
	IsWebview   bool
	Code        string
}

// Legacy reports whether the parameters name a legacy tmpl_ template.
func (p *Params) Legacy() bool { return p.LegacyTemplateID != "" }

// EchoTemplateID is the template id the flow echoes in every message: the
// SDK drops messages whose templateId differs from the one it was given
// (spec §1.7), so it must be exactly what the URL said.
func (p *Params) EchoTemplateID() string {
	if p.LegacyTemplateID != "" {
		return p.LegacyTemplateID
	}
	return p.TemplateID
}

// configError is the invalid_config error about one parameter.
func configError(param, format string, args ...any) error {
	return vouch.FieldError("?"+param, format, args...)
}

// ParseParams reads and checks the query of a flow URL. Every problem is an
// EINVALID error naming the parameter, which the flow reports as
// invalid_config (spec §1.9).
func ParseParams(q url.Values) (*Params, error) {
	p := &Params{}
	one := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	p.ClientVersion, p.ContainerID, p.FlowType = one("client-version"), one("container-id"), one("flow-type")
	p.TemplateVersionID, p.InquiryID = one("inquiry-template-version-id"), one("inquiry-id")
	p.SessionToken, p.EnvironmentID = one("session-token"), one("environment-id")
	p.ReferenceID, p.AccountID, p.AccountTypeID = q.Get("reference-id"), one("account-id"), one("account-type-id")
	p.Language, p.StyleVariant, p.ThemeSetID = one("language"), one("style-variant"), one("theme-set-id")
	p.ThemeID, p.RoutingCountry, p.ShareToken = one("theme-id"), one("routing-country"), one("share-token")
	p.ServerOutageMode, p.RedirectURI, p.Code = one("server-outage-mode"), one("redirect-uri"), one("code")
	p.IsWebview = one("is-webview") == "true"

	switch p.FlowType {
	case "", "embedded", "inline":
	default:
		return nil, configError("flow-type", "flow-type must be embedded or inline.")
	}
	// template-id carries legacy templates; a Dynamic Flow id there (as
	// older hosted links have it) is read as inquiry-template-id.
	p.TemplateID = one("inquiry-template-id")
	if legacy := one("template-id"); legacy != "" {
		if strings.HasPrefix(legacy, vouch.PrefixTemplate) {
			if p.TemplateID != "" && p.TemplateID != legacy {
				return nil, configError("template-id", "template-id and inquiry-template-id name different templates.")
			}
			p.TemplateID = legacy
		} else {
			p.LegacyTemplateID = legacy
		}
	}
	if p.TemplateID != "" && p.LegacyTemplateID != "" {
		return nil, configError("template-id", "template-id cannot be combined with inquiry-template-id.")
	}
	if p.LegacyTemplateID != "" && p.TemplateVersionID != "" {
		return nil, configError("template-id", "template-id cannot be combined with inquiry-template-version-id.")
	}
	hasTemplate := p.TemplateID != "" || p.LegacyTemplateID != "" || p.TemplateVersionID != ""
	switch {
	case p.Code != "" && (hasTemplate || p.InquiryID != "" || p.SessionToken != ""):
		return nil, configError("code", "A one-time link cannot be combined with a template, an inquiry-id or a session-token.")
	case p.Code != "":
		// A one-time link names its inquiry itself.
	case hasTemplate && p.InquiryID != "":
		return nil, configError("inquiry-id", "Give either a template or an inquiry-id, not both.")
	case !hasTemplate && p.InquiryID == "":
		return nil, configError("inquiry-template-id", "A template or an inquiry-id is required.")
	case p.SessionToken != "" && p.InquiryID == "":
		return nil, configError("session-token", "session-token needs an inquiry-id.")
	}
	if p.AccountID != "" && (p.ReferenceID != "" || p.AccountTypeID != "") {
		return nil, configError("account-id", "account-id cannot be combined with reference-id or account-type-id.")
	}
	if env := one("environment"); env != "" {
		e, err := vouch.ParseEnvironment(env)
		if err != nil {
			return nil, configError("environment", "environment must be sandbox or production.")
		}
		p.Environment = e
	}
	var err error
	if p.IframeOrigin, err = origin(q, "iframe-origin"); err != nil {
		return nil, err
	}
	if p.MessageTargetOrigin, err = origin(q, "message-target-origin"); err != nil {
		return nil, err
	}
	tree, err := parseBrackets(q)
	if err != nil {
		return nil, err
	}
	if err := p.readTree(tree); err != nil {
		return nil, err
	}
	return p, nil
}

// origin reads an optional origin parameter.
func origin(q url.Values, k string) (string, error) {
	v := strings.TrimSpace(q.Get(k))
	if v == "" {
		return "", nil
	}
	o, err := vouch.ParseOrigin(v)
	if err != nil {
		return "", configError(k, "%s must be an origin such as https://example.com.", k)
	}
	return o, nil
}

// readTree takes the bracket-encoded parameters out of tree.
func (p *Params) readTree(tree map[string]any) error {
	for _, k := range []string{"fields", "prefill"} { // prefill[…] is the deprecated name
		v, ok := tree[k]
		if !ok {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return configError(k, "%s must be given as %s[key]=value.", k, k)
		}
		if p.Fields == nil {
			p.Fields = map[string]any{}
		}
		for fk, fv := range m {
			p.Fields[fk] = fv
		}
	}
	if v, ok := tree["frame-ancestors"]; ok {
		list, ok := v.([]any)
		if !ok {
			return configError("frame-ancestors", "frame-ancestors must be a list of origins.")
		}
		for _, e := range list {
			s, _ := e.(string)
			o, err := vouch.ParseOrigin(s)
			if err != nil {
				return configError("frame-ancestors", "frame-ancestors must be a list of origins.")
			}
			p.FrameAncestors = append(p.FrameAncestors, o)
		}
	}
	if v, ok := tree["field-mappings"]; ok {
		list, ok := v.([]any)
		if !ok {
			return configError("field-mappings", "field-mappings must be a list.")
		}
		p.FieldMappings = list
	}
	for k, dst := range map[string]*map[string]any{"widget-padding": &p.WidgetPadding, "navigation-padding": &p.NavigationPadding} {
		if v, ok := tree[k]; ok {
			m, ok := v.(map[string]any)
			if !ok {
				return configError(k, "%s must be given as %s[side]=pixels.", k, k)
			}
			*dst = m
		}
	}
	return nil
}

// parseBrackets builds the nested values qs encodes as key[a][b]=v or
// key[0]=v. Keys without brackets are left to url.Values. A key given both
// as a value and as a container, or a malformed bracket, is an error.
func parseBrackets(q url.Values) (map[string]any, error) {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	root := map[string]any{}
	for _, k := range keys {
		i := strings.IndexByte(k, '[')
		if i <= 0 {
			continue
		}
		name, rest := k[:i], k[i:]
		var path []string
		for rest != "" {
			if rest[0] != '[' {
				return nil, configError(name, "Malformed parameter %q.", k)
			}
			j := strings.IndexByte(rest, ']')
			if j <= 1 { // no closing bracket, or an empty one
				return nil, configError(name, "Malformed parameter %q.", k)
			}
			path = append(path, rest[1:j])
			rest = rest[j+1:]
		}
		vals := q[k]
		if err := setPath(root, append([]string{name}, path...), vals[len(vals)-1]); err != nil {
			return nil, configError(name, "Malformed parameter %q.", k)
		}
	}
	out, ok := listify(root).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("flow: bracket root is not an object")
	}
	return out, nil
}

// setPath stores v at path inside m, creating objects on the way.
func setPath(m map[string]any, path []string, v string) error {
	for _, seg := range path[:len(path)-1] {
		next, ok := m[seg]
		if !ok {
			child := map[string]any{}
			m[seg] = child
			m = child
			continue
		}
		child, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("%q is both a value and an object", seg)
		}
		m = child
	}
	last := path[len(path)-1]
	if _, ok := m[last].(map[string]any); ok {
		return fmt.Errorf("%q is both a value and an object", last)
	}
	m[last] = v
	return nil
}

// listify turns objects whose keys are exactly 0…n-1 into lists, as qs
// decodes indices notation.
func listify(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for k, c := range m {
		m[k] = listify(c)
	}
	if len(m) == 0 {
		return m
	}
	list := make([]any, len(m))
	for k, c := range m {
		n, err := strconv.Atoi(k)
		if err != nil || n < 0 || n >= len(m) || strconv.Itoa(n) != k {
			return m
		}
		list[n] = c
	}
	return list
}

// parseQuery parses a raw query string as ParseParams does.
func parseQuery(raw string) (*Params, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, configError("query", "Malformed query.")
	}
	return ParseParams(q)
}
