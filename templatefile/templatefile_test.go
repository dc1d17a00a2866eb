// SPDX-License-Identifier: Apache-2.0

package templatefile

import (
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
