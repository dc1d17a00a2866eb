// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"encoding/json"
)

// FindEventByID returns an event and its snapshot; the snapshot is nil when
// the inquiry it belongs to has been redacted.
func (s *Service) FindEventByID(ctx Context, env Environment, id string) (*Event, *EventSnapshot, error) {
	if !HasIDPrefix(id, PrefixEvent) {
		return nil, nil, Errorf(ENOTFOUND, "Event %s not found.", id)
	}
	var e *Event
	var snap *EventSnapshot
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		if e, err = tx.EventGetByID(ctx, env, id); err != nil {
			return err
		}
		snap, err = s.openSnapshot(ctx, tx, e, map[string][]byte{})
		return err
	})
	return e, snap, err
}

// FindEvents lists events newest first with their snapshots (nil where
// redacted).
func (s *Service) FindEvents(ctx Context, f EventFilter) ([]*Event, []*EventSnapshot, bool, error) {
	var list []*Event
	var snaps []*EventSnapshot
	var more bool
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		if list, more, err = tx.EventList(ctx, f); err != nil {
			return err
		}
		keys, err := s.dataKeys(ctx, tx, f.Environment, list)
		if err != nil {
			return err
		}
		snaps = make([]*EventSnapshot, len(list))
		for i, e := range list {
			if snaps[i], err = s.openSnapshot(ctx, tx, e, keys); err != nil {
				return err
			}
		}
		return nil
	})
	return list, snaps, more, err
}

// dataKeys returns the data keys of the events' inquiries by inquiry id,
// reading the inquiries in one query rather than one per event; an
// inquiry that is gone or redacted maps to nil.
func (s *Service) dataKeys(ctx Context, tx Tx, env Environment, events []*Event) (map[string][]byte, error) {
	keys := map[string][]byte{}
	var ids []string
	for _, e := range events {
		if _, seen := keys[e.InquiryID]; e.InquiryID != "" && !seen {
			keys[e.InquiryID] = nil
			ids = append(ids, e.InquiryID)
		}
	}
	if len(ids) == 0 {
		return keys, nil
	}
	inqs, _, err := tx.InquiryList(ctx, InquiryFilter{Environment: env, IDs: ids, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	for _, inq := range inqs {
		if keys[inq.ID], err = s.dataKey(inq); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// openSnapshot decrypts an event's snapshot with its inquiry's data key or
// the derived key. keys caches data keys by inquiry id within one call.
func (s *Service) openSnapshot(ctx Context, tx Tx, e *Event, keys map[string][]byte) (*EventSnapshot, error) {
	candidates := [][]byte{s.derivedKey}
	if e.InquiryID != "" {
		dk, ok := keys[e.InquiryID]
		if !ok {
			inq, err := tx.InquiryGetByID(ctx, e.Environment, e.InquiryID)
			if err != nil && ErrorCode(err) != ENOTFOUND {
				return nil, err
			}
			if err == nil {
				if dk, err = s.dataKey(inq); err != nil {
					return nil, err
				}
			}
			keys[e.InquiryID] = dk
		}
		if dk != nil {
			candidates = [][]byte{dk, s.derivedKey}
		}
	}
	for _, k := range candidates {
		b, err := Open(k, e.SealedSnapshot, "event:"+e.ID)
		if err != nil {
			continue
		}
		e.Snapshot = b
		var snap EventSnapshot
		if err := json.Unmarshal(b, &snap); err != nil {
			return nil, err
		}
		return &snap, nil
	}
	return nil, nil // sealed with a destroyed key: redacted
}
