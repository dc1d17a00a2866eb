// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCommittedBundlesAreFresh rebuilds the SDK in memory and requires the
// committed bundles to be byte-identical: the server ships what is
// committed, so a source change without a rebuild must not go unnoticed.
func TestCommittedBundlesAreFresh(t *testing.T) {
	t.Parallel()
	out, err := Build("../..")
	require.NoError(t, err)
	for _, name := range Outputs {
		committed, err := os.ReadFile(filepath.Join("../..", name))
		require.NoError(t, err)
		require.True(t, bytes.Equal(out[name], committed),
			"%s differs from a fresh build: run go run ./cmd/vouch-sdk-build and commit the result", name)
	}
}

// TestBundleSize keeps the <script> bundle within its budget: 4,000 bytes
// gzipped at most (the official SDK is 19,635).
func TestBundleSize(t *testing.T) {
	t.Parallel()
	out, err := Build("../..")
	require.NoError(t, err)
	for _, name := range []string{"web/static/sdk/vouch.js", "web/static/sdk/vouch.mjs"} {
		var gz bytes.Buffer
		zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		require.NoError(t, err)
		_, err = zw.Write(out[name])
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		t.Logf("%s: %d bytes, %d gzipped", name, len(out[name]), gz.Len())
		require.LessOrEqual(t, gz.Len(), 4000, name)
	}
}
