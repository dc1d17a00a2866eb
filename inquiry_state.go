// SPDX-License-Identifier: Apache-2.0

package vouch

// InquiryStatus is the lifecycle state of an inquiry. The values are the
// API's (spec §3.1) and are stable.
type InquiryStatus string

// The inquiry statuses.
const (
	InquiryCreated     InquiryStatus = "created"
	InquiryPending     InquiryStatus = "pending"
	InquiryCompleted   InquiryStatus = "completed"
	InquiryFailed      InquiryStatus = "failed"
	InquiryExpired     InquiryStatus = "expired"
	InquiryNeedsReview InquiryStatus = "needs_review"
	InquiryApproved    InquiryStatus = "approved"
	InquiryDeclined    InquiryStatus = "declined"
)

// InquiryStatuses lists every status in lifecycle order.
var InquiryStatuses = []InquiryStatus{
	InquiryCreated, InquiryPending, InquiryCompleted, InquiryFailed,
	InquiryExpired, InquiryNeedsReview, InquiryApproved, InquiryDeclined,
}

// inquiryTransitions is the whole state machine (see inquiry_state.mermaid).
// Decisions (approved, declined) are final, which is what makes a burst of
// concurrent approve and decline calls end in exactly one decision.
// Decisions and review are allowed before completion because Persona allows
// them there too ("prevent further progress").
var inquiryTransitions = map[InquiryStatus][]InquiryStatus{
	InquiryCreated:     {InquiryPending, InquiryCompleted, InquiryFailed, InquiryExpired, InquiryNeedsReview, InquiryApproved, InquiryDeclined},
	InquiryPending:     {InquiryCompleted, InquiryFailed, InquiryExpired, InquiryNeedsReview, InquiryApproved, InquiryDeclined},
	InquiryExpired:     {InquiryPending, InquiryNeedsReview, InquiryApproved, InquiryDeclined},
	InquiryCompleted:   {InquiryNeedsReview, InquiryApproved, InquiryDeclined},
	InquiryFailed:      {InquiryNeedsReview, InquiryApproved, InquiryDeclined},
	InquiryNeedsReview: {InquiryApproved, InquiryDeclined},
	InquiryApproved:    nil,
	InquiryDeclined:    nil,
}

// Valid reports whether s is a known status.
func (s InquiryStatus) Valid() bool {
	_, ok := inquiryTransitions[s]
	return ok
}

// CanTransition reports whether the state machine allows s → to.
func (s InquiryStatus) CanTransition(to InquiryStatus) bool {
	for _, t := range inquiryTransitions[s] {
		if t == to {
			return true
		}
	}
	return false
}

// Terminal reports whether no further transition is possible.
func (s InquiryStatus) Terminal() bool { return len(inquiryTransitions[s]) == 0 }

// Open reports whether the individual can still work on the inquiry.
func (s InquiryStatus) Open() bool { return s == InquiryCreated || s == InquiryPending }

// EventName returns the event written when an inquiry enters s.
func (s InquiryStatus) EventName() string {
	switch s {
	case InquiryCreated:
		return EventInquiryCreated
	case InquiryPending:
		return EventInquiryStarted
	case InquiryCompleted:
		return EventInquiryCompleted
	case InquiryFailed:
		return EventInquiryFailed
	case InquiryExpired:
		return EventInquiryExpired
	case InquiryNeedsReview:
		return EventInquiryMarkedForReview
	case InquiryApproved:
		return EventInquiryApproved
	case InquiryDeclined:
		return EventInquiryDeclined
	}
	return ""
}

// transitionError is the conflict returned for an illegal transition.
func transitionError(from, to InquiryStatus) error {
	return Errorf(ECONFLICT, "An inquiry with status %s cannot become %s.", from, to)
}
