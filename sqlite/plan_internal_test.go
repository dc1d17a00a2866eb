// SPDX-License-Identifier: Apache-2.0

package sqlite

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// TestQueriesUseTheirIndexes runs each lookup the store makes by anything
// but a primary key and checks, with EXPLAIN QUERY PLAN on the very
// statement it ran, that SQLite reads the index made for it. Without it a
// lookup still answers right, only by walking a whole table or a whole
// environment, which no functional test can see and which grows with the
// data. A partial index is the easy one to miss: SQLite uses it only when
// the query's WHERE implies the index's, and a bound parameter alone
// never does (the parameter of reference_id = ? could be empty), so each
// such query repeats the index's condition.
func TestQueriesUseTheirIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var mu sync.Mutex
	var ran []string
	s, err := open(ctx, filepath.Join(t.TempDir(), "vouch.db"), func(q string) {
		mu.Lock()
		ran = append(ran, q)
		mu.Unlock()
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })

	str := func(v string) *string { return &v }
	view := func(fn func(tx vouch.Tx) error) func() error {
		return func() error { return s.View(ctx, fn) }
	}
	// The list lookups, in the sandbox.
	inquiries := func(f vouch.InquiryFilter) func() error {
		f.Environment = vouch.Sandbox
		return view(func(tx vouch.Tx) error { _, _, err := tx.InquiryList(ctx, f); return err })
	}
	events := func(f vouch.EventFilter) func() error {
		f.Environment = vouch.Sandbox
		return view(func(tx vouch.Tx) error { _, _, err := tx.EventList(ctx, f); return err })
	}
	// An event to page from: a cursor is read by its id first.
	cursor := &vouch.Event{ID: vouch.NewID(vouch.PrefixEvent), Environment: vouch.Sandbox, Name: vouch.EventInquiryCreated,
		ObjectType: vouch.ObjectInquiry, ObjectID: "inq_x", InquiryID: "inq_x", Seq: 1, CreatedAt: time.Now()}
	require.NoError(t, s.Update(ctx, func(tx vouch.Tx) error { return tx.EventInsert(ctx, cursor) }))
	cases := []struct {
		name  string
		table string // the statements about this table are checked
		index string
		run   func() error
	}{
		{"account by reference id", "accounts", "accounts_reference_id", view(func(tx vouch.Tx) error {
			_, err := tx.AccountGetByReferenceID(ctx, vouch.Sandbox, "user-1")
			return ignoreNotFound(err)
		})},
		{"accounts filtered by reference id", "accounts", "accounts_reference_id", view(func(tx vouch.Tx) error {
			_, _, err := tx.AccountList(ctx, vouch.AccountFilter{Environment: vouch.Sandbox, ReferenceID: str("user-1")})
			return err
		})},
		{"accounts", "accounts", "accounts_list", view(func(tx vouch.Tx) error {
			_, _, err := tx.AccountList(ctx, vouch.AccountFilter{Environment: vouch.Sandbox})
			return err
		})},
		{"inquiries", "inquiries", "inquiries_list", inquiries(vouch.InquiryFilter{})},
		{"inquiries by reference id", "inquiries", "inquiries_reference_id", inquiries(vouch.InquiryFilter{ReferenceID: str("user-1")})},
		{"inquiries by account", "inquiries", "inquiries_account_id", inquiries(vouch.InquiryFilter{AccountID: str("act_x")})},
		{"inquiries by template", "inquiries", "inquiries_template_id", inquiries(vouch.InquiryFilter{TemplateID: str("itmpl_x")})},
		{"inquiries by status", "inquiries", "inquiries_status", inquiries(vouch.InquiryFilter{Statuses: []vouch.InquiryStatus{vouch.InquiryApproved}})},
		{"inquiries due to expire", "inquiries", "inquiries_due", view(func(tx vouch.Tx) error {
			_, err := tx.InquiryListDue(ctx, time.Now(), 100)
			return err
		})},
		{"sessions of an inquiry", "inquiry_sessions", "inquiry_sessions_inquiry", view(func(tx vouch.Tx) error {
			_, err := tx.SessionListByInquiry(ctx, vouch.Sandbox, "inq_x")
			return err
		})},
		{"sessions filtered by inquiry", "inquiry_sessions", "inquiry_sessions_inquiry", view(func(tx vouch.Tx) error {
			_, _, err := tx.SessionList(ctx, vouch.SessionFilter{Environment: vouch.Sandbox, InquiryID: str("inq_x")})
			return err
		})},
		{"session of a one-time link", "inquiry_sessions", "inquiry_sessions_link", view(func(tx vouch.Tx) error {
			_, err := tx.SessionGetByLinkHash(ctx, vouch.Sandbox, vouch.HashSecret("code"))
			return ignoreNotFound(err)
		})},
		{"sessions", "inquiry_sessions", "inquiry_sessions_list", view(func(tx vouch.Tx) error {
			_, _, err := tx.SessionList(ctx, vouch.SessionFilter{Environment: vouch.Sandbox})
			return err
		})},
		{"verifications of an inquiry", "verifications", "verifications_inquiry", view(func(tx vouch.Tx) error {
			_, err := tx.VerificationListByInquiry(ctx, vouch.Sandbox, "inq_x")
			return err
		})},
		{"events", "events", "events_list", events(vouch.EventFilter{})},
		{"events by name", "events", "events_name", events(vouch.EventFilter{Names: []string{"inquiry.approved"}})},
		{"events of an inquiry", "events", "events_inquiry_seq", events(vouch.EventFilter{InquiryID: str("inq_x"), After: cursor.ID})},
		{"events about an inquiry", "events", "events_inquiry_seq", events(vouch.EventFilter{ObjectID: str("inq_x")})},
		{"events about another object", "events", "events_other_object", events(vouch.EventFilter{ObjectID: str("act_x")})},
		{"enabled webhooks", "webhooks", "webhooks_enabled", view(func(tx vouch.Tx) error {
			_, err := tx.WebhookListEnabled(ctx, vouch.Sandbox)
			return err
		})},
		{"idempotent responses about an object", "idempotency_records", "idempotency_records_object", func() error {
			return s.Update(ctx, func(tx vouch.Tx) error { return tx.IdempotencyDeleteByObject(ctx, "inq_x") })
		}},
		{"idempotent responses by age", "idempotency_records", "idempotency_records_created_at", func() error {
			return s.Update(ctx, func(tx vouch.Tx) error {
				_, err := tx.IdempotencyDeleteBefore(ctx, time.Now())
				return err
			})
		}},
	}
	for _, c := range cases {
		mu.Lock()
		ran = nil
		mu.Unlock()
		require.NoError(t, c.run(), c.name)
		mu.Lock()
		queries := append([]string(nil), ran...)
		mu.Unlock()
		// Every statement about the table reads the index, or finds one
		// row by primary key (a cursor), and one at least reads the index.
		used := false
		for _, q := range queries {
			// A bound LIMIT makes SQLite compile the statement again on
			// every call (see limitClause in internal/sqlstore/list.go).
			assert.NotRegexp(t, boundLimit, q, c.name)
			if !mentionsTable(q, c.table) {
				continue
			}
			plan := explain(t, s, q)
			byIndex := strings.Contains(plan, "INDEX "+c.index+" ")
			byKey := strings.Contains(plan, "INDEX sqlite_autoindex_"+c.table+"_1 (id=?)")
			assert.True(t, byIndex || byKey, "%s: %s\nplan: %s", c.name, q, plan)
			used = used || byIndex
		}
		assert.True(t, used, "%s: no statement about %s read %s", c.name, c.table, c.index)
	}
}

// boundLimit matches a LIMIT or OFFSET given as a parameter.
var boundLimit = regexp.MustCompile(`(?i)\b(LIMIT|OFFSET)\s+(\?|\$\d)`)

// mentionsTable reports whether query reads or writes table.
func mentionsTable(query, table string) bool {
	q := strings.Join(strings.Fields(query), " ")
	for _, p := range []string{"FROM ", "UPDATE ", "INTO "} {
		if strings.Contains(q, p+table+" ") || strings.HasSuffix(q, p+table) {
			return true
		}
	}
	return false
}

// explain returns the lines of query's plan, each followed by a space, with
// every parameter unbound (NULL), which plans it as it runs for any value.
func explain(t *testing.T, s *Store, query string) string {
	t.Helper()
	args := make([]any, strings.Count(query, "?"))
	rows, err := s.writer.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	require.NoError(t, err, query)
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &notUsed, &detail))
		b.WriteString(detail + " \n")
	}
	require.NoError(t, rows.Err())
	return b.String()
}

func ignoreNotFound(err error) error {
	if vouch.ErrorCode(err) == vouch.ENOTFOUND {
		return nil
	}
	return err
}
