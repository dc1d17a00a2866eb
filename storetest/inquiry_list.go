// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// listInquiries runs InquiryList in a read-only transaction.
func listInquiries(t *testing.T, s vouch.Store, f vouch.InquiryFilter) ([]*vouch.Inquiry, bool, error) {
	t.Helper()
	var (
		out  []*vouch.Inquiry
		more bool
	)
	err := s.View(context.Background(), func(tx vouch.Tx) error {
		var err error
		out, more, err = tx.InquiryList(context.Background(), f)
		return err
	})
	return out, more, err
}

// inquiryIDs returns the ids of inqs, in order.
func inquiryIDs(inqs []*vouch.Inquiry) []string {
	ids := make([]string, len(inqs))
	for i, inq := range inqs {
		ids[i] = inq.ID
	}
	return ids
}

// testInquiryList covers filters and cursor paging of InquiryList. The
// paging rules are shared by every list, so the other nouns test less.
func testInquiryList(t *testing.T, newStore NewStoreFunc) {
	t.Run("PagesBothWays", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		// 25 inquiries; every fifth pair shares a created_at so the id
		// breaks the tie. newest[0] is the newest.
		base := now()
		var all []*vouch.Inquiry
		for i := range 25 {
			all = append(all, inquiry(vouch.Sandbox, base.Add(time.Duration(i/2)*time.Second)))
		}
		insertInquiries(t, s, all...)
		insertInquiries(t, s, inquiry(vouch.Production, base.Add(time.Minute))) // other env: never listed
		newest := sortNewestFirst(all)

		page1, more, err := listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Sandbox})
		require.NoError(t, err)
		require.True(t, more)
		require.Equal(t, inquiryIDs(newest[:10]), inquiryIDs(page1))

		page2, more, err := listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Sandbox, After: page1[9].ID})
		require.NoError(t, err)
		require.True(t, more)
		require.Equal(t, inquiryIDs(newest[10:20]), inquiryIDs(page2))

		page3, more, err := listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Sandbox, After: page2[9].ID})
		require.NoError(t, err)
		require.False(t, more)
		require.Equal(t, inquiryIDs(newest[20:]), inquiryIDs(page3))

		back, more, err := listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Sandbox, Before: page3[0].ID})
		require.NoError(t, err)
		require.True(t, more)
		require.Equal(t, inquiryIDs(page2), inquiryIDs(back))

		back, more, err = listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Sandbox, Before: page2[0].ID})
		require.NoError(t, err)
		require.False(t, more)
		require.Equal(t, inquiryIDs(page1), inquiryIDs(back))

		back, more, err = listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Sandbox, Before: page2[2].ID, Limit: 3})
		require.NoError(t, err)
		require.True(t, more)
		require.Equal(t, inquiryIDs(newest[9:12]), inquiryIDs(back))

		none, more, err := listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Sandbox, Before: newest[0].ID})
		require.NoError(t, err)
		require.False(t, more)
		require.Empty(t, none)
	})

	t.Run("RejectsUnknownCursor", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		other := inquiry(vouch.Production, now())
		insertInquiries(t, s, other)
		for _, c := range []string{"inq_missing", other.ID, "\x00"} {
			_, _, err := listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Sandbox, After: c})
			requireCode(t, err, vouch.EINVALID)
			require.Contains(t, vouch.ErrorDetails(err), "page[after]")
			_, _, err = listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Sandbox, Before: c})
			requireCode(t, err, vouch.EINVALID)
			require.Contains(t, vouch.ErrorDetails(err), "page[before]")
		}
	})

	t.Run("ClampsLimit", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var all []*vouch.Inquiry
		base := now()
		for i := range 105 {
			all = append(all, inquiry(vouch.Sandbox, base.Add(time.Duration(i)*time.Millisecond)))
		}
		insertInquiries(t, s, all...)
		for limit, want := range map[int]int{0: 10, -5: 10, 1: 1, 100: 100, 1000: 100} {
			got, more, err := listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Sandbox, Limit: limit})
			require.NoError(t, err)
			require.Len(t, got, want, "limit %d", limit)
			require.True(t, more)
		}
	})

	t.Run("Filters", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		base := now()
		a := inquiry(vouch.Sandbox, base)
		a.ReferenceID, a.AccountID, a.Status = "ref-a", "act_a", vouch.InquiryPending
		b := inquiry(vouch.Sandbox, base.Add(time.Second))
		b.ReferenceID, b.AccountID, b.TemplateID, b.Status = "ref-b", "act_b", a.TemplateID, vouch.InquiryCompleted
		c := inquiry(vouch.Sandbox, base.Add(2*time.Second))
		c.ReferenceID, c.AccountID, c.Status = "ref-a", "act_a", vouch.InquiryApproved
		d := inquiry(vouch.Production, base.Add(3*time.Second))
		d.ReferenceID, d.AccountID, d.TemplateID = "ref-a", "act_a", a.TemplateID
		insertInquiries(t, s, a, b, c, d)

		cases := []struct {
			name string
			f    vouch.InquiryFilter
			want []*vouch.Inquiry
		}{
			{"All", vouch.InquiryFilter{}, []*vouch.Inquiry{c, b, a}},
			{"ReferenceID", vouch.InquiryFilter{ReferenceID: ptr("ref-a")}, []*vouch.Inquiry{c, a}},
			{"AccountID", vouch.InquiryFilter{AccountID: ptr("act_b")}, []*vouch.Inquiry{b}},
			{"TemplateID", vouch.InquiryFilter{TemplateID: ptr(a.TemplateID)}, []*vouch.Inquiry{b, a}},
			{"OneStatus", vouch.InquiryFilter{Statuses: []vouch.InquiryStatus{vouch.InquiryPending}}, []*vouch.Inquiry{a}},
			{"Statuses", vouch.InquiryFilter{Statuses: []vouch.InquiryStatus{vouch.InquiryPending, vouch.InquiryApproved}}, []*vouch.Inquiry{c, a}},
			{"CreatedAfterInclusive", vouch.InquiryFilter{CreatedAfter: ptr(b.CreatedAt)}, []*vouch.Inquiry{c, b}},
			{"CreatedBeforeInclusive", vouch.InquiryFilter{CreatedBefore: ptr(b.CreatedAt)}, []*vouch.Inquiry{b, a}},
			{"CreatedRange", vouch.InquiryFilter{CreatedAfter: ptr(b.CreatedAt), CreatedBefore: ptr(b.CreatedAt)}, []*vouch.Inquiry{b}},
			{"Combined", vouch.InquiryFilter{ReferenceID: ptr("ref-a"), Statuses: []vouch.InquiryStatus{vouch.InquiryApproved}}, []*vouch.Inquiry{c}},
			{"NoMatch", vouch.InquiryFilter{ReferenceID: ptr("nobody")}, nil},
			{"IDs", vouch.InquiryFilter{IDs: []string{a.ID, c.ID, d.ID, "inq_missing"}}, []*vouch.Inquiry{c, a}},
			{"IDsAndStatus", vouch.InquiryFilter{IDs: []string{a.ID, b.ID}, Statuses: []vouch.InquiryStatus{vouch.InquiryCompleted}}, []*vouch.Inquiry{b}},
			{"NoIDs", vouch.InquiryFilter{IDs: []string{}}, nil},
			{"PagedFilter", vouch.InquiryFilter{ReferenceID: ptr("ref-a"), After: c.ID}, []*vouch.Inquiry{a}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.f.Environment = vouch.Sandbox
				got, more, err := listInquiries(t, s, tc.f)
				require.NoError(t, err)
				require.False(t, more)
				require.Equal(t, inquiryIDs(tc.want), inquiryIDs(got))
			})
		}
		got, _, err := listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Production, ReferenceID: ptr("ref-a")})
		require.NoError(t, err)
		require.Equal(t, []string{d.ID}, inquiryIDs(got))
	})
}

// sortNewestFirst returns inqs ordered as lists return them: created_at
// then id, both descending.
func sortNewestFirst(inqs []*vouch.Inquiry) []*vouch.Inquiry {
	out := append([]*vouch.Inquiry(nil), inqs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && newer(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// newer reports whether a sorts before b in a newest-first list.
func newer(a, b *vouch.Inquiry) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.After(b.CreatedAt)
	}
	return a.ID > b.ID
}
