// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestInquiryStatus_CanTransition(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from, to InquiryStatus
		ok       bool
	}{
		{InquiryCreated, InquiryPending, true},
		{InquiryPending, InquiryCompleted, true},
		{InquiryPending, InquiryCreated, false},
		{InquiryExpired, InquiryPending, true},
		{InquiryCompleted, InquiryApproved, true},
		{InquiryCompleted, InquiryPending, false},
		{InquiryNeedsReview, InquiryApproved, true},
		{InquiryApproved, InquiryDeclined, false},
		{InquiryDeclined, InquiryApproved, false},
		{InquiryApproved, InquiryNeedsReview, false},
		{InquiryCompleted, InquiryExpired, false},
	}
	for _, c := range cases {
		require.Equal(t, c.ok, c.from.CanTransition(c.to), "%s -> %s", c.from, c.to)
	}
	require.True(t, InquiryApproved.Terminal())
	require.False(t, InquiryStatus("bogus").Valid())
}

// TestInquiryStateDiagram keeps the committed mermaid diagram in step with
// the transition table: every allowed edge is drawn and nothing else is.
func TestInquiryStateDiagram(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("inquiry_state.mermaid")
	require.NoError(t, err)
	drawn := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if !strings.Contains(line, "-->") || strings.Contains(line, "[*]") {
			continue
		}
		parts := strings.SplitN(line, "-->", 2)
		to := strings.TrimSpace(strings.SplitN(parts[1], ":", 2)[0])
		drawn[strings.TrimSpace(parts[0])+"->"+to] = true
	}
	want := map[string]bool{}
	for from, tos := range inquiryTransitions {
		for _, to := range tos {
			want[string(from)+"->"+string(to)] = true
		}
	}
	require.Equal(t, want, drawn)
}

func TestInquiryStatus_EventName(t *testing.T) {
	t.Parallel()
	for _, s := range InquiryStatuses {
		require.NotEmpty(t, s.EventName(), s)
	}
	require.Equal(t, "inquiry.marked-for-review", InquiryNeedsReview.EventName())
}
