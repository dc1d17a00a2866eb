// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/vouch-id/vouch"
)

// maxGroup bounds how many Update calls share one commit, so that the
// first of them does not wait for an unbounded queue to run.
const maxGroup = 128

// groupCommit runs concurrent Update calls on SQLite's single writer
// connection in shared transactions, one savepoint each, and commits them
// with one fsync. With synchronous(FULL) every commit writes and syncs the
// WAL, and one connection commits one transaction at a time: without
// grouping, the writer's throughput is bounded by the commit's cost, and a
// burst of writers queues behind it one by one.
//
// Each call keeps the semantics of its own transaction: fn runs alone
// between SAVEPOINT and RELEASE (the calls run one after another, so each
// sees the committed state plus the changes of the calls before it in the
// group, as it would after their commits); an error rolls back to the
// savepoint, undoing fn's writes only; and Update returns nil only after
// the shared COMMIT succeeded. If the commit fails, every call of the group
// that had succeeded gets the error, and none of their writes is kept.
//
// There is no goroutine of its own: a Batcher lets the caller that finds
// no group running run everything queued at that moment, its own call
// included.
type groupCommit struct {
	s     *Store
	calls *Batcher[*groupCall]
	cache *writerCache // used by one group at a time
}

// groupCall is one Update call waiting in or running in a group.
type groupCall struct {
	ctx    context.Context
	fn     func(vouch.Tx) error
	result groupResult   // set before done is closed
	done   chan struct{} // closed once the group has committed or failed
}

// groupResult is what a call's Update returns, or the panic of its fn,
// raised again in the caller's goroutine.
type groupResult struct {
	err      error
	panicked bool
	panicVal any
}

func newGroupCommit(s *Store) *groupCommit {
	g := &groupCommit{s: s, cache: newWriterCache()}
	g.calls = NewBatcher(maxGroup, g.run)
	return g
}

// update queues fn and waits until a group that ran it has committed or
// failed.
func (g *groupCommit) update(ctx context.Context, fn func(vouch.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c := &groupCall{ctx: ctx, fn: fn, done: make(chan struct{})}
	g.calls.Do(c, c.done)
	if c.result.panicked {
		panic(c.result.panicVal)
	}
	return c.result.err
}

// run executes calls in one transaction and reports to each.
func (g *groupCommit) run(calls []*groupCall) {
	results := make([]groupResult, len(calls))
	ok := make([]bool, len(calls))
	defer func() {
		for i, c := range calls {
			c.result = results[i]
			close(c.done)
		}
	}()
	// The transaction belongs to the whole group: no caller's cancellation
	// may end it.
	ctx := context.Background()
	stmts := g.s.writerStmts
	defer stmts.preparePending(ctx)
	sqlTx, err := g.s.writer.BeginTx(ctx, nil)
	if err != nil {
		for i := range results {
			results[i].err = fmt.Errorf("%s: begin: %w", g.s.d.Name, err)
		}
		return
	}
	g.cache.begin(ctx, sqlTx)
	fail := func(err error) {
		_ = sqlTx.Rollback()
		for i := range results {
			// Calls that succeeded or have not run get err; those whose
			// fn failed keep their own error.
			if ok[i] || results[i].err == nil && !results[i].panicked {
				results[i] = groupResult{err: err}
			}
		}
	}
	for i, c := range calls {
		if err := c.ctx.Err(); err != nil {
			results[i].err = err
			continue
		}
		if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT vouch_group"); err != nil {
			fail(fmt.Errorf("%s: savepoint: %w", g.s.d.Name, err))
			return
		}
		results[i] = g.call(c, &Tx{tx: sqlTx, s: g.s, stmts: stmts, detached: true, cache: g.cache})
		end := []string{"RELEASE vouch_group"}
		if results[i].err != nil || results[i].panicked {
			end = []string{"ROLLBACK TO vouch_group", "RELEASE vouch_group"}
		} else {
			ok[i] = true
		}
		// A failed savepoint statement means the engine already rolled the
		// transaction back (an I/O error, a full disk): nothing of the group
		// can be kept, and the calls still to run are not started.
		for _, q := range end {
			if _, err := sqlTx.ExecContext(ctx, q); err != nil {
				fail(fmt.Errorf("%s: %s: %w", g.s.d.Name, q, err))
				return
			}
		}
	}
	if err := sqlTx.Commit(); err != nil {
		fail(fmt.Errorf("%s: commit: %w", g.s.d.Name, err))
	}
}

// call runs one fn, turning a panic into a result so that the rest of the
// group is not lost; the caller's goroutine panics again with the value.
func (g *groupCommit) call(c *groupCall, tx *Tx) (r groupResult) {
	defer func() {
		if v := recover(); v != nil {
			r = groupResult{panicked: true, panicVal: v, err: errors.New("panic")}
		}
	}()
	return groupResult{err: c.fn(tx)}
}

// txContext is the context a statement of t runs with. In a group the
// transaction is shared: cancelling one caller's statement would make
// SQLite interrupt it and roll back the whole transaction, so the
// statements of a grouped call run to completion whatever its context.
func (t *Tx) txContext(ctx context.Context) context.Context {
	if t.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}
