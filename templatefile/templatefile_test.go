// SPDX-License-Identifier: Apache-2.0

package templatefile

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

func TestDemo(t *testing.T) {
	t.Parallel()
	d, err := Demo()
	require.NoError(t, err)
	require.Equal(t, "Demo KYC", d.Name)
	require.Equal(t, vouch.Environments, d.Environments)
	require.Len(t, d.Configuration.Steps, 5)
}

func TestParse_Errors(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"not yaml":       "name: [",
		"no name":        "configuration: {steps: [{name: a, type: start}]}",
		"unknown key":    "name: x\ncolour: red\nconfiguration: {steps: [{name: a, type: start}]}",
		"bad env":        "name: x\nenvironments: [staging]\nconfiguration: {steps: [{name: a, type: start}]}",
		"invalid config": "name: x\nconfiguration: {steps: []}",
		"bad step key":   "name: x\nconfiguration: {steps: [{name: a, type: start, colour: red}]}",
	}
	for name, src := range cases {
		_, err := Parse([]byte(src))
		require.Error(t, err, name)
	}
}

func TestParse_JSON(t *testing.T) {
	t.Parallel()
	f, err := Parse([]byte(`{"name":"J","environments":["sandbox"],"configuration":{"steps":[{"name":"s","type":"start"}]}}`))
	require.NoError(t, err)
	require.Equal(t, []vouch.Environment{vouch.Sandbox}, f.Environments)
}

// TestDocsExample parses the example of docs/templates.md as a reader
// would copy it into a file for `vouch templates apply`: the reference's
// own example must be a valid template.
func TestDocsExample(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/templates.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(doc), "```yaml\n")
	require.True(t, ok, "docs/templates.md has a YAML example")
	example, _, ok := strings.Cut(rest, "```")
	require.True(t, ok)
	f, err := Parse([]byte(example))
	require.NoError(t, err)
	require.Equal(t, "Shop KYC", f.Name, "not the bundled demo's name: applying the example must not change the demo")
	require.Len(t, f.Configuration.Steps, 5)
}
