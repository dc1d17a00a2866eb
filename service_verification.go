// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"fmt"
	"regexp"
)

// FindVerificationByID returns a verification with its extracted data
// decrypted. ENOTFOUND when it does not exist in env.
func (s *Service) FindVerificationByID(ctx Context, env Environment, id string) (*Verification, error) {
	if !HasIDPrefix(id, PrefixVerification) {
		return nil, Errorf(ENOTFOUND, "Verification %s not found.", id)
	}
	var v *Verification
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		if v, err = tx.VerificationGetByID(ctx, env, id); err != nil {
			return err
		}
		inq, err := tx.InquiryGetByID(ctx, env, v.InquiryID)
		if err != nil {
			return err
		}
		dk, err := s.dataKey(inq)
		if err != nil {
			return err
		}
		return s.openVerification(v, dk)
	})
	return v, err
}

// lockVerification locks the inquiry of verification id and reads the
// verification under that lock. Every change to a verification
// holds its inquiry's lock, so the state read here is the one to change: a
// read taken before the lock could be overtaken by an expiry or a decision
// committed meanwhile, and writing it back would undo that.
func (s *Service) lockVerification(ctx Context, tx Tx, env Environment, id string) (*Verification, *Inquiry, []byte, error) {
	first, err := tx.VerificationGetByID(ctx, env, id)
	if err != nil {
		return nil, nil, nil, err
	}
	inq, dk, err := s.lockInquiry(ctx, tx, env, first.InquiryID)
	if err != nil {
		return nil, nil, nil, err
	}
	v, err := tx.VerificationGetByID(ctx, env, id)
	return v, inq, dk, err
}

// CreateVerification starts a verification of type typ on an open
// inquiry; the first one moves a created inquiry to pending. EINVALID past
// the template's attempt limit for that type.
func (s *Service) CreateVerification(ctx Context, env Environment, inquiryID string, typ VerificationType) (*Verification, error) {
	if !typ.Valid() {
		return nil, FieldError("type", "Unknown verification type %q.", typ)
	}
	var v *Verification
	err := s.update(ctx, func(tx Tx, w *work) error {
		inq, dk, err := s.lockInquiry(ctx, tx, env, inquiryID)
		if err != nil {
			return err
		}
		if v, err = s.createVerification(ctx, tx, w, inq, dk, typ); err != nil {
			return err
		}
		return tx.InquiryUpdate(ctx, inq)
	})
	return v, err
}

// createVerification is CreateVerification on an inquiry the caller holds
// locked and writes afterwards (perform-simulate-actions shares it).
func (s *Service) createVerification(ctx Context, tx Tx, w *work, inq *Inquiry, dk []byte, typ VerificationType) (*Verification, error) {
	if !inq.Status.Open() || inq.Redacted() {
		return nil, Errorf(ECONFLICT, "Inquiry %s is %s.", inq.ID, inq.Status)
	}
	ver, err := s.templateVersion(ctx, tx, inq.Environment, inq.TemplateVersionID)
	if err != nil {
		return nil, err
	}
	existing, err := tx.VerificationListByInquiry(ctx, inq.Environment, inq.ID)
	if err != nil {
		return nil, err
	}
	attempt := 1
	for _, e := range existing {
		if e.Type == typ {
			attempt++
		}
	}
	if attempt > ver.Config.MaxVerificationAttempts() {
		return nil, Errorf(ECONFLICT, "No attempts left for %s on inquiry %s.", typ, inq.ID)
	}
	v := &Verification{ID: NewID(PrefixVerification), Environment: inq.Environment, InquiryID: inq.ID,
		Type: typ, Status: VerificationInitiated, Attempt: attempt, CreatedAt: s.now()}
	if err := tx.VerificationInsert(ctx, v); err != nil {
		return nil, fmt.Errorf("insert verification: %w", err)
	}
	if inq.Status == InquiryCreated {
		if err := s.transition(ctx, tx, w, inq, dk, InquiryPending); err != nil {
			return nil, err
		}
	}
	if err := s.emit(ctx, tx, inq, dk, EventVerificationCreated, EventSnapshot{Verification: v}); err != nil {
		return nil, err
	}
	return v, nil
}

