// SPDX-License-Identifier: Apache-2.0

package ratelimit

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
		l := New(3, time.Minute, clock.Now)
		for want := 2; want >= 0; want-- {
			ok, remaining, reset := l.Take("key_a")
			require.True(t, ok)
			require.Equal(t, want, remaining)
			require.Equal(t, time.Minute, reset)
		}
		clock.Advance(20 * time.Second)
		ok, remaining, reset := l.Take("key_a")
		require.False(t, ok)
		require.Equal(t, 0, remaining)
		require.Equal(t, 40*time.Second, reset)

		ok, _, _ = l.Take("key_b")
		require.True(t, ok, "keys are counted apart")

		clock.Advance(40 * time.Second)
		ok, remaining, reset = l.Take("key_a")
		require.True(t, ok, "a new window opens")
		require.Equal(t, 2, remaining)
		require.Equal(t, time.Minute, reset)
	})

	t.Run("EvictsEndedWindows", func(t *testing.T) {
		t.Parallel()
		clock := &vouchtest.Clock{}
		l := New(10, time.Minute, clock.Now)
		for i := range 1000 {
			l.Take(fmt.Sprintf("key_%d", i))
		}
		require.Equal(t, 1000, l.size())
		clock.Advance(time.Minute)
		l.Take("key_new")
		require.Equal(t, 1, l.size())
	})

	t.Run("BoundsItsKeys", func(t *testing.T) {
		t.Parallel()
		l := New(1, time.Hour, nil)
		for i := range maxKeys {
			l.Take(fmt.Sprintf("key_%d", i))
		}
		require.Equal(t, maxKeys, l.size())
		ok, _, _ := l.Take("key_new")
		require.True(t, ok)
		require.Equal(t, 1, l.size(), "open windows dropped at the bound")
	})

	t.Run("RetryAfterRoundsUp", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, 1, RetryAfter(time.Millisecond))
		require.Equal(t, 2, RetryAfter(2*time.Second))
		require.Equal(t, 3, RetryAfter(2*time.Second+time.Nanosecond))
	})

	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		l := New(50, time.Hour, time.Now)
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed := 0
		for range 200 {
			wg.Go(func() {
				if ok, _, _ := l.Take("key"); ok {
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
