// SPDX-License-Identifier: Apache-2.0

package vouchtest

import (
	"bytes"
	"sync"
)

// LogBuffer is a log sink that servers' goroutines may write to while a
// test reads it, so tests can check what was (and was not) logged.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
