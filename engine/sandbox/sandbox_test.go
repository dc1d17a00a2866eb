// SPDX-License-Identifier: Apache-2.0

package sandbox_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/engine/sandbox"
)

// The engine satisfies the domain's interface.
var _ vouch.Engine = sandbox.New()

func decide(t *testing.T, typ vouch.VerificationType, data map[string]any) *vouch.VerificationDecision {
	t.Helper()
	v := &vouch.Verification{ID: "ver_x", Environment: vouch.Sandbox, Type: typ, Data: data,
		Status: vouch.VerificationSubmitted, CreatedAt: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	d, err := sandbox.New().Decide(context.Background(), v, map[string][]byte{"front": []byte("anything")})
	require.NoError(t, err)
	return d
}

// requireWellFormed checks every check has the shape of spec §6.3.
func requireWellFormed(t *testing.T, checks []vouch.Check) {
	t.Helper()
	snake := regexp.MustCompile(`^[a-z]+(_[a-z]+)+$`)
	seen := map[string]bool{}
	for _, c := range checks {
		require.Regexp(t, snake, c.Name)
		require.False(t, seen[c.Name], "duplicate check %s", c.Name)
		seen[c.Name] = true
		require.Contains(t, []vouch.CheckStatus{vouch.CheckPassed, vouch.CheckFailed, vouch.CheckNotApplicable}, c.Status)
		require.Contains(t, []string{vouch.RequirementRequired, vouch.RequirementNotRequired}, c.Requirement)
		require.NotNil(t, c.Reasons, c.Name)
		require.NotNil(t, c.Metadata, c.Name)
		for _, r := range c.Reasons {
			require.Regexp(t, `^[a-z_]+$`, r)
		}
	}
}

// failedRequired returns the names of the failed required checks.
func failedRequired(checks []vouch.Check) []string {
	var out []string
	for _, c := range checks {
		if c.Status == vouch.CheckFailed && c.Requirement == vouch.RequirementRequired {
			out = append(out, c.Name)
		}
	}
	return out
}

func TestGovernmentID(t *testing.T) {
	t.Parallel()

	t.Run("PassesByDefault", func(t *testing.T) {
		t.Parallel()
		d := decide(t, vouch.VerificationGovernmentID, nil)
		require.Equal(t, vouch.VerificationPassed, d.Status)
		requireWellFormed(t, d.Checks)
		require.Empty(t, failedRequired(d.Checks))
		require.GreaterOrEqual(t, len(d.Checks), 20)
		require.Equal(t, "Alexander", d.Data["name-first"])
		require.Equal(t, "J", d.Data["name-middle"])
		require.Equal(t, "Sample", d.Data["name-last"])
		require.Equal(t, "1977-07-17", d.Data["birthdate"])
		require.Equal(t, "dl", d.Data["id-class"])
		require.Equal(t, "2032-03-04", d.Data["expiration-date"], "never expired: six years after capture")
	})

	t.Run("Pass", func(t *testing.T) {
		t.Parallel()
		d := decide(t, vouch.VerificationGovernmentID, map[string]any{
			vouch.SandboxOutcomeKey: vouch.SandboxPass, "idClass": "pp", "capture_method": "camera"})
		require.Equal(t, vouch.VerificationPassed, d.Status)
		require.Equal(t, "pp", d.Data["id-class"], "id-class in any casing")
		require.Equal(t, "camera", d.Data["capture-method"])
	})

	t.Run("Fail", func(t *testing.T) {
		t.Parallel()
		d := decide(t, vouch.VerificationGovernmentID, map[string]any{
			vouch.SandboxOutcomeKey: vouch.SandboxFail, "id-class": "not-a-class"})
		require.Equal(t, vouch.VerificationFailed, d.Status)
		requireWellFormed(t, d.Checks)
		require.Equal(t, []string{"id_entity_detection"}, failedRequired(d.Checks))
		require.False(t, vouch.ChecksPass(d.Checks))
		for _, c := range d.Checks {
			if c.Name == sandbox.FailedGovernmentIDCheck {
				require.Equal(t, []string{"cannot_verify_id"}, c.Reasons)
			}
		}
		require.Equal(t, "dl", d.Data["id-class"], "an unknown id class is not echoed")
	})

	t.Run("UnknownOutcomePasses", func(t *testing.T) {
		t.Parallel()
		for _, v := range []any{"FAIL", "maybe", true, 0} {
			d := decide(t, vouch.VerificationGovernmentID, map[string]any{vouch.SandboxOutcomeKey: v})
			require.Equal(t, vouch.VerificationPassed, d.Status, "%v", v)
		}
	})
}

func TestSelfie(t *testing.T) {
	t.Parallel()
	d := decide(t, vouch.VerificationSelfie, map[string]any{vouch.SandboxOutcomeKey: vouch.SandboxPass})
	require.Equal(t, vouch.VerificationPassed, d.Status)
	requireWellFormed(t, d.Checks)
	require.Empty(t, failedRequired(d.Checks))
	require.Equal(t, "photo", d.Data["capture-method"])
	require.NotContains(t, d.Data, "name-first", "a selfie extracts no identity")

	d = decide(t, vouch.VerificationSelfie, map[string]any{vouch.SandboxOutcomeKey: vouch.SandboxFail})
	require.Equal(t, vouch.VerificationFailed, d.Status)
	requireWellFormed(t, d.Checks)
	require.Equal(t, []string{"selfie_glare_detection"}, failedRequired(d.Checks))
}

func TestUnknownType(t *testing.T) {
	t.Parallel()
	_, err := sandbox.New().Decide(context.Background(),
		&vouch.Verification{Type: "verification/database"}, nil)
	require.ErrorContains(t, err, "unknown verification type")
}
