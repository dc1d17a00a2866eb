// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

//go:embed i18n/*.json
var catalogueFiles embed.FS

// Languages are the languages the flow speaks, in the order a tie is
// broken; the first is the fallback.
var Languages = []string{"en", "es", "fr", "de"}

// catalogue maps a message id to its text in one language. Message ids are
// stable (tests and translators rely on them).
type catalogue map[string]string

// loadCatalogues reads every embedded catalogue.
func loadCatalogues() (map[string]catalogue, error) {
	out := make(map[string]catalogue, len(Languages))
	for _, lang := range Languages {
		b, err := catalogueFiles.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("flow: catalogue %s: %w", lang, err)
		}
		c := catalogue{}
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("flow: catalogue %s: %w", lang, err)
		}
		out[lang] = c
	}
	return out, nil
}

// pickLanguage chooses the flow's language: the language parameter when
// the flow speaks it (es-MX → es), else the browser's Accept-Language, else
// English. enabled, when not empty, restricts the choice to the template's
// enabled locales.
func pickLanguage(param, acceptLanguage string, enabled []string) string {
	ok := func(l string) bool {
		l = strings.ToLower(strings.TrimSpace(l))
		if i := strings.IndexAny(l, "-_"); i >= 0 {
			l = l[:i]
		}
		known := false
		for _, k := range Languages {
			known = known || k == l
		}
		if !known {
			return false
		}
		if len(enabled) == 0 {
			return true
		}
		for _, e := range enabled {
			if strings.EqualFold(strings.SplitN(strings.ReplaceAll(e, "_", "-"), "-", 2)[0], l) {
				return true
			}
		}
		return false
	}
	base := func(l string) string {
		l = strings.ToLower(strings.TrimSpace(l))
		if i := strings.IndexAny(l, "-_"); i >= 0 {
			l = l[:i]
		}
		return l
	}
	if param != "" && ok(param) {
		return base(param)
	}
	type pref struct {
		tag string
		q   float64
	}
	var prefs []pref
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, found := strings.CutPrefix(strings.TrimSpace(params), "q="); found {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if tag != "" && q > 0 {
			prefs = append(prefs, pref{tag, q})
		}
	}
	sort.SliceStable(prefs, func(i, j int) bool { return prefs[i].q > prefs[j].q })
	for _, p := range prefs {
		if ok(p.tag) {
			return base(p.tag)
		}
	}
	return Languages[0]
}

// translate returns message id in lang, with {name} placeholders replaced
// from args (name, value, name, value…). A missing id shows the id itself,
// which the catalogue test makes impossible for shipped templates.
func (c catalogue) translate(id string, args ...any) string {
	s, ok := c[id]
	if !ok {
		return id
	}
	for i := 0; i+1 < len(args); i += 2 {
		var v string
		switch x := args[i+1].(type) {
		case int:
			v = strconv.Itoa(x)
		default:
			v = fmt.Sprint(x)
		}
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(args[i])+"}", v)
	}
	return s
}
