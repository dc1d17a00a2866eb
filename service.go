// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Service holds the business rules. Every mutation runs in one Store
// transaction that writes the state change, its events and its follow-up
// jobs together, so none of them exists without the others.
//
// Fields are set by cmd/vouch (explicit wiring) and must not change after
// the service starts serving.
type Service struct {
	Store Store
	Keys  *Keyring
	Blobs BlobStore
	// Engines decide verifications by type. A type without an engine is
	// never passed in production.
	Engines map[VerificationType]Engine
	// SandboxEngine, when set, decides every verification of the sandbox
	// environment instead of Engines (spec §3.7: no real verification in
	// the sandbox; the tester forces the outcome, see SandboxOutcomeKey).
	// It is never used for production verifications.
	SandboxEngine Engine
	// Now is the clock; tests replace it.
	Now    func() time.Time
	Logger *slog.Logger
	// Issuer is the "iss" claim of session tokens (the public base URL).
	Issuer string
	// OnTransition, when set, is told of every committed status change
	// (for metrics). It must not block.
	OnTransition func(from, to InquiryStatus)

	tokenKey   []byte // derived once from the master key
	linkKey    []byte // derives one-time link codes (service_link.go)
	derivedKey []byte // seals values that belong to no inquiry

	authMu    sync.Mutex
	authCache map[string]authEntry

	// versions caches template versions, which never change once
	// published, by environment and id. Shared values: read only.
	versionsMu sync.RWMutex
	versions   map[string]*TemplateVersion
}

// maxCachedVersions bounds the version cache; it is cleared when full.
const maxCachedVersions = 10_000

// templateVersion reads a template version through the cache.
func (s *Service) templateVersion(ctx Context, tx Tx, env Environment, id string) (*TemplateVersion, error) {
	key := string(env) + "/" + id
	s.versionsMu.RLock()
	v, ok := s.versions[key]
	s.versionsMu.RUnlock()
	if ok {
		return v, nil
	}
	v, err := tx.TemplateVersionGetByID(ctx, env, id)
	if err != nil {
		return nil, err
	}
	s.versionsMu.Lock()
	if len(s.versions) >= maxCachedVersions {
		clear(s.versions)
	}
	s.versions[key] = v
	s.versionsMu.Unlock()
	return v, nil
}

// NewService returns a service with the default clock and logger.
func NewService(store Store, keys *Keyring, blobs BlobStore) *Service {
	return &Service{
		Store:      store,
		Keys:       keys,
		Blobs:      blobs,
		Engines:    map[VerificationType]Engine{},
		Now:        time.Now,
		Logger:     slog.Default(),
		Issuer:     "vouch",
		tokenKey:   keys.DeriveKey("session-token"),
		linkKey:    keys.DeriveKey("one-time-link"),
		derivedKey: keys.DeriveKey("unowned-sealed-values"),
		authCache:  map[string]authEntry{},
		versions:   map[string]*TemplateVersion{},
	}
}

// now returns the clock's time in UTC at the microsecond precision the
// stores keep, so a value read back equals the value written.
func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// update runs fn in a write transaction and then reports the status
// transitions it recorded, only once the transaction has committed.
func (s *Service) update(ctx Context, fn func(tx Tx, w *work) error) error {
	w := &work{}
	if err := s.Store.Update(ctx, func(tx Tx) error {
		w.transitions = w.transitions[:0]
		return fn(tx, w)
	}); err != nil {
		return err
	}
	if s.OnTransition != nil {
		for _, t := range w.transitions {
			s.OnTransition(t[0], t[1])
		}
	}
	return nil
}

// work collects side effects of one transaction that must wait for commit.
type work struct {
	transitions [][2]InquiryStatus
}

// dataKey unwraps an inquiry's data key; a redacted inquiry has none.
func (s *Service) dataKey(inq *Inquiry) ([]byte, error) {
	if inq.WrappedKey == nil {
		return nil, nil
	}
	dk, err := s.Keys.UnwrapKey(inq.WrappedKey, "inquiry:"+inq.ID)
	if err != nil {
		return nil, fmt.Errorf("unwrap data key of %s: %w", inq.ID, err)
	}
	return dk, nil
}

// sealFields stores inq.Fields sealed with the inquiry's data key.
func (s *Service) sealFields(inq *Inquiry, dk []byte) error {
	if dk == nil {
		inq.SealedFields = nil
		return nil
	}
	b, err := json.Marshal(inq.Fields)
	if err != nil {
		return fmt.Errorf("encode fields: %w", err)
	}
	inq.SealedFields, err = Seal(dk, b, "inquiry-fields:"+inq.ID)
	return err
}

