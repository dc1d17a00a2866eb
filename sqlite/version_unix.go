// SPDX-License-Identifier: Apache-2.0

//go:build unix

package sqlite

import (
	"encoding/binary"
	"errors"
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// mapHeader maps the start of the -shm file read-only and shared, so that
// a header write of any process shows in it at once, as it does in
// SQLite's own mapping.
//
// A mapping faults (SIGBUS) past the end of its file, but SQLite only
// ever grows a -shm file in use, in 32 KiB regions, and truncates it only
// when it opens it with no other connection on it; the pinned connection
// rules that out for as long as the mapping lives.
func mapHeader(f *os.File) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() < 2*walHeaderSize {
		return nil, errors.New("the -shm file is too short for a header")
	}
	return syscall.Mmap(int(f.Fd()), 0, 2*walHeaderSize, syscall.PROT_READ, syscall.MAP_SHARED)
}

func unmapHeader(mem []byte) error { return syscall.Munmap(mem) }

// readCopies loads the two copies of the header, the first before the
// second, word by word with atomic loads: SQLite writes them with plain
// stores, but an atomic load orders this read after the ones before it,
// as the memory barrier between the copies in SQLite's readers does.
func (w *walIndex) readCopies(a, b *[walHeaderSize]byte) error {
	if w.mem == nil {
		return os.ErrClosed
	}
	load := func(h *[walHeaderSize]byte, off int) {
		for i := 0; i < walHeaderSize; i += 4 {
			v := atomic.LoadUint32((*uint32)(unsafe.Pointer(&w.mem[off+i])))
			binary.NativeEndian.PutUint32(h[i:], v)
		}
	}
	load(a, 0)
	load(b, walHeaderSize)
	return nil
}
