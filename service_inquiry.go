// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"fmt"
	"time"
)

// InquiryDetails is an inquiry with what the API renders beside it.
type InquiryDetails struct {
	Inquiry       *Inquiry
	Template      *Template
	Version       *TemplateVersion
	Account       *Account // nil when the inquiry has none
	Sessions      []*Session
	Verifications []*Verification
	// OneTimeLink is the link CreateInquiry made when asked for one
	// (AutoCreateOneTimeLink); nil everywhere else.
	OneTimeLink *OneTimeLink
}

// CreateInquiry creates an inquiry from a template (or a pinned version),
// attaching it to an account, and returns a session token when the input
// asks for one. Errors: EINVALID for bad input or an unknown template,
// EINACTIVE or EFORBIDDEN when in.ClientSide and the template refuses
// client-side creation.
func (s *Service) CreateInquiry(ctx Context, env Environment, in CreateInquiryInput) (*InquiryDetails, string, error) {
	if err := validateCreate(in); err != nil {
		return nil, "", err
	}
	var d *InquiryDetails
	var token string
	create := func() error {
		return s.update(ctx, func(tx Tx, w *work) error {
			var err error
			d, token, err = s.createInquiryTx(ctx, tx, env, in)
			return err
		})
	}
	err := create()
	// Two first inquiries for one new reference id can race to create its
	// account on PostgreSQL; the loser retries once and finds the account.
	if ErrorCode(err) == ECONFLICT && in.ReferenceID != "" {
		err = create()
	}
	if err != nil {
		return nil, "", err
	}
	return d, token, nil
}

func validateCreate(in CreateInquiryInput) error {
	n := 0
	for _, v := range []string{in.TemplateID, in.TemplateVersionID, in.LegacyTemplateID} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return FieldError("inquiry-template-id", "Exactly one of inquiry-template-id, inquiry-template-version-id or template-id is required.")
	}
	if in.AccountID != "" && in.ReferenceID != "" {
		return FieldError("account-id", "account-id cannot be combined with reference-id.")
	}
	if len(in.ReferenceID) > MaxReferenceIDLength {
		return FieldError("reference-id", "reference-id must be at most %d characters.", MaxReferenceIDLength)
	}
	if len(in.Note) > MaxNoteLength {
		return FieldError("note", "note must be at most %d characters.", MaxNoteLength)
	}
	if err := validateTags(in.Tags); err != nil {
		return err
	}
	if err := ValidateLinkExpiry("one-time-link-expiration-seconds", in.OneTimeLinkExpiresIn); err != nil {
		return err
	}
	for name, v := range map[string]*int64{
		"expiration-after-create-interval-seconds": in.ExpireAfterCreateSeconds,
		"expiration-after-start-interval-seconds":  in.ExpireAfterStartSeconds,
		"expiration-after-resume-interval-seconds": in.ExpireAfterResumeSeconds,
	} {
		if v != nil && (*v <= 0 || time.Duration(*v)*time.Second > MaxExpiry) {
			return FieldError(name, "%s must be between 1 and %d.", name, int64(MaxExpiry/time.Second))
		}
	}
	return nil
}

