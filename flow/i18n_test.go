// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCataloguesComplete checks that every language has exactly the keys
// of English, and that each key the views use exists.
func TestCataloguesComplete(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	require.NoError(t, err)
	keys := func(c catalogue) []string {
		var out []string
		for k := range c {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	for _, lang := range Languages {
		require.Equal(t, keys(cats["en"]), keys(cats[lang]), lang)
		for k, v := range cats[lang] {
			require.NotEmpty(t, strings.TrimSpace(v), lang+" "+k)
		}
	}
	files, err := filepath.Glob("views/*.html")
	require.NoError(t, err)
	used := regexp.MustCompile(`call (?:\$|\.)?\.?T "([a-z_]+)"`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			require.Contains(t, cats["en"], m[1], f)
		}
	}
	for _, code := range []string{CodeInvalidConfig, CodeUnauthenticated, CodeInactiveTemplate, CodeApplicationError, CodeUnknown} {
		require.Contains(t, cats["en"], "error_"+code)
	}
}

// TestViewsHaveNoLiteralText checks that the views hold no user-visible
// words: every string shown comes from a catalogue (or the template).
func TestViewsHaveNoLiteralText(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("views/*.html")
	require.NoError(t, err)
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tags := regexp.MustCompile(`(?s)<[^>]*>`)
	words := regexp.MustCompile(`\p{L}{2,}`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		text := tags.ReplaceAllString(actions.ReplaceAllString(string(b), " "), " ")
		text = strings.ReplaceAll(text, "<!doctype html>", "")
		require.Empty(t, words.FindAllString(text, -1), f)
		// Attributes a screen reader reads must not be literal either.
		for _, attr := range []string{"aria-label", "title", "alt", "placeholder"} {
			lit := regexp.MustCompile(attr + `="[^"{]*\p{L}`)
			require.False(t, lit.MatchString(string(b)), f+" "+attr)
		}
	}
}

// TestPickLanguage checks the choice of language.
func TestPickLanguage(t *testing.T) {
	t.Parallel()
	require.Equal(t, "es", pickLanguage("es-MX", "", nil))
	require.Equal(t, "de", pickLanguage("", "fr-CA;q=0.4, de-DE", []string{"de", "en"}))
	require.Equal(t, "de", pickLanguage("", "fr-CA;q=0.4, de-DE", nil))
	require.Equal(t, "fr", pickLanguage("", "ja, fr;q=0.8, de;q=0.5", nil))
	require.Equal(t, "en", pickLanguage("ja", "", nil))
	require.Equal(t, "en", pickLanguage("es", "", []string{"en"}))
	require.Equal(t, "Paso 2 de 5", catalogue{"p": "Paso {n} de {total}"}.translate("p", "n", 2, "total", 5))
}
