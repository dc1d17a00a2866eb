// SPDX-License-Identifier: Apache-2.0

package sqlstore

import "sync"

// Batcher lets concurrent callers share one piece of work. A caller queues
// its item; the first caller to find no batch running becomes the leader:
// it takes the queued items (at most max, its own first among them), runs
// the work for all of them and hands the lead to the first caller that
// queued meanwhile. There is no goroutine of its own.
//
// Group commit shares a transaction and its fsync this way. An item queued
// before a batch is taken is in that batch or a later one, so the work
// done for it always begins after it was queued.
type Batcher[T any] struct {
	max int
	run func(batch []T)

	mu      sync.Mutex
	items   []T
	leads   []chan struct{} // leads[i] wakes the caller of items[i] to lead
	leading bool            // a leader is running a batch or about to
}

// NewBatcher returns a Batcher that runs batches of at most max items
// (max > 0) with run. run must close the done channel of every item it is
// given, even when it fails or panics, or their callers wait forever.
func NewBatcher[T any](max int, run func(batch []T)) *Batcher[T] {
	return &Batcher[T]{max: max, run: run}
}

// Do queues item and returns once done, the item's channel, is closed,
// running a batch itself if it is handed the lead first.
func (b *Batcher[T]) Do(item T, done <-chan struct{}) {
	lead := make(chan struct{}, 1)
	b.mu.Lock()
	b.items = append(b.items, item)
	b.leads = append(b.leads, lead)
	first := !b.leading
	b.leading = true
	b.mu.Unlock()
	if !first {
		select {
		case <-done:
			return
		case <-lead:
		}
	}
	b.runBatch()
	<-done
}

// runBatch runs the queued items, this leader's own first, then hands the
// lead on, even if run panics.
func (b *Batcher[T]) runBatch() {
	b.mu.Lock()
	n := min(len(b.items), b.max)
	batch := b.items[:n:n]
	b.items, b.leads = b.items[n:], b.leads[n:]
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		if len(b.leads) > 0 {
			b.leads[0] <- struct{}{}
		} else {
			b.leading = false
		}
		b.mu.Unlock()
	}()
	b.run(batch)
}