var blobNameRE = regexp.MustCompile(`^[a-z0-9_-]{1,40}$`)

// SubmitVerification stores the captured images (sealed with the inquiry's
// data key) and capture data, freezes the verification and enqueues its
// decision. files maps a name such as "front" or "center" to image bytes
// that the caller has already decoded and re-encoded.
func (s *Service) SubmitVerification(ctx Context, env Environment, id string, files map[string][]byte, data map[string]any) (*Verification, error) {
	for name := range files {
		if !blobNameRE.MatchString(name) {
			return nil, FieldError("files", "Invalid file name %q.", name)
		}
	}
	var v *Verification
	var written []string
	err := s.update(ctx, func(tx Tx, w *work) error {
		var (
			inq *Inquiry
			dk  []byte
			err error
		)
		if v, inq, dk, err = s.lockVerification(ctx, tx, env, id); err != nil {
			return err
		}
		if !v.Status.CanTransition(VerificationSubmitted) || !inq.Status.Open() || dk == nil {
			return Errorf(ECONFLICT, "Verification %s is %s and cannot be submitted.", id, v.Status)
		}
		for name, b := range files {
			key := blobPrefix(inq) + v.ID + "/" + name
			sealed, err := Seal(dk, b, "blob:"+key)
			if err != nil {
				return err
			}
			if err := s.Blobs.Put(ctx, key, sealed); err != nil {
				return fmt.Errorf("store image: %w", err)
			}
			written = append(written, key)
			v.Blobs = append(v.Blobs, key)
		}
		now := s.now()
		v.Data, v.Status, v.SubmittedAt = data, VerificationSubmitted, timePtr(now)
		if err := s.sealVerification(v, dk); err != nil {
			return err
		}
		if err := tx.VerificationUpdate(ctx, v); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, inq, dk, EventVerificationSubmitted, EventSnapshot{Verification: v}); err != nil {
			return err
		}
		if err := tx.JobInsert(ctx, VerificationDecideJob{VerificationID: v.ID, Environment: env}, JobOptions{}); err != nil {
			return err
		}
		return tx.InquiryUpdate(ctx, inq)
	})
	if err != nil && len(written) > 0 {
		// The transaction rolled back: drop the images it referenced.
		_ = s.Blobs.DeletePrefix(ctx, blobPrefix(&Inquiry{Environment: env, ID: v.InquiryID})+v.ID+"/")
	}
	return v, err
}

