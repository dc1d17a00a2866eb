// SPDX-License-Identifier: Apache-2.0

// Package floor serves the least work a durable create can do on vouch's
// SQLite schema: read the request, insert one inquiry row and one event row
// through the real migrated tables and their indexes, commit with
// synchronous=FULL in groups on the one writer connection, and answer a
// fixed document. No authentication, validation, encryption, JSON or logs.
//
// It answers a question the create benchmark raises: how fast could any
// implementation of the create path be with this schema, this SQLite build
// and this machine? apibench measures it beside the same baseline as the
// real server, so "create as a share of the floor" tells how much of the
// gap is vouch's own work and how much is the storage the issue prescribes.
package floor

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/sqlite"
)

// Row sizes close to a create of the demo template with three fields (the
// benchmark's body): the sealed fields, the wrapped data key and the sealed
// event snapshot (the inquiry's JSON, encrypted).
const (
	sealedFieldsSize = 180
	wrappedKeySize   = 60
	snapshotSize     = 1200
)

// maxGroup bounds one group commit, as vouch's own writer does.
const maxGroup = 64

// Server is a running floor server.
type Server struct {
	URL   string
	store *sqlite.Store
	srv   *http.Server
	reqs  chan request
	done  chan struct{}
}

type request struct {
	id    string
	reply chan error
}

// Start opens a fresh database in dir (migrated by the sqlite package, so
// its tables and indexes are vouch's) and serves POST / on a free port.
func Start(dir string) (*Server, error) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "floor.db"))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		st.Close()
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), store: st,
		reqs: make(chan request, 1024), done: make(chan struct{})}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve)}
	go s.write(st.WriterDB())
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops serving and closes the database.
func (s *Server) Close() {
	_ = s.srv.Close()
	close(s.done)
	s.store.Close()
}

// response is about the size of the created inquiry's JSON:API document.
var response = `{"data":{"type":"inquiry","id":"inq_floor","attributes":{"status":"created","x":"` +
	strings.Repeat("x", 1400) + `"}}}`

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	req := request{id: vouch.NewSortableID("inq_", time.Now()), reply: make(chan error, 1)}
	s.reqs <- req
	if err := <-req.reply; err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, response)
}

// write is the one writer: it takes every request waiting (up to maxGroup),
// inserts their rows in one transaction and commits once, so concurrent
// creates share the commit's fsync as they do in vouch.
func (s *Server) write(db *sql.DB) {
	blob := func(n int) []byte { b := make([]byte, n); _, _ = rand.Read(b); return b }
	fields, key, snapshot := blob(sealedFieldsSize), blob(wrappedKeySize), blob(snapshotSize)
	for {
		var group []request
		select {
		case r := <-s.reqs:
			group = append(group, r)
		case <-s.done:
			return
		}
	drain:
		for len(group) < maxGroup {
			select {
			case r := <-s.reqs:
				group = append(group, r)
			default:
				break drain
			}
		}
		err := insert(db, group, fields, key, snapshot)
		for _, r := range group {
			r.reply <- err
		}
	}
}

func insert(db *sql.DB, group []request, fields, key, snapshot []byte) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for _, r := range group {
		now := time.Now().UnixMicro()
		if _, err := tx.Exec(`INSERT INTO inquiries (id, environment, status, template_id, template_version_id,
			account_id, reference_id, expire_after_create, event_seq, created_at, updated_at, expires_at,
			wrapped_key, sealed_fields) VALUES (?, 'sandbox', 'created', 'itmpl_floor', 'itmplv_floor',
			'act_floor', 'bench-user', 86400, 1, ?, ?, ?, ?, ?)`,
			r.id, now, now, now+86_400_000_000, key, fields); err != nil {
			return fmt.Errorf("floor: insert inquiry: %w", err)
		}
		if _, err := tx.Exec(`INSERT INTO events (id, environment, name, object_type, object_id, inquiry_id,
			seq, sealed_snapshot, created_at) VALUES (?, 'sandbox', 'inquiry.created', 'inquiry', ?, ?, 1, ?, ?)`,
			vouch.NewSortableID("evt_", time.Now()), r.id, r.id, snapshot, now); err != nil {
			return fmt.Errorf("floor: insert event: %w", err)
		}
	}
	return tx.Commit()
}
