// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// runCLI runs one subcommand against dataDir and returns exit code,
// stdout and stderr.
func runCLI(t *testing.T, dataDir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, getenvFor(map[string]string{"VOUCH_DATA_DIR": dataDir, "VOUCH_LOG_LEVEL": "warn"}), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestKeysCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, out, _ := runCLI(t, dir, "migrate")
	require.Equal(t, 0, code)
	require.Contains(t, out, "up to date")

	code, out, errOut := runCLI(t, dir, "keys", "create", "--environment", "production", "--name", "ci")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	require.True(t, strings.HasPrefix(secret, "vouch_production_"), "the key is the last line of stdout")

	code, out, _ = runCLI(t, dir, "keys", "list")
	require.Equal(t, 0, code)
	require.Contains(t, out, "production")
	require.NotContains(t, out, secret, "list shows hints, never secrets")
	id := strings.Fields(strings.Split(out, "\n")[1])[0]
	require.True(t, strings.HasPrefix(id, "key_"))

	code, out, _ = runCLI(t, dir, "keys", "revoke", id)
	require.Equal(t, 0, code)
	require.Contains(t, out, "Revoked "+id)

	code, _, errOut = runCLI(t, dir, "keys", "create", "--environment", "staging")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "sandbox or production")
	code, _, errOut = runCLI(t, dir, "keys", "revoke", "key_nope")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "not found")
}

func TestTemplatesCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "t.yaml")
	write := func(title string) {
		require.NoError(t, os.WriteFile(file, []byte(`name: Onboarding
environments: [sandbox]
configuration:
  steps:
    - {name: start, type: start, title: "`+title+`"}
    - {name: done, type: completion}
`), 0o644))
	}
	write("Hello")
	code, out, errOut := runCLI(t, dir, "templates", "apply", file)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "sandbox\tcreated\titmpl_")
	code, out, _ = runCLI(t, dir, "templates", "apply", file)
	require.Equal(t, 0, code)
	require.Contains(t, out, "sandbox\tunchanged\t")
	write("Welcome")
	code, out, _ = runCLI(t, dir, "templates", "apply", file)
	require.Equal(t, 0, code)
	require.Contains(t, out, "sandbox\tpublished\t")
	code, out, _ = runCLI(t, dir, "templates", "list", "--environment", "sandbox")
	require.Equal(t, 0, code)
	require.Contains(t, out, "Onboarding")

	require.NoError(t, os.WriteFile(file, []byte("name: x\nconfiguration: {steps: [{name: a, type: dance}]}\n"), 0o644))
	code, _, errOut = runCLI(t, dir, "templates", "apply", file)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, `unknown type "dance"`)
	code, _, _ = runCLI(t, dir, "templates", "apply")
	require.Equal(t, 2, code)
}