// DecideVerification is the verification_decide job: it loads a submitted
// verification and its images and asks the engine for its type (the
// SandboxEngine, when set, for a sandbox verification). Without an engine
// the verification fails with a check that says why: nothing passes
// without an engine's decision.
func (s *Service) DecideVerification(ctx Context, env Environment, id string) error {
	v, err := s.FindVerificationByID(ctx, env, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if v.Status != VerificationSubmitted {
		return nil // decided already (e.g. by the sandbox); nothing to do
	}
	engine := s.Engines[v.Type]
	if env == Sandbox && v.Environment == Sandbox && s.SandboxEngine != nil {
		engine = s.SandboxEngine // never reached for production
	}
	if engine == nil {
		s.Logger.Warn("no engine configured; verification not passed",
			"verification_id", v.ID, "type", string(v.Type), "environment", string(env))
		_, err := s.ApplyVerificationDecision(ctx, env, id, &VerificationDecision{
			Status: VerificationFailed,
			Checks: []Check{{Name: "engine_configured", Status: CheckFailed, Requirement: RequirementRequired,
				Reasons: []string{"no_engine_configured"}, Metadata: map[string]any{}}},
		})
		return err
	}
	blobs := make(map[string][]byte, len(v.Blobs))
	for _, key := range v.Blobs {
		if blobs[key], err = s.readBlob(ctx, env, v.InquiryID, key); err != nil {
			return err
		}
	}
	d, err := engine.Decide(ctx, v, blobs)
	if err != nil {
		return fmt.Errorf("engine %s: %w", v.Type, err)
	}
	_, err = s.ApplyVerificationDecision(ctx, env, id, d)
	return err
}

// readBlob returns an image of an inquiry, decrypted.
func (s *Service) readBlob(ctx Context, env Environment, inquiryID, key string) ([]byte, error) {
	var dk []byte
	err := s.Store.View(ctx, func(tx Tx) error {
		inq, err := tx.InquiryGetByID(ctx, env, inquiryID)
		if err != nil {
			return err
		}
		dk, err = s.dataKey(inq)
		return err
	})
	if err != nil {
		return nil, err
	}
	if dk == nil {
		return nil, Errorf(ENOTFOUND, "The images of inquiry %s have been redacted.", inquiryID)
	}
	sealed, err := s.Blobs.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	return Open(dk, sealed, "blob:"+key)
}

// ApplyVerificationDecision records a decision on a submitted verification
// and, when a failed one used the last attempt, fails the inquiry.
func (s *Service) ApplyVerificationDecision(ctx Context, env Environment, id string, d *VerificationDecision) (*Verification, error) {
	if d == nil || (d.Status != VerificationPassed && d.Status != VerificationFailed) {
		return nil, FieldError("status", "A decision must be passed or failed.")
	}
	var v *Verification
	err := s.update(ctx, func(tx Tx, w *work) error {
		var (
			inq *Inquiry
			dk  []byte
			err error
		)
		if v, inq, dk, err = s.lockVerification(ctx, tx, env, id); err != nil {
			return err
		}
		if !v.Status.CanTransition(d.Status) {
			return Errorf(ECONFLICT, "Verification %s is %s.", id, v.Status)
		}
		if err := s.openVerification(v, dk); err != nil {
			return err
		}
		if err := s.applyDecision(ctx, tx, w, inq, dk, v, d); err != nil {
			return err
		}
		return tx.InquiryUpdate(ctx, inq)
	})
	return v, err
}

// applyDecision records d on a submitted verification whose data is open,
// of an inquiry the caller holds locked and writes afterwards.
func (s *Service) applyDecision(ctx Context, tx Tx, w *work, inq *Inquiry, dk []byte, v *Verification, d *VerificationDecision) error {
	if len(d.Data) > 0 {
		if v.Data == nil {
			v.Data = map[string]any{}
		}
		for k, val := range d.Data {
			v.Data[k] = val
		}
	}
	v.Status, v.Checks, v.CompletedAt = d.Status, d.Checks, timePtr(s.now())
	if err := s.sealVerification(v, dk); err != nil {
		return err
	}
	if err := tx.VerificationUpdate(ctx, v); err != nil {
		return err
	}
	name := EventVerificationPassed
	if d.Status == VerificationFailed {
		name = EventVerificationFailed
	}
	if err := s.emit(ctx, tx, inq, dk, name, EventSnapshot{Verification: v}); err != nil {
		return err
	}
	if d.Status == VerificationFailed && inq.Status.Open() {
		ver, err := s.templateVersion(ctx, tx, inq.Environment, inq.TemplateVersionID)
		if err != nil {
			return err
		}
		if v.Attempt >= ver.Config.MaxVerificationAttempts() {
			if err := s.transition(ctx, tx, w, inq, dk, InquiryFailed); err != nil {
				return err
			}
		}
	}
	return nil
}

// cancelVerifications cancels inq's undecided verifications (on expiry).
func (s *Service) cancelVerifications(ctx Context, tx Tx, inq *Inquiry, dk []byte) error {
	vs, err := tx.VerificationListByInquiry(ctx, inq.Environment, inq.ID)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v.Status.Decided() {
			continue
		}
		v.Status, v.CompletedAt = VerificationCanceled, timePtr(s.now())
		if err := tx.VerificationUpdate(ctx, v); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, inq, dk, EventVerificationCanceled, EventSnapshot{Verification: v}); err != nil {
			return err
		}
	}
	return nil
}
