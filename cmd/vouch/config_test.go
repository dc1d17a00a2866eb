// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite docs/configuration.md from the option table")

func TestParseConfig_Precedence(t *testing.T) {
	t.Parallel()
	secret := filepath.Join(t.TempDir(), "db-url")
	require.NoError(t, os.WriteFile(secret, []byte("postgres://u:p@db/vouch\n"), 0o600))
	c, err := ParseConfig("vouch", []string{"--listen", "127.0.0.1:9999", "--workers=false"}, getenvFor(map[string]string{
		"VOUCH_LISTEN":            "0.0.0.0:1",
		"VOUCH_DATA_DIR":          "/srv/vouch",
		"VOUCH_DATABASE_URL_FILE": secret,
		"VOUCH_RATE_WINDOW":       "30s",
	}))
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:9999", c.Listen, "a flag beats the variable")
	require.Equal(t, "/srv/vouch", c.DataDir)
	require.Equal(t, "postgres://u:p@db/vouch", c.DatabaseURL, "_FILE variants read secrets from files")
	require.False(t, c.Workers)
	require.Equal(t, 30*time.Second, c.RateWindow)
	require.Equal(t, 300, c.RateLimit)

	d, err := ParseConfig("vouch", nil, getenvFor(nil))
	require.NoError(t, err)
	require.Equal(t, "sqlite:"+filepath.Join("vouch-data", "vouch.db"), d.DatabaseURL)
	require.Equal(t, "127.0.0.1:8080", d.Listen)
	require.Equal(t, 60, d.FlowCreateLimit)
	require.Equal(t, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}, d.TrustedProxies)

	p, err := ParseConfig("vouch", []string{"--trusted-proxies", "10.1.2.3/8, 192.0.2.7"}, getenvFor(nil))
	require.NoError(t, err)
	require.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}, p.TrustedProxies)
}

func TestParseConfig_Errors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"BadListen":         {[]string{"--listen", "nowhere"}, nil, "listen"},
		"BadDatabase":       {nil, map[string]string{"VOUCH_DATABASE_URL": "mysql://x"}, "database-url"},
		"BadLogLevel":       {[]string{"--log-level", "loud"}, nil, "log-level"},
		"BadBool":           {nil, map[string]string{"VOUCH_WORKERS": "perhaps"}, "VOUCH_WORKERS"},
		"BadDuration":       {[]string{"--rate-window", "soon"}, nil, "--rate-window"},
		"UnknownFlag":       {[]string{"--colour", "red"}, nil, "colour"},
		"Extra":             {[]string{"stray"}, nil, "stray"},
		"BadPublicURL":      {[]string{"--public-url", "ftp://x"}, nil, "public-url"},
		"MissingFileVar":    {nil, map[string]string{"VOUCH_MASTER_KEY_FILE": ""}, ""},
		"TinyBody":          {[]string{"--max-body-bytes", "10"}, nil, "max-body-bytes"},
		"NegativeWorkers":   {[]string{"--max-workers", "0"}, nil, "max-workers"},
		"FastSweep":         {[]string{"--expiry-sweep-interval", "500ms"}, nil, "expiry-sweep-interval"},
		"NegativeFlowLimit": {[]string{"--flow-create-limit", "-1"}, nil, "flow-create-limit"},
		"BadProxy":          {nil, map[string]string{"VOUCH_TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"}, "VOUCH_TRUSTED_PROXIES"},
	}
	for name, c := range cases {
		_, err := ParseConfig("vouch", c.args, getenvFor(c.env))
		if c.want == "" {
			require.NoError(t, err, name)
			continue
		}
		require.Error(t, err, name)
		require.Contains(t, err.Error(), c.want, name)
	}
}

// TestRun_BadConfigExits checks the binary's answer to a bad setting: a
// clear message and a non-zero exit, before anything is opened.
func TestRun_BadConfigExits(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve", "--log-format", "xml"}, getenvFor(nil), &stdout, &stderr)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "log-format must be json or text")
	code = run(context.Background(), []string{"frobnicate"}, getenvFor(nil), &stdout, &stderr)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), `unknown command "frobnicate"`)
	stdout.Reset()
	require.Equal(t, 0, run(context.Background(), []string{"version"}, getenvFor(nil), &stdout, &stderr))
	require.Equal(t, "vouch dev\n", stdout.String())
}

// TestConfigDocs keeps docs/configuration.md equal to the option table.
func TestConfigDocs(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "docs", "configuration.md")
	const begin, end = "<!-- options:begin -->\n", "<!-- options:end -->"
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	doc := string(b)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	require.True(t, i >= 0 && j > i, "docs/configuration.md must hold the option markers")
	want := doc[:i+len(begin)] + ConfigMarkdown() + doc[j:]
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
		return
	}
	require.Equal(t, want, doc, "run go test ./cmd/vouch -run TestConfigDocs -update")
}

func TestDecodeKey(t *testing.T) {
	t.Parallel()
	_, err := decodeKey("short", "test")
	require.Error(t, err)
	k, err := decodeKey(strings.Repeat("ab", 32), "test")
	require.NoError(t, err)
	require.Len(t, k, 32)
}
