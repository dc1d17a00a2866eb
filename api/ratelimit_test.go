// SPDX-License-Identifier: Apache-2.0

package api

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/vouchtest"
)

func TestLimiter(t *testing.T) {
	t.Parallel()

	t.Run("FixedWindow", func(t *testing.T) {
		t.Parallel()
		clock := &vouchtest.Clock{}
		l := newLimiter(3, time.Minute, clock.Now)
		for want := 2; want >= 0; want-- {
			ok, remaining, reset := l.take("key_a")
			require.True(t, ok)
			require.Equal(t, want, remaining)
			require.Equal(t, time.Minute, reset)
		}
		clock.Advance(20 * time.Second)
		ok, remaining, reset := l.take("key_a")
		require.False(t, ok)
		require.Equal(t, 0, remaining)
		require.Equal(t, 40*time.Second, reset)

		ok, _, _ = l.take("key_b")
		require.True(t, ok, "keys are counted apart")

		clock.Advance(40 * time.Second)
		ok, remaining, reset = l.take("key_a")
		require.True(t, ok, "a new window opens")
		require.Equal(t, 2, remaining)
		require.Equal(t, time.Minute, reset)
	})

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		l := newLimiter(0, 0, time.Now)
		require.Equal(t, DefaultRateLimit, l.limit)
		require.Equal(t, DefaultRateWindow, l.window)
		require.Nil(t, newLimiter(-1, 0, time.Now), "negative disables")
	})

	t.Run("EvictsEndedWindows", func(t *testing.T) {
		t.Parallel()
		clock := &vouchtest.Clock{}
		l := newLimiter(10, time.Minute, clock.Now)
		for i := range 1000 {
			l.take(fmt.Sprintf("key_%d", i))
		}
		require.Equal(t, 1000, l.size())
		clock.Advance(time.Minute)
		l.take("key_new")
		require.Equal(t, 1, l.size())
	})

	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		l := newLimiter(50, time.Hour, time.Now)
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed := 0
		for range 200 {
			wg.Go(func() {
				if ok, _, _ := l.take("key"); ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		require.Equal(t, 50, allowed)
	})
}
