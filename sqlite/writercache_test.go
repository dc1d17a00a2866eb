// SPDX-License-Identifier: Apache-2.0

package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// TestWriterSeesOtherConnections changes a template and the webhook
// endpoints through a second store on the same file (as `vouch templates
// apply` does from its own process) between two write transactions of the
// first, which keeps both in its writer's cache: the second transaction
// must read the new rows.
func TestWriterSeesOtherConnections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vouch.db")
	s, other := mustOpenAt(t, path), mustOpenAt(t, path)
	now := time.Now().UTC().Truncate(time.Microsecond)
	tp := &vouch.Template{ID: vouch.NewID(vouch.PrefixTemplate), Environment: vouch.Sandbox, Name: "KYC",
		Status: vouch.TemplateActive, CreatedAt: now, UpdatedAt: now}
	require.NoError(t, s.Update(ctx, func(tx vouch.Tx) error { return tx.TemplateInsert(ctx, tp) }))

	read := func() (*vouch.Template, []*vouch.WebhookEndpoint) {
		t.Helper()
		var got *vouch.Template
		var hooks []*vouch.WebhookEndpoint
		require.NoError(t, s.Update(ctx, func(tx vouch.Tx) error {
			var err error
			if got, err = tx.TemplateGetByID(ctx, vouch.Sandbox, tp.ID); err != nil {
				return err
			}
			hooks, err = tx.WebhookListEnabled(ctx, vouch.Sandbox)
			return err
		}))
		return got, hooks
	}
	got, hooks := read()
	require.Equal(t, vouch.TemplateActive, got.Status)
	require.Empty(t, hooks)
	got, hooks = read()
	require.Equal(t, vouch.TemplateActive, got.Status)
	require.Empty(t, hooks)

	require.NoError(t, other.Update(ctx, func(tx vouch.Tx) error {
		changed := *tp
		changed.Status, changed.LatestVersionID = vouch.TemplateInactive, "itmplv_x"
		if err := tx.TemplateUpdate(ctx, &changed); err != nil {
			return err
		}
		return tx.WebhookInsert(ctx, &vouch.WebhookEndpoint{ID: vouch.NewID(vouch.PrefixWebhook),
			Environment: vouch.Sandbox, URL: "https://hooks.example/in", EnabledEvents: []string{"*"},
			Status: vouch.WebhookEnabled, SealedSecret: []byte("sealed"), CreatedAt: now, UpdatedAt: now})
	}))
	got, hooks = read()
	require.Equal(t, vouch.TemplateInactive, got.Status)
	require.Equal(t, "itmplv_x", got.LatestVersionID)
	require.Len(t, hooks, 1)
}