// resolveTemplate finds the template and the version an inquiry pins.
func (s *Service) resolveTemplate(ctx Context, tx Tx, env Environment, in CreateInquiryInput) (*Template, *TemplateVersion, error) {
	unknown := func(field, id string) error {
		return FieldError(field, "Template %s does not exist or has no published version.", id)
	}
	var t *Template
	var v *TemplateVersion
	var err error
	switch {
	case in.TemplateVersionID != "":
		if !HasIDPrefix(in.TemplateVersionID, PrefixTemplateVersion) {
			return nil, nil, unknown("inquiry-template-version-id", in.TemplateVersionID)
		}
		if v, err = s.templateVersion(ctx, tx, env, in.TemplateVersionID); err == nil {
			t, err = tx.TemplateGetByID(ctx, env, v.TemplateID)
		}
		if ErrorCode(err) == ENOTFOUND {
			return nil, nil, unknown("inquiry-template-version-id", in.TemplateVersionID)
		}
	case in.TemplateID != "" || in.LegacyTemplateID != "":
		field, id, prefix := "inquiry-template-id", in.TemplateID, PrefixTemplate
		if in.LegacyTemplateID != "" {
			field, id, prefix = "template-id", in.LegacyTemplateID, PrefixLegacyTemplate
		}
		if !HasIDPrefix(id, prefix) {
			return nil, nil, unknown(field, id)
		}
		if t, err = tx.TemplateGetByID(ctx, env, id); err == nil {
			if t.LatestVersionID == "" {
				return nil, nil, unknown(field, id)
			}
			v, err = s.templateVersion(ctx, tx, env, t.LatestVersionID)
		}
		if ErrorCode(err) == ENOTFOUND {
			return nil, nil, unknown(field, id)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	if in.ClientSide {
		if err := s.clientSideCreation(ctx, tx, env, t, v); err != nil {
			return nil, nil, err
		}
	}
	return t, v, nil
}

// expiryInterval picks the request override, else the template, else
// fallback.
func expiryInterval(override *int64, template int64, fallback time.Duration) time.Duration {
	switch {
	case override != nil:
		return time.Duration(*override) * time.Second
	case template > 0:
		return time.Duration(template) * time.Second
	}
	return fallback
}

// createInquiryTx creates the inquiry in tx and returns it with its
// details, built from what the transaction already holds rather than read
// again (a new inquiry has no verifications and at most one session).
func (s *Service) createInquiryTx(ctx Context, tx Tx, env Environment, in CreateInquiryInput) (*InquiryDetails, string, error) {
	t, v, err := s.resolveTemplate(ctx, tx, env, in)
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	afterCreate := expiryInterval(in.ExpireAfterCreateSeconds, v.Config.Expiry.AfterCreateSeconds, DefaultExpiry)
	inq := &Inquiry{
		ID:                NewSortableID(PrefixInquiry, now),
		Environment:       env,
		Status:            InquiryCreated,
		TemplateID:        t.ID,
		TemplateVersionID: v.ID,
		Note:              in.Note,
		Tags:              append([]string{}, in.Tags...),
		RedirectURI:       in.RedirectURI,
		ExpireAfterCreate: afterCreate,
		// Spec §3.2: the interval from start defaults to the one from
		// creation, whichever way that one was set.
		ExpireAfterStart:  expiryInterval(in.ExpireAfterStartSeconds, v.Config.Expiry.AfterStartSeconds, afterCreate),
		ExpireAfterResume: expiryInterval(in.ExpireAfterResumeSeconds, v.Config.Expiry.AfterResumeSeconds, DefaultExpiry),
		CreatedAt:         now,
		UpdatedAt:         now,
	}
	if in.RedirectURI == "" {
		inq.RedirectURI = v.Config.RedirectURI
	}
	if len(v.Config.Steps) > 0 {
		inq.CurrentStep = v.Config.Steps[0].Name
	}
	inq.ExpiresAt = timePtr(now.Add(inq.ExpireAfterCreate))
	if inq.Fields, err = CoerceFields(v.Config.Fields, in.Fields); err != nil {
		return nil, "", err
	}
	account, err := s.attachAccount(ctx, tx, inq, in)
	if err != nil {
		return nil, "", err
	}
	dk := NewDataKey()
	if inq.WrappedKey, err = s.Keys.WrapKey(dk, "inquiry:"+inq.ID); err != nil {
		return nil, "", err
	}
	if err := s.sealFields(inq, dk); err != nil {
		return nil, "", err
	}
	if err := s.emit(ctx, tx, inq, dk, EventInquiryCreated, EventSnapshot{Inquiry: copyInquiry(inq)}); err != nil {
		return nil, "", err
	}
	if err := tx.InquiryInsert(ctx, inq); err != nil {
		return nil, "", fmt.Errorf("insert inquiry: %w", err)
	}
	d := &InquiryDetails{Inquiry: inq, Template: t, Version: v, Account: account}
	var token string
	if in.AutoCreateSession {
		sess, tok, err := s.issueSession(ctx, tx, inq, true)
		if err != nil {
			return nil, "", err
		}
		d.Sessions, token = []*Session{sess}, tok
	}
	if in.AutoCreateOneTimeLink {
		sess := newSession(inq, now)
		d.OneTimeLink = s.attachLink(sess, in.OneTimeLinkExpiresIn, now)
		if err := tx.SessionInsert(ctx, sess); err != nil {
			return nil, "", fmt.Errorf("save session: %w", err)
		}
		d.Sessions = append(d.Sessions, sess)
	}
	return d, token, nil
}

// attachAccount links the inquiry to an existing account, or to the
// account of its reference id, creating that account when allowed.
func (s *Service) attachAccount(ctx Context, tx Tx, inq *Inquiry, in CreateInquiryInput) (*Account, error) {
	switch {
	case in.AccountID != "":
		a, err := tx.AccountGetByID(ctx, inq.Environment, in.AccountID)
		if ErrorCode(err) == ENOTFOUND {
			return nil, FieldError("account-id", "Account %s does not exist.", in.AccountID)
		} else if err != nil {
			return nil, err
		}
		inq.AccountID, inq.ReferenceID = a.ID, a.ReferenceID
		return a, nil
	case in.ReferenceID != "":
		inq.ReferenceID = in.ReferenceID
		a, err := tx.AccountGetByReferenceID(ctx, inq.Environment, in.ReferenceID)
		if err == nil {
			inq.AccountID = a.ID
			return a, nil
		} else if ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		if in.AutoCreateAccount != nil && !*in.AutoCreateAccount {
			return nil, nil
		}
		if a, err = s.insertAccount(ctx, tx, inq.Environment, in.ReferenceID, inq.CreatedAt); err != nil {
			return nil, err
		}
		inq.AccountID = a.ID
		return a, nil
	}
	return nil, nil
}

// FindInquiryByID returns an inquiry with its template, version, account,
// sessions and verifications. ENOTFOUND when it does not exist in env.
func (s *Service) FindInquiryByID(ctx Context, env Environment, id string) (*InquiryDetails, error) {
	if !HasIDPrefix(id, PrefixInquiry) {
		return nil, Errorf(ENOTFOUND, "Inquiry %s not found.", id)
	}
	var d *InquiryDetails
	err := s.Store.View(ctx, func(tx Tx) error {
		inq, err := tx.InquiryGetByID(ctx, env, id)
		if err != nil {
			return err
		}
		d, err = s.detailsOf(ctx, tx, env, inq)
		return err
	})
	return d, err
}

// FindInquiries lists inquiries newest first, with their details.
func (s *Service) FindInquiries(ctx Context, f InquiryFilter) ([]*InquiryDetails, bool, error) {
	var out []*InquiryDetails
	var more bool
	err := s.Store.View(ctx, func(tx Tx) error {
		list, m, err := tx.InquiryList(ctx, f)
		if err != nil {
			return err
		}
		more = m
		out, err = s.details(ctx, tx, f.Environment, list...)
		return err
	})
	return out, more, err
}

// UpdateInquiry changes an inquiry's note, tags or fields (any status but
// redacted, as in Persona since 2024-02). It fires no event.
func (s *Service) UpdateInquiry(ctx Context, env Environment, id string, upd InquiryUpdate) (*InquiryDetails, error) {
	if upd.Note != nil && len(*upd.Note) > MaxNoteLength {
		return nil, FieldError("note", "note must be at most %d characters.", MaxNoteLength)
	}
	if upd.Tags != nil {
		if err := validateTags(*upd.Tags); err != nil {
			return nil, err
		}
	}
	if err := validateTags(upd.AddTags); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx Tx, w *work) error {
		inq, dk, err := s.lockInquiry(ctx, tx, env, id)
		if err != nil {
			return err
		}
		if inq.Redacted() {
			return Errorf(ECONFLICT, "Inquiry %s has been redacted.", id)
		}
		if upd.Note != nil {
			inq.Note = *upd.Note
		}
		if upd.Tags != nil {
			inq.Tags = append([]string{}, (*upd.Tags)...)
		}
		if len(upd.AddTags)+len(upd.RemoveTags) > 0 {
			if inq.Tags = editTags(inq.Tags, upd.AddTags, upd.RemoveTags); len(inq.Tags) > MaxTags {
				return FieldError("tags", "at most %d tags are allowed", MaxTags)
			}
		}
		if len(upd.Fields) > 0 {
			v, err := s.templateVersion(ctx, tx, env, inq.TemplateVersionID)
			if err != nil {
				return err
			}
			set, err := CoerceFields(v.Config.Fields, upd.Fields)
			if err != nil {
				return err
			}
			if inq.Fields == nil {
				inq.Fields = Fields{}
			}
			for k, fv := range set {
				inq.Fields[k] = fv
			}
			if err := s.sealFields(inq, dk); err != nil {
				return err
			}
		}
		inq.UpdatedAt = s.now()
		return tx.InquiryUpdate(ctx, inq)
	})
	if err != nil {
		return nil, err
	}
	return s.FindInquiryByID(ctx, env, id)
}

