// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSweepGate checks the gate's answers: open until a look says nothing
// is due, shut after one does, and open again after a look that fails or
// panics.
func TestSweepGate(t *testing.T) {
	t.Parallel()
	answer := make(chan func() (bool, error), 1)
	g := newSweepGate(context.Background(), func(context.Context) (bool, error) { return (<-answer)() }, time.Second)
	// settle lets the look started by the previous open finish with f.
	settle := func(f func() (bool, error)) {
		t.Helper()
		answer <- f
		require.Eventually(t, func() bool { return !g.looking.Load() }, 5*time.Second, time.Millisecond)
	}

	require.True(t, g.open(), "nothing looked at yet")
	settle(func() (bool, error) { return false, nil })
	require.False(t, g.open(), "nothing due")
	settle(func() (bool, error) { return true, nil })
	require.True(t, g.open(), "due")
	settle(func() (bool, error) { return false, nil })
	require.False(t, g.open())
	settle(func() (bool, error) { return false, errors.New("database is locked") })
	require.True(t, g.open(), "a failed look opens the gate")
	settle(func() (bool, error) { return false, nil })
	require.False(t, g.open())
	settle(func() (bool, error) { panic("look") })
	require.True(t, g.open(), "a panicking look opens the gate")
	settle(func() (bool, error) { return false, nil })
}
