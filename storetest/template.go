// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// template returns a template in env created at created.
func template(env vouch.Environment, created time.Time) *vouch.Template {
	return &vouch.Template{
		ID:          vouch.NewID(vouch.PrefixTemplate),
		Environment: env,
		Name:        "KYC",
		Status:      vouch.TemplateActive,
		CreatedAt:   created,
		UpdatedAt:   created,
	}
}

// templateConfig returns a configuration with every member set.
func templateConfig() vouch.TemplateConfig {
	return vouch.TemplateConfig{
		Steps: []vouch.Step{
			{Name: "start", Type: vouch.StepStart, Title: "Hello", Body: "Let's go"},
			{Name: "form", Type: vouch.StepForm, Fields: []string{"name-first"}},
			{Name: "id", Type: vouch.StepGovernmentID, IDClasses: []string{"dl", "pp"}, Countries: []string{"US"}},
			{Name: "selfie", Type: vouch.StepSelfie, Capture: vouch.SelfieProfileAndCenter},
		},
		Fields:         []vouch.FieldSchema{{Key: "name-first", Type: vouch.FieldString, Label: "First name", Required: true, MaxLength: 50}},
		AllowedOrigins: []string{"https://example.com"},
		Expiry:         vouch.ExpirySettings{AfterCreateSeconds: 3600, AfterStartSeconds: 60, AfterResumeSeconds: 30},
		RedirectURI:    "https://example.com/done",
		Verification:   vouch.VerificationSettings{MinimumAge: 18, MaxAttempts: 5},
		EnabledLocales: []string{"en", "fr"},
	}
}

// testTemplate covers templates and their versions.
func testTemplate(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()

	t.Run("RoundTripAndUpdate", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		tp := template(vouch.Sandbox, now())
		tp.Legacy = true
		tp.ID = vouch.NewID(vouch.PrefixLegacyTemplate)
		update(t, s, func(tx vouch.Tx) error { return tx.TemplateInsert(ctx, tp) })
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.Template, error) { return tx.TemplateGetByID(ctx, vouch.Sandbox, tp.ID) })
		require.NoError(t, err)
		require.Equal(t, tp, got)

		tp.Name, tp.Legacy, tp.Status = "KYC v2", false, vouch.TemplateInactive
		tp.LatestVersionID, tp.UpdatedAt = vouch.NewID(vouch.PrefixTemplateVersion), now().Add(time.Minute)
		update(t, s, func(tx vouch.Tx) error { return tx.TemplateUpdate(ctx, tp) })
		got, err = get(t, s, func(tx vouch.Tx) (*vouch.Template, error) { return tx.TemplateGetByID(ctx, vouch.Sandbox, tp.ID) })
		require.NoError(t, err)
		require.Equal(t, tp, got)

		update(t, s, func(tx vouch.Tx) error {
			locked, err := tx.TemplateGetForUpdate(ctx, vouch.Sandbox, tp.ID)
			require.NoError(t, err)
			require.Equal(t, tp, locked)
			return nil
		})

		_, err = get(t, s, func(tx vouch.Tx) (*vouch.Template, error) { return tx.TemplateGetByID(ctx, vouch.Production, tp.ID) })
		requireCode(t, err, vouch.ENOTFOUND)
		requireCode(t, s.Update(ctx, func(tx vouch.Tx) error {
			_, err := tx.TemplateGetForUpdate(ctx, vouch.Production, tp.ID)
			return err
		}), vouch.ENOTFOUND)
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.TemplateInsert(ctx, tp) })
		requireCode(t, err, vouch.ECONFLICT)
		other := *tp
		other.Environment = vouch.Production
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.TemplateUpdate(ctx, &other) })
		requireCode(t, err, vouch.ENOTFOUND)
	})

	t.Run("Versions", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		tp := template(vouch.Sandbox, now())
		v2 := &vouch.TemplateVersion{ID: vouch.NewID(vouch.PrefixTemplateVersion), TemplateID: tp.ID,
			Environment: vouch.Sandbox, Number: 2, Config: templateConfig(), CreatedAt: now()}
		v1 := &vouch.TemplateVersion{ID: vouch.NewID(vouch.PrefixTemplateVersion), TemplateID: tp.ID,
			Environment: vouch.Sandbox, Number: 1, Config: vouch.TemplateConfig{Steps: []vouch.Step{{Name: "s", Type: vouch.StepStart}}}, CreatedAt: now()}
		update(t, s, func(tx vouch.Tx) error {
			require.NoError(t, tx.TemplateInsert(ctx, tp))
			require.NoError(t, tx.TemplateVersionInsert(ctx, v2))
			return tx.TemplateVersionInsert(ctx, v1)
		})
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.TemplateVersion, error) {
			return tx.TemplateVersionGetByID(ctx, vouch.Sandbox, v2.ID)
		})
		require.NoError(t, err)
		require.Equal(t, v2, got)
		_, err = get(t, s, func(tx vouch.Tx) (*vouch.TemplateVersion, error) {
			return tx.TemplateVersionGetByID(ctx, vouch.Production, v2.ID)
		})
		requireCode(t, err, vouch.ENOTFOUND)

		list, err := get(t, s, func(tx vouch.Tx) ([]*vouch.TemplateVersion, error) {
			return tx.TemplateVersionList(ctx, vouch.Sandbox, tp.ID)
		})
		require.NoError(t, err)
		require.Equal(t, []*vouch.TemplateVersion{v1, v2}, list)
		list, err = get(t, s, func(tx vouch.Tx) ([]*vouch.TemplateVersion, error) {
			return tx.TemplateVersionList(ctx, vouch.Production, tp.ID)
		})
		require.NoError(t, err)
		require.Empty(t, list)

		dup := *v1
		dup.ID = vouch.NewID(vouch.PrefixTemplateVersion)
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.TemplateVersionInsert(ctx, &dup) })
		requireCode(t, err, vouch.ECONFLICT)

		orphan := *v1
		orphan.ID, orphan.TemplateID = vouch.NewID(vouch.PrefixTemplateVersion), "itmpl_missing"
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.TemplateVersionInsert(ctx, &orphan) })
		requireCode(t, err, vouch.EINVALID)
	})

	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		base := now()
		var want []string
		update(t, s, func(tx vouch.Tx) error {
			for i := range 5 {
				tp := template(vouch.Sandbox, base.Add(time.Duration(i)*time.Second))
				want = append([]string{tp.ID}, want...)
				require.NoError(t, tx.TemplateInsert(ctx, tp))
			}
			return tx.TemplateInsert(ctx, template(vouch.Production, base))
		})
		var (
			page []*vouch.Template
			more bool
		)
		view(t, s, func(tx vouch.Tx) error {
			var err error
			page, more, err = tx.TemplateList(ctx, vouch.TemplateFilter{Environment: vouch.Sandbox, Limit: 3})
			return err
		})
		require.True(t, more)
		require.Equal(t, want[:3], templateIDs(page))
		view(t, s, func(tx vouch.Tx) error {
			var err error
			page, more, err = tx.TemplateList(ctx, vouch.TemplateFilter{Environment: vouch.Sandbox, After: page[2].ID, Limit: 3})
			return err
		})
		require.False(t, more)
		require.Equal(t, want[3:], templateIDs(page))
	})
}

// templateIDs returns the ids of ts, in order.
func templateIDs(ts []*vouch.Template) []string {
	ids := make([]string, len(ts))
	for i, tp := range ts {
		ids[i] = tp.ID
	}
	return ids
}
