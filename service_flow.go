// SPDX-License-Identifier: Apache-2.0

package vouch

// MoveInquiryStep records that the hosted flow moved an open inquiry from
// step from to step to, so that a resumed session continues where the
// individual left (spec §3.3). from must be the inquiry's current step: a
// stale page (two tabs, a replayed request) gets ECONFLICT instead of
// moving the flow twice. It writes inquiry.transitioned, whose snapshot
// carries the previous and next step names. An unknown step is EINVALID.
func (s *Service) MoveInquiryStep(ctx Context, env Environment, id, from, to string) (*Inquiry, error) {
	var out *Inquiry
	err := s.update(ctx, func(tx Tx, w *work) error {
		inq, dk, err := s.lockInquiry(ctx, tx, env, id)
		if err != nil {
			return err
		}
		if !inq.Status.Open() || inq.Redacted() {
			return Errorf(ECONFLICT, "Inquiry %s is %s.", id, inq.Status)
		}
		if inq.CurrentStep != from {
			return Errorf(ECONFLICT, "Inquiry %s is not at step %q.", id, from)
		}
		v, err := s.templateVersion(ctx, tx, env, inq.TemplateVersionID)
		if err != nil {
			return err
		}
		if v.Config.StepByName(to) == nil {
			return FieldError("step", "Unknown step %q.", to)
		}
		inq.PreviousStep, inq.CurrentStep, inq.UpdatedAt = inq.CurrentStep, to, s.now()
		if err := s.emit(ctx, tx, inq, dk, EventInquiryTransitioned, EventSnapshot{Inquiry: copyInquiry(inq)}); err != nil {
			return err
		}
		if err := tx.InquiryUpdate(ctx, inq); err != nil {
			return err
		}
		out = copyInquiry(inq)
		return nil
	})
	return out, err
}
