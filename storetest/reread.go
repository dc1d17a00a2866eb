// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// testReread covers what write transactions read again: the rows nearly
// every write reads (an inquiry's template, the enabled webhook
// endpoints) must show the transaction's own earlier writes, never the
// writes of a transaction that was rolled back, and the writes committed
// since the last read, whichever way a store keeps them.
func testReread(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	errRollback := errors.New("roll back")

	t.Run("Template", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		tp := template(vouch.Sandbox, now())
		update(t, s, func(tx vouch.Tx) error { return tx.TemplateInsert(ctx, tp) })
		read := func(tx vouch.Tx) *vouch.Template {
			got, err := tx.TemplateGetByID(ctx, vouch.Sandbox, tp.ID)
			require.NoError(t, err)
			return got
		}
		update(t, s, func(tx vouch.Tx) error {
			require.Equal(t, vouch.TemplateActive, read(tx).Status)
			changed := *tp
			changed.Status = vouch.TemplateInactive
			require.NoError(t, tx.TemplateUpdate(ctx, &changed))
			require.Equal(t, vouch.TemplateInactive, read(tx).Status)
			return nil
		})
		err := s.Update(ctx, func(tx vouch.Tx) error {
			changed := *read(tx)
			changed.Name = "never committed"
			require.NoError(t, tx.TemplateUpdate(ctx, &changed))
			require.Equal(t, "never committed", read(tx).Name)
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		update(t, s, func(tx vouch.Tx) error {
			got := read(tx)
			require.Equal(t, tp.Name, got.Name)
			require.Equal(t, vouch.TemplateInactive, got.Status)
			// A caller changing what it read changes nothing stored.
			got.Name = "changed by the caller"
			require.Equal(t, tp.Name, read(tx).Name)
			return nil
		})
	})

	t.Run("EnabledWebhooks", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		w := webhook(vouch.Sandbox, now())
		enabled := func(tx vouch.Tx) []*vouch.WebhookEndpoint {
			list, err := tx.WebhookListEnabled(ctx, vouch.Sandbox)
			require.NoError(t, err)
			return list
		}
		update(t, s, func(tx vouch.Tx) error {
			require.Empty(t, enabled(tx))
			require.NoError(t, tx.WebhookInsert(ctx, w))
			require.Len(t, enabled(tx), 1)
			return nil
		})
		update(t, s, func(tx vouch.Tx) error {
			list := enabled(tx)
			require.Len(t, list, 1)
			list[0].EnabledEvents[0] = "changed.by.the.caller"
			require.Equal(t, []string{"*"}, enabled(tx)[0].EnabledEvents)
			return nil
		})
		err := s.Update(ctx, func(tx vouch.Tx) error {
			require.NoError(t, tx.WebhookInsert(ctx, webhook(vouch.Sandbox, now())))
			require.Len(t, enabled(tx), 2)
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		update(t, s, func(tx vouch.Tx) error {
			require.Len(t, enabled(tx), 1)
			disabled := *w
			disabled.Status = vouch.WebhookDisabled
			require.NoError(t, tx.WebhookUpdate(ctx, &disabled))
			require.Empty(t, enabled(tx))
			return nil
		})
		update(t, s, func(tx vouch.Tx) error {
			require.Empty(t, enabled(tx))
			return nil
		})
	})
}
