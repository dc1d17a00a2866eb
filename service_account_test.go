// SPDX-License-Identifier: Apache-2.0

package vouch_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/vouchtest"
)

// TestCreateAccount: an account made ahead of its inquiries is the one they
// attach to, a reference id names one account per environment, and of
// concurrent creates for one reference id exactly one succeeds.
func TestCreateAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	a, err := e.Service.CreateAccount(ctx, vouch.Sandbox, "user-7")
	require.NoError(t, err)
	require.True(t, vouch.HasIDPrefix(a.ID, vouch.PrefixAccount))
	d := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{ReferenceID: "user-7"})
	require.Equal(t, a.ID, d.Inquiry.AccountID, "the inquiry attaches to the account made first")

	_, err = e.Service.CreateAccount(ctx, vouch.Sandbox, "user-7")
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err))
	other, err := e.Service.CreateAccount(ctx, vouch.Production, "user-7")
	require.NoError(t, err, "environments are apart")
	require.NotEqual(t, a.ID, other.ID)
	_, err = e.Service.CreateAccount(ctx, vouch.Sandbox, strings.Repeat("r", vouch.MaxReferenceIDLength+1))
	require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err))

	// Accounts without a reference id do not collide.
	for range 2 {
		_, err = e.Service.CreateAccount(ctx, vouch.Sandbox, "")
		require.NoError(t, err)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.Service.CreateAccount(ctx, vouch.Sandbox, "user-8")
			mu.Lock()
			codes[vouch.ErrorCode(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	require.Equal(t, map[string]int{"": 1, vouch.ECONFLICT: 19}, codes)

	events, _, _, err := e.Service.FindEvents(ctx, vouch.EventFilter{Environment: vouch.Sandbox, Names: []string{vouch.EventAccountCreated}, Limit: 100})
	require.NoError(t, err)
	require.Len(t, events, 4, "user-7, two without a reference id, user-8")
}
