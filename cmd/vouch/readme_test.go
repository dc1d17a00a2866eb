// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeTour runs the README's five-minute tour as written, with real
// curl and bash against a real server on each database, so that a
// newcomer who copies it line by line gets answers and not errors. The
// tour's placeholders (the key, the ids written as "inq_…") are filled in
// as a reader would: with the key the first start printed and the ids of
// the objects the tour's own commands created. Each curl must exit 0 and
// answer a JSON:API document with data and no errors. The `go run
// ./cmd/vouch` lines are left out: the CLI has tests of its own and they
// would build the binary.
func TestReadmeTour(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is required under CI=true (test.sh installs it)")
		}
		t.Skip("curl is not installed (apt-get install curl, or run ./test.sh)")
	}
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	lines := tourCommands(t, string(readme))
	forEachDatabase(t, func(t *testing.T, database string) { runTour(t, curl, lines, database) })
}

// runTour runs the tour's commands against a fresh server on database.
func runTour(t *testing.T, curl string, lines []string, database string) {
	ts := MustRunMain(t, database)
	ids := map[string]string{ // placeholder → value
		"vouch_sandbox_…":       ts.Key,
		"http://127.0.0.1:8080": ts.URL,
		"itmpl_…":               ts.demoTemplateID(t),
	}
	var prelude []string // the tour's variable assignments, in order
	ran := 0
	for _, line := range lines {
		for placeholder, v := range ids {
			line = strings.ReplaceAll(line, placeholder, v)
		}
		if strings.HasPrefix(line, "go run ") {
			continue
		}
		if assignmentRE.MatchString(line) {
			prelude = append(prelude, line)
			continue
		}
		require.NotContains(t, line, "…", "a placeholder the tour did not fill in before: %s", line)
		script := "set -euo pipefail\n" + strings.Join(prelude, "\n") + "\n" + line
		cmd := exec.Command("bash", "-c", script)
		cmd.Env = []string{"PATH=" + filepath.Dir(curl) + ":/usr/bin:/bin", "HOME=" + t.TempDir()}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s\n%s", line, out)
		var doc struct {
			Data   json.RawMessage `json:"data"`
			Errors []any           `json:"errors"`
		}
		require.NoError(t, json.Unmarshal(out, &doc), "%s\n%s", line, out)
		require.Empty(t, doc.Errors, "%s\n%s", line, out)
		require.NotEmpty(t, doc.Data, "%s\n%s", line, out)
		ran++
		// The first inquiry and session the tour makes are the ones its
		// later lines mean by inq_… and iqse_….
		var one struct{ Type, ID string }
		if json.Unmarshal(doc.Data, &one) == nil {
			for typ, placeholder := range map[string]string{"inquiry": "inq_…", "inquiry-session": "iqse_…"} {
				if one.Type == typ && ids[placeholder] == "" {
					ids[placeholder] = one.ID
				}
			}
		}
	}
	require.GreaterOrEqual(t, ran, 10, "the tour's curl commands were found and run")
	require.NotEmpty(t, ids["inq_…"], "the tour creates an inquiry")
}

// assignmentRE matches a shell variable assignment, exported or not.
var assignmentRE = regexp.MustCompile(`^(export )?[A-Za-z_][A-Za-z0-9_]*=`)

// tourCommands returns the shell commands of the README's tour section,
// one per command, with continuation lines joined and comments dropped.
func tourCommands(t *testing.T, readme string) []string {
	t.Helper()
	_, section, ok := strings.Cut(readme, "## A five-minute tour with curl")
	require.True(t, ok, "the README has its tour")
	section, _, _ = strings.Cut(section, "\n## ")
	var out []string
	in, pending := false, ""
	for _, line := range strings.Split(section, "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			in = true
			continue
		case strings.HasPrefix(line, "```"):
			in = false
			continue
		case !in:
			continue
		}
		line = pending + strings.TrimSpace(line)
		if strings.HasSuffix(line, "\\") {
			pending = strings.TrimSuffix(line, "\\") + " "
			continue
		}
		line, open := stripComment(line)
		if open { // a single-quoted string goes on
			pending = line + "\n"
			continue
		}
		pending = ""
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// stripComment drops a trailing shell comment from line and reports
// whether line ends inside a single-quoted string (which then continues on
// the next line). Enough of the shell for the README: single and double
// quotes, and # starting a comment after a blank outside them.
func stripComment(line string) (string, bool) {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return strings.TrimSpace(line[:i]), false
		}
	}
	return line, quote == '\''
}