// lockInquiry reads an inquiry for update and decrypts it.
func (s *Service) lockInquiry(ctx Context, tx Tx, env Environment, id string) (*Inquiry, []byte, error) {
	if !HasIDPrefix(id, PrefixInquiry) {
		return nil, nil, Errorf(ENOTFOUND, "Inquiry %s not found.", id)
	}
	inq, err := tx.InquiryGetForUpdate(ctx, env, id)
	if err != nil {
		return nil, nil, err
	}
	dk, err := s.openInquiry(inq)
	if err != nil {
		return nil, nil, err
	}
	return inq, dk, nil
}

// CheckClientSideCreation returns nil when the hosted flow may create an
// inquiry for a browser from template t, whose version v the inquiry
// would be pinned to: EINACTIVE when t is inactive, EFORBIDDEN when t's
// latest version blocks client-side creation (spec §1.10). CreateInquiry
// checks the same when in.ClientSide; the flow asks first for a legacy
// template, whose inquiry is created only on Continue.
func (s *Service) CheckClientSideCreation(ctx Context, env Environment, t *Template, v *TemplateVersion) error {
	return s.Store.View(ctx, func(tx Tx) error { return s.clientSideCreation(ctx, tx, env, t, v) })
}

// clientSideCreation is CheckClientSideCreation in tx.
func (s *Service) clientSideCreation(ctx Context, tx Tx, env Environment, t *Template, v *TemplateVersion) error {
	latest := v
	if v.ID != t.LatestVersionID {
		var err error
		if latest, err = s.templateVersion(ctx, tx, env, t.LatestVersionID); err != nil {
			return err
		}
	}
	return checkClientSideCreation(t, latest)
}
