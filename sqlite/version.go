// SPDX-License-Identifier: Apache-2.0

package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"

	"modernc.org/sqlite"

	"github.com/vouch-id/vouch"
)

// walIndex reads the database's version from the header of SQLite's WAL
// index, the -shm file beside the database.
//
// Every commit, by any connection of any process, ends by writing that
// header (its frame count, change counter and WAL salts) before COMMIT
// returns, and the header is where every SQLite reader starts a read
// transaction, so no commit a client has seen returned can be missing
// from it. Its layout is the one SQLite's unix and windows VFSes share
// between processes and versions (https://sqlite.org/walformat.html,
// "The WAL-Index Header"). Reading it costs a dozen loads from a read-only
// mapping of the file (two pread calls where there is no mmap), where
// PRAGMA data_version opens a read transaction: about ten fcntl lock
// calls and a pass through the SQLite VM. The response cache asks for
// the version on every cached API response, so the difference is about a
// tenth of the CPU such a response costs.
//
// The -shm file stays the one SQLite uses only while some connection
// holds it: when the last connection of the last process closes, SQLite
// may delete it and the next one creates a new file, which this
// descriptor would never see. The index therefore keeps a connection of
// its own open, after one read, for as long as the store is open; that
// connection's shared locks also keep any other process from truncating
// the file under it.
type walIndex struct {
	pin  *sql.DB
	conn *sql.Conn
	// mu keeps close from unmapping the header under a read.
	mu  sync.RWMutex
	shm *os.File
	mem []byte // the mapped start of shm, where there is mmap; nil once closed
}

// Header layout (native byte order), from walformat.html: two 48-byte
// copies of the WAL index information at offsets 0 and 48.
const (
	walHeaderSize    = 48
	walIndexVersion  = 3007000 // iVersion
	walHeaderChanges = 8       // iChange: counter of header writes
	walHeaderIsInit  = 12      // isInit: 1 once initialised
	walHeaderFrames  = 16      // mxFrame: last valid frame in the WAL
	walHeaderSalts   = 32      // aSalt[2]: copied from the WAL header, new at each WAL restart
	walHeaderCksum   = 40      // aCksum[2]: over bytes 0..39
	walTornRetries   = 4       // reads before settling for one copy
)

// errWALHeaderTorn reports a header whose copies were both torn.
var errWALHeaderTorn = errors.New("sqlite: data version: both copies of the WAL index header are torn")

// openWALIndex pins a connection to the database at path and opens its
// -shm file. The database must be in WAL mode, as every connection of a
// Store is.
func openWALIndex(ctx context.Context, path string) (*walIndex, error) {
	pin := sql.OpenDB(&connector{dsn: dsn(path, false), d: &sqlite.Driver{}})
	pin.SetMaxOpenConns(1)
	pin.SetMaxIdleConns(1)
	pin.SetConnMaxLifetime(0)
	pin.SetConnMaxIdleTime(0)
	w := &walIndex{pin: pin}
	fail := func(err error) (*walIndex, error) {
		_ = w.close()
		return nil, fmt.Errorf("sqlite: open the WAL index of %s: %w", path, err)
	}
	conn, err := pin.Conn(ctx)
	if err != nil {
		return fail(err)
	}
	w.conn = conn
	// One read joins the WAL index: from here on the connection holds
	// the -shm file (and a shared lock on the database) until it closes.
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
		return fail(err)
	}
	if w.shm, err = os.Open(path + "-shm"); err != nil {
		return fail(err)
	}
	if w.mem, err = mapHeader(w.shm); err != nil {
		return fail(err)
	}
	if _, err := w.version(); err != nil {
		return fail(err)
	}
	return w, nil
}

// DataVersion implements vouch.VersionedStore.
func (s *Store) DataVersion(context.Context) (vouch.DataVersion, error) {
	return s.wal.version()
}

// version reads the header the way SQLite's own readers do: the first
// copy, then the second, and two equal copies are the header. The writer
// writes the second copy and then the first, so equal copies are either
// both from before a header write or both from after it.
//
// Unequal copies mean a header write is under way; it may stay half done
// for as long as the writing goroutine or process is descheduled, which
// SQLite's readers wait out. A version is not worth waiting for: after a
// few more reads, a second copy whose checksum holds is a whole header,
// and the newest one (the commit it describes is durable, and every read
// transaction begun from now on will see it or a later one); failing
// that, the first copy is the header from before the write.
func (w *walIndex) version() (vouch.DataVersion, error) {
	var a, b [walHeaderSize]byte
	w.mu.RLock()
	defer w.mu.RUnlock()
	for range walTornRetries {
		if err := w.readCopies(&a, &b); err != nil {
			return vouch.DataVersion{}, fmt.Errorf("sqlite: data version: %w", err)
		}
		if a == b {
			return parseWALHeader(a)
		}
		runtime.Gosched()
	}
	if v, err := parseWALHeader(b); err == nil {
		return v, nil
	}
	if v, err := parseWALHeader(a); err == nil {
		return v, nil
	}
	return vouch.DataVersion{}, errWALHeaderTorn
}

// parseWALHeader checks one copy of the header and returns the version it
// names. Within one WAL (one pair of salts) the frame count only grows
// from commit to commit; a WAL restart draws new salts. The change counter
// is kept too, so that any header write SQLite counts is a new version.
func parseWALHeader(h [walHeaderSize]byte) (vouch.DataVersion, error) {
	ne := binary.NativeEndian
	if v := ne.Uint32(h[0:]); v != walIndexVersion {
		return vouch.DataVersion{}, fmt.Errorf("sqlite: data version: WAL index version %d, want %d", v, walIndexVersion)
	}
	if h[walHeaderIsInit] != 1 {
		return vouch.DataVersion{}, errors.New("sqlite: data version: the WAL index is not initialised")
	}
	var s1, s2 uint32
	for i := 0; i < walHeaderCksum; i += 8 {
		s1 += ne.Uint32(h[i:]) + s2
		s2 += ne.Uint32(h[i+4:]) + s1
	}
	if s1 != ne.Uint32(h[walHeaderCksum:]) || s2 != ne.Uint32(h[walHeaderCksum+4:]) {
		return vouch.DataVersion{}, errors.New("sqlite: data version: the WAL index header's checksum does not match")
	}
	return vouch.DataVersion{
		Epoch: ne.Uint64(h[walHeaderSalts:]),
		Seq:   uint64(ne.Uint32(h[walHeaderChanges:]))<<32 | uint64(ne.Uint32(h[walHeaderFrames:])),
	}, nil
}

// close unmaps and closes the -shm file, then the pinned connection.
func (w *walIndex) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var err error
	if w.mem != nil {
		err = unmapHeader(w.mem)
		w.mem = nil
	}
	if w.shm != nil {
		err = errors.Join(err, w.shm.Close())
	}
	if w.conn != nil {
		err = errors.Join(err, w.conn.Close())
	}
	return errors.Join(err, w.pin.Close())
}