// openInquiry decrypts an inquiry read from the store in place and returns
// its data key (nil once redacted), which callers need for the rest of the
// inquiry's data: unwrapping it is done once.
func (s *Service) openInquiry(inq *Inquiry) ([]byte, error) {
	inq.Fields = nil
	dk, err := s.dataKey(inq)
	if err != nil || dk == nil || inq.SealedFields == nil {
		return dk, err
	}
	b, err := Open(dk, inq.SealedFields, "inquiry-fields:"+inq.ID)
	if err != nil {
		return nil, fmt.Errorf("open fields of %s: %w", inq.ID, err)
	}
	return dk, json.Unmarshal(b, &inq.Fields)
}

// openVerification decrypts a verification's extracted data in place.
func (s *Service) openVerification(v *Verification, dk []byte) error {
	v.Data = nil
	if dk == nil || v.SealedData == nil {
		return nil
	}
	b, err := Open(dk, v.SealedData, "verification-data:"+v.ID)
	if err != nil {
		return fmt.Errorf("open data of %s: %w", v.ID, err)
	}
	return json.Unmarshal(b, &v.Data)
}

// sealVerification seals v.Data with the inquiry's data key.
func (s *Service) sealVerification(v *Verification, dk []byte) error {
	if dk == nil || v.Data == nil {
		v.SealedData = nil
		return nil
	}
	b, err := json.Marshal(v.Data)
	if err != nil {
		return fmt.Errorf("encode verification data: %w", err)
	}
	v.SealedData, err = Seal(dk, b, "verification-data:"+v.ID)
	return err
}

// emit writes an event in tx. For an inquiry's events it takes the next
// sequence number from inq, which the store records on the inquiry with
// the event (a change that alters nothing else of inq need not write it),
// and seals the snapshot with the inquiry's data key, so redaction makes
// it unreadable; other snapshots are sealed with a derived key.
func (s *Service) emit(ctx Context, tx Tx, inq *Inquiry, dk []byte, name string, snap EventSnapshot) error {
	now := s.now()
	e := &Event{
		ID:        NewSortableID(PrefixEvent, now),
		Name:      name,
		CreatedAt: now,
	}
	switch {
	case snap.Inquiry != nil:
		e.ObjectType, e.ObjectID, e.Environment = ObjectInquiry, snap.Inquiry.ID, snap.Inquiry.Environment
	case snap.Verification != nil:
		e.ObjectType, e.ObjectID, e.Environment = ObjectVerification, snap.Verification.ID, snap.Verification.Environment
	case snap.Session != nil:
		e.ObjectType, e.ObjectID, e.Environment = ObjectSession, snap.Session.ID, snap.Session.Environment
	case snap.Account != nil:
		e.ObjectType, e.ObjectID, e.Environment = ObjectAccount, snap.Account.ID, snap.Account.Environment
	case snap.Webhook != nil:
		e.ObjectType, e.ObjectID, e.Environment = ObjectWebhook, snap.Webhook.ID, snap.Webhook.Environment
	default:
		return errors.New("emit: empty snapshot")
	}
	b, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	key := s.derivedKey
	if inq != nil {
		inq.EventSeq++
		e.InquiryID, e.Seq = inq.ID, inq.EventSeq
		if dk != nil {
			key = dk
		}
	}
	if e.SealedSnapshot, err = Seal(key, b, "event:"+e.ID); err != nil {
		return err
	}
	if err := tx.EventInsert(ctx, e); err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	return s.enqueueWebhooks(ctx, tx, e)
}

// copyInquiry returns a copy for a snapshot, so later changes in the same
// transaction do not leak into an earlier event.
func copyInquiry(inq *Inquiry) *Inquiry {
	c := *inq
	c.Tags = append([]string(nil), inq.Tags...)
	if inq.Fields != nil {
		c.Fields = make(Fields, len(inq.Fields))
		for k, v := range inq.Fields {
			c.Fields[k] = v
		}
	}
	return &c
}

// timePtr returns a pointer to t.
func timePtr(t time.Time) *time.Time { return &t }

// DataVersion returns the store's DataVersion and true, or false when the
// store has none (see VersionedStore) or could not read it.
func (s *Service) DataVersion(ctx Context) (DataVersion, bool) {
	vs, ok := s.Store.(VersionedStore)
	if !ok {
		return DataVersion{}, false
	}
	v, err := vs.DataVersion(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.Logger.Warn("could not read the data version", "error", err)
		}
		return DataVersion{}, false
	}
	return v, true
}
