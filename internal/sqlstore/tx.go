// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vouch-id/vouch"
)

// Tx implements vouch.Tx on one *sql.Tx. It is valid only inside the
// function given to Update or View.
type Tx struct {
	tx *sql.Tx
	// db is set instead of tx for a View that runs its queries on the pool
	// (Dialect.ReadCommitted); writes are refused.
	db    *sql.DB
	s     *Store
	stmts *stmtCache
	// detached is set when the transaction is shared by a group of
	// Update calls (see groupCommit): statements then ignore cancellation.
	detached bool
	// cache is set in grouped transactions on SQLite's writer (see
	// writerCache).
	cache *writerCache
}

var _ vouch.Tx = (*Tx)(nil)

// SQLTx returns the underlying transaction, for code that must write in the
// same transaction as the store (the job inserter).
func (t *Tx) SQLTx() *sql.Tx { return t.tx }

// errInvalidText is returned, before any SQL runs, for a string argument
// that is not valid UTF-8 or holds a NUL byte. PostgreSQL would refuse it
// and abort the whole transaction; SQLite would store it. Refusing it up
// front on both engines keeps them alike and the transaction usable.
var errInvalidText = errors.New("text argument is not valid UTF-8 or contains NUL")

// checkText returns errInvalidText if any string argument is unstorable.
func checkText(args []any) error {
	for _, a := range args {
		if s, ok := a.(string); ok && (!utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0) {
			return errInvalidText
		}
	}
	return nil
}

// errReadOnly is the error of a write attempted through View.
var errReadOnly = errors.New("write attempted in a read-only view")

// exec runs a statement written with ? placeholders.
func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := checkText(args); err != nil {
		return nil, err
	}
	if t.tx == nil {
		return nil, errReadOnly
	}
	ctx = t.txContext(ctx)
	if st := t.stmts.stmt(ctx, t.tx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.s.d.Rebind(query), args...)
}

// query runs a query written with ? placeholders.
func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := checkText(args); err != nil {
		return nil, err
	}
	ctx = t.txContext(ctx)
	if st := t.stmts.stmt(ctx, t.tx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.conn().QueryContext(ctx, t.s.d.Rebind(query), args...)
}

// queryRow runs a single-row query written with ? placeholders.
func (t *Tx) queryRow(ctx context.Context, query string, args ...any) scanner {
	if err := checkText(args); err != nil {
		return errRow{err}
	}
	ctx = t.txContext(ctx)
	if st := t.stmts.stmt(ctx, t.tx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.conn().QueryRowContext(ctx, t.s.d.Rebind(query), args...)
}

// queryer is what both a transaction and a pool offer for reading.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn is where t's reads run: its transaction, or the pool for a View
// without one (Dialect.ReadCommitted).
func (t *Tx) conn() queryer {
	if t.tx == nil {
		return t.db
	}
	return t.tx
}

// errRow is a row whose Scan reports an error found before querying, so
// callers handle it like any other row error.
type errRow struct{ err error }

// Scan implements scanner.
func (r errRow) Scan(...any) error { return r.err }

// insert runs an INSERT and maps constraint violations to domain errors:
// a duplicate to ECONFLICT and a missing parent to EINVALID. noun is the
// user-facing name of the object ("Inquiry").
//
// The statement gets ON CONFLICT DO NOTHING (the same syntax on both
// engines) and a duplicate shows as zero rows inserted. A unique violation
// raised as an error would abort a PostgreSQL transaction, and the caller
// could not go on to read the existing row as it can on SQLite.
func (t *Tx) insert(ctx context.Context, noun, id, query string, args ...any) error {
	res, err := t.exec(ctx, query+" ON CONFLICT DO NOTHING", args...)
	if err != nil {
		return t.writeErr(err, noun, id, "insert")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: insert %s: rows affected: %w", t.s.d.Name, noun, err)
	}
	if n == 0 {
		return conflict(noun, id)
	}
	return nil
}

// update runs an UPDATE of one row and returns ENOTFOUND when no row in
// the environment has the id.
func (t *Tx) update(ctx context.Context, noun, id, query string, args ...any) error {
	res, err := t.exec(ctx, query, args...)
	if err != nil {
		return t.writeErr(err, noun, id, "update")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: update %s: rows affected: %w", t.s.d.Name, noun, err)
	}
	if n == 0 {
		return notFound(noun, id)
	}
	return nil
}

// writeErr maps a failed write to a domain error where one fits.
func (t *Tx) writeErr(err error, noun, id, verb string) error {
	switch {
	case t.s.d.IsUniqueViolation(err):
		return conflict(noun, id)
	case t.s.d.IsForeignKeyViolation(err):
		return vouch.Errorf(vouch.EINVALID, "%s %s refers to an object that does not exist.", noun, clip(id))
	case errors.Is(err, errInvalidText):
		return invalidText(noun)
	case errors.Is(err, errReadOnly):
		return fmt.Errorf("%s: %s %s: %w", t.s.d.Name, verb, noun, err)
	}
	return fmt.Errorf("%s: %s %s: %w", t.s.d.Name, verb, noun, err)
}

// getErr maps the error of a single-row read: no row is ENOTFOUND.
func (t *Tx) getErr(err error, noun, id string) error {
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, errInvalidText) {
		return notFound(noun, id)
	}
	return fmt.Errorf("%s: get %s: %w", t.s.d.Name, noun, err)
}

// invalidText is the EINVALID error for text the engine cannot store.
func invalidText(noun string) error {
	return vouch.Errorf(vouch.EINVALID, "%s contains text that is not valid UTF-8 or holds a NUL character.", noun)
}

// conflict is the user-safe ECONFLICT error for a duplicate noun id.
func conflict(noun, id string) error {
	return vouch.Errorf(vouch.ECONFLICT, "%s %s conflicts with an existing one.", noun, clip(id))
}

// notFound is the user-safe ENOTFOUND error for noun id.
func notFound(noun, id string) error {
	return vouch.Errorf(vouch.ENOTFOUND, "%s %s not found.", noun, clip(id))
}

// clip bounds an id quoted back in a message, since it may be any input.
func clip(id string) string {
	if len(id) > 80 {
		return id[:80] + "…"
	}
	return id
}

// checkEnv refuses an object without a valid environment before it reaches
// the database, so the caller gets EINVALID rather than a constraint error.
func checkEnv(env vouch.Environment) error {
	if !env.Valid() {
		return vouch.FieldError("environment", "environment must be %q or %q", vouch.Sandbox, vouch.Production)
	}
	return nil
}

// JobInsert implements vouch.Tx by handing the job to the store's inserter
// with this transaction.
func (t *Tx) JobInsert(ctx context.Context, job vouch.Job, opts vouch.JobOptions) error {
	if t.tx == nil {
		return fmt.Errorf("%s: insert job %s: %w", t.s.d.Name, job.Kind(), errReadOnly)
	}
	f := t.s.insertJob.Load()
	if f == nil {
		return fmt.Errorf("%s: insert job %s: no job inserter is configured", t.s.d.Name, job.Kind())
	}
	if err := (*f)(t.txContext(ctx), t.tx, job, opts); err != nil {
		return fmt.Errorf("insert job %s: %w", job.Kind(), err)
	}
	return nil
}
