// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

type batchItem struct {
	n    int
	done chan struct{}
}

// TestBatcher runs many callers through a Batcher whose batches are
// bounded and whose first batch panics: every caller returns, no batch
// exceeds the bound, every item runs exactly once, and the lead passes on
// after the panic.
func TestBatcher(t *testing.T) {
	t.Parallel()
	var (
		mu       sync.Mutex
		ran      = map[int]int{}
		batches  atomic.Int32
		panicked atomic.Bool
		largest  int
	)
	b := NewBatcher(3, func(batch []*batchItem) {
		defer func() {
			for _, it := range batch {
				close(it.done)
			}
		}()
		mu.Lock()
		largest = max(largest, len(batch))
		for _, it := range batch {
			ran[it.n]++
		}
		mu.Unlock()
		if batches.Add(1) == 1 {
			panicked.Store(true)
			panic("first batch")
		}
	})
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { _ = recover() }() // the leader of the first batch panics
			it := &batchItem{n: i, done: make(chan struct{})}
			b.Do(it, it.done)
		}()
	}
	wg.Wait()
	require.True(t, panicked.Load())
	require.LessOrEqual(t, largest, 3)
	require.Len(t, ran, 50)
	for n, times := range ran {
		require.Equal(t, 1, times, "item %d", n)
	}
	// The Batcher still works after all that.
	it := &batchItem{n: 50, done: make(chan struct{})}
	b.Do(it, it.done)
	require.Equal(t, 1, ran[50])
}
