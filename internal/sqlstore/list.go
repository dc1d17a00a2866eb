// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vouch-id/vouch"
)

// Page sizes of list methods, as in Persona's API: page[size] is 1 to 100,
// 10 when absent.
const (
	DefaultLimit = 10
	MaxLimit     = 100
)

// clampLimit applies the page size rules.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// limitClause is " LIMIT n" with n written into the query text, never
// bound. SQLite plans with the value bound to a LIMIT parameter and so
// marks the statement to be compiled again whenever that parameter is
// bound anew: a bound limit made every list query be parsed and planned
// on each call, however long its prepared statement stayed cached. n is
// an int the store computed, so the text carries nothing from a request,
// and one query shape has at most as many texts as there are page sizes.
func limitClause(n int) string { return " LIMIT " + strconv.Itoa(n) }

// where collects the conditions and arguments of a filtered query. It is
// the small hand-written builder that dynamic filters need; everything
// else is a fixed query string.
type where struct {
	conds []string
	args  []any
}

// add appends one condition with its arguments.
func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in appends "col IN (?, …)" for a non-empty list; an empty list adds
// nothing, since an empty filter matches everything.
func (w *where) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	ph := strings.Repeat("?, ", len(vals))
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	w.add(col+" IN ("+ph[:len(ph)-2]+")", args...)
}

// ids keeps only the rows whose id is in ids, when ids is not nil. It
// returns false for an empty non-nil list, which matches no row.
func (w *where) ids(ids []string) bool {
	if ids == nil {
		return true
	}
	w.in("id", ids)
	return len(ids) > 0
}

// String renders " WHERE a AND b", or "" when there is no condition.
func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// listQuery is one paged, newest-first list.
type listQuery struct {
	noun    string // user-facing name for errors
	table   string
	columns string
	env     vouch.Environment
	w       where // filters; the environment condition is added by list
	after   string
	before  string
	limit   int
	// order lists the sort columns, newest first when descending; it must
	// end with id so the order is total. Nil means created_at, id.
	order []string
}

// list runs q and scans each row with scan, newest first by q.order
// (created_at, id unless the noun says otherwise), compared as a row value
// so a cursor among equal times still pages exactly. After selects objects
// older than the cursor object and Before objects newer than it; either
// way the page comes back newest first, and more reports whether the list
// goes on beyond the page in the direction of travel. A cursor id that
// does not exist in the environment is EINVALID, naming the page parameter.
func list[T any](ctx context.Context, t *Tx, q listQuery, scan func(scanner) (T, error)) ([]T, bool, error) {
	limit := clampLimit(q.limit)
	if q.order == nil {
		q.order = []string{"created_at", "id"}
	}
	keys := "(" + strings.Join(q.order, ", ") + ")"
	marks := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(q.order)), ", ") + ")"
	w := q.w
	w.conds = append([]string{"environment = ?"}, w.conds...)
	w.args = append([]any{string(q.env)}, w.args...)
	if q.after != "" {
		at, err := t.cursor(ctx, q, q.after, "page[after]")
		if err != nil {
			return nil, false, err
		}
		w.add(keys+" < "+marks, at...)
	}
	ascending := false
	if q.before != "" {
		at, err := t.cursor(ctx, q, q.before, "page[before]")
		if err != nil {
			return nil, false, err
		}
		w.add(keys+" > "+marks, at...)
		// Walk upwards from the cursor so the page is the one adjacent to
		// it; it is reversed below. With both cursors, After wins.
		ascending = q.after == ""
	}
	dir := " DESC"
	if ascending {
		dir = " ASC"
	}
	order := " ORDER BY " + strings.Join(q.order, dir+", ") + dir
	query := "SELECT " + q.columns + " FROM " + q.table + w.String() + order + limitClause(limit+1)
	rows, err := t.query(ctx, query, w.args...)
	if errors.Is(err, errInvalidText) {
		return nil, false, invalidText("The filter")
	} else if err != nil {
		return nil, false, fmt.Errorf("%s: list %s: %w", t.s.d.Name, q.table, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, false, fmt.Errorf("%s: list %s: %w", t.s.d.Name, q.table, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("%s: list %s: %w", t.s.d.Name, q.table, err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	if ascending {
		slices.Reverse(out)
	}
	return out, more, nil
}

// cursor returns the sort key values of the cursor object id, in q.order.
func (t *Tx) cursor(ctx context.Context, q listQuery, id, param string) ([]any, error) {
	vals := make([]any, len(q.order))
	ptrs := make([]any, len(q.order))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err := t.queryRow(ctx, "SELECT "+strings.Join(q.order, ", ")+" FROM "+q.table+" WHERE environment = ? AND id = ?",
		string(q.env), id).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, errInvalidText) {
		msg := fmt.Sprintf("%s %s not found for %s.", q.noun, clip(id), param)
		return nil, &vouch.Error{Code: vouch.EINVALID, Message: msg, Details: map[string]string{param: msg}}
	} else if err != nil {
		return nil, fmt.Errorf("%s: list %s: cursor: %w", t.s.d.Name, q.table, err)
	}
	return vals, nil
}

// all runs a fixed query and scans every row, for the unpaged lists.
func all[T any](ctx context.Context, t *Tx, what, query string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := t.query(ctx, query, args...)
	if errors.Is(err, errInvalidText) {
		return nil, nil // no stored row can match unstorable text
	} else if err != nil {
		return nil, fmt.Errorf("%s: list %s: %w", t.s.d.Name, what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: list %s: %w", t.s.d.Name, what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: list %s: %w", t.s.d.Name, what, err)
	}
	return out, nil
}
