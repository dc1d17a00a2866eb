// SPDX-License-Identifier: Apache-2.0

//go:build !unix

package sqlite

import "os"

// Without mmap, readCopies reads the header with two pread calls.
func mapHeader(*os.File) ([]byte, error) { return []byte{}, nil }

func unmapHeader([]byte) error { return nil }

// readCopies reads the first copy, then the second: the first read has
// returned before the second begins.
func (w *walIndex) readCopies(a, b *[walHeaderSize]byte) error {
	if _, err := w.shm.ReadAt(a[:], 0); err != nil {
		return err
	}
	_, err := w.shm.ReadAt(b[:], walHeaderSize)
	return err
}
