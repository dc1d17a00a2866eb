// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTypes type-checks the SDK sources, the hand-written index.d.ts and
// its contract file (sdk/js/test/contract.ts, whose @ts-expect-error lines
// must fail to compile) with tsc --noEmit. Building Vouch needs no Node,
// so this test skips without npm, except under CI=true, where test.sh
// installs it. TypeScript goes into .cache/tsc, which git ignores.
func TestTypes(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("installs TypeScript with npm")
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	tsc := filepath.Join(root, ".cache/tsc/node_modules/.bin/tsc")
	if _, err := os.Stat(tsc); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("npm is required under CI=true (test.sh installs it)")
			}
			t.Skip("npm is not installed: the type check needs TypeScript")
		}
		dir := filepath.Join(root, ".cache/tsc")
		require.NoError(t, os.MkdirAll(dir, 0o755))
		cmd := exec.Command(npm, "install", "--no-audit", "--no-fund", "--prefix", dir, "typescript@5.9.3")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "npm install typescript: %s", out)
	}
	cmd := exec.Command(tsc, "--noEmit", "-p", filepath.Join(root, "sdk/js"))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "tsc:\n%s", out)
}
