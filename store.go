// SPDX-License-Identifier: Apache-2.0

package vouch

import "time"

// Store is the persistence of the domain. sqlite and postgres implement it
// with the same SQL semantics, proven by the storetest conformance suite.
//
// The store never sees personal data in clear: the Service seals field
// values, extracted data and event snapshots before they reach it.
type Store interface {
	// Update runs fn in a read-write transaction and commits if fn returns
	// nil. On SQLite writes are serialised; on PostgreSQL rows read with
	// InquiryGetForUpdate are locked until the transaction ends.
	Update(ctx Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction (a snapshot on both engines).
	View(ctx Context, fn func(Tx) error) error
	// Close releases the store's connections.
	Close() error
}

// DataVersion names a state of a whole database. Two equal versions read
// from one store mean nothing at all was committed between the two reads,
// by this process or any other, so anything computed from the first state
// still holds at the second.
//
// Only equality means anything: the fields are the store's own and may
// move without a visible change (which costs a cache miss, nothing more).
type DataVersion struct {
	Epoch uint64
	Seq   uint64
}

// VersionedStore is a Store that can read its DataVersion more cheaply
// than the queries it saves. It lets the API serve a rendered response again
// for as long as the database has not changed (SQLite's WAL index header);
// stores without such a counter (PostgreSQL) simply do not implement it.
type VersionedStore interface {
	Store
	DataVersion(ctx Context) (DataVersion, error)
}

// Tx is one transaction. Methods are noun-first, one per query. Getters
// return an ENOTFOUND *Error when nothing matches the id in that
// environment; inserts return ECONFLICT on a duplicate unique key.
type Tx interface {
	InquiryInsert(ctx Context, inq *Inquiry) error
	InquiryGetByID(ctx Context, env Environment, id string) (*Inquiry, error)
	// InquiryGetForUpdate reads an inquiry and locks it against concurrent
	// writers until the transaction ends.
	InquiryGetForUpdate(ctx Context, env Environment, id string) (*Inquiry, error)
	// InquiryUpdate writes every mutable column of inq.
	InquiryUpdate(ctx Context, inq *Inquiry) error
	// InquiryList returns up to f.Limit inquiries newest first (ordered by
	// created-at then id), and whether more exist beyond the page.
	InquiryList(ctx Context, f InquiryFilter) ([]*Inquiry, bool, error)
	// InquiryListDue returns up to limit open (created or pending)
	// inquiries of both environments whose expires-at is at or before t,
	// earliest expires-at first (then by id): the expiry sweep's work list.
	// It reads an index of open inquiries only, so it stays cheap however
	// many closed ones the table holds. limit must be positive.
	InquiryListDue(ctx Context, t time.Time, limit int) ([]InquiryRef, error)

	TemplateInsert(ctx Context, t *Template) error
	TemplateGetByID(ctx Context, env Environment, id string) (*Template, error)
	// TemplateGetForUpdate reads a template and locks it until the
	// transaction ends, so two changes to it cannot lose one another.
	TemplateGetForUpdate(ctx Context, env Environment, id string) (*Template, error)
	TemplateUpdate(ctx Context, t *Template) error
	TemplateList(ctx Context, f TemplateFilter) ([]*Template, bool, error)
	TemplateVersionInsert(ctx Context, v *TemplateVersion) error
	TemplateVersionGetByID(ctx Context, env Environment, id string) (*TemplateVersion, error)
	TemplateVersionList(ctx Context, env Environment, templateID string) ([]*TemplateVersion, error)

	AccountInsert(ctx Context, a *Account) error
	AccountGetByID(ctx Context, env Environment, id string) (*Account, error)
	AccountGetByReferenceID(ctx Context, env Environment, referenceID string) (*Account, error)
	AccountList(ctx Context, f AccountFilter) ([]*Account, bool, error)

	SessionInsert(ctx Context, s *Session) error
	SessionGetByID(ctx Context, env Environment, id string) (*Session, error)
	SessionUpdate(ctx Context, s *Session) error
	// SessionGetByLinkHash returns the session whose one-time link has
	// the code hash, ENOTFOUND when none in env has.
	SessionGetByLinkHash(ctx Context, env Environment, hash []byte) (*Session, error)
	// SessionListByInquiry returns the sessions of the inquiries, oldest
	// first. A list of inquiries reads all their sessions in one query.
	SessionListByInquiry(ctx Context, env Environment, inquiryIDs ...string) ([]*Session, error)
	// SessionList pages through an environment's sessions, newest first.
	SessionList(ctx Context, f SessionFilter) ([]*Session, bool, error)

	VerificationInsert(ctx Context, v *Verification) error
	VerificationGetByID(ctx Context, env Environment, id string) (*Verification, error)
	VerificationUpdate(ctx Context, v *Verification) error
	// VerificationListByInquiry returns the verifications of the
	// inquiries, oldest first.
	VerificationListByInquiry(ctx Context, env Environment, inquiryIDs ...string) ([]*Verification, error)

	// EventInsert writes an event. An inquiry's event with Seq above 1
	// also records Seq as the inquiry's EventSeq, so the inquiry's next
	// event takes the next number even when the change did not write the
	// inquiry; Seq 1, the creation's event, is written before the
	// inquiry's row, whose insert carries it. Two events of one inquiry
	// with the same Seq are ECONFLICT.
	EventInsert(ctx Context, e *Event) error
	EventGetByID(ctx Context, env Environment, id string) (*Event, error)
	EventList(ctx Context, f EventFilter) ([]*Event, bool, error)

	APIKeyInsert(ctx Context, k *APIKey) error
	APIKeyGetByHash(ctx Context, hash []byte) (*APIKey, error)
	APIKeyGetByID(ctx Context, id string) (*APIKey, error)
	APIKeyUpdate(ctx Context, k *APIKey) error
	// APIKeyTouch records a use of the key at at. It writes no other
	// column, so it cannot undo a revocation committed since the key was
	// read.
	APIKeyTouch(ctx Context, id string, at time.Time) error
	APIKeyList(ctx Context) ([]*APIKey, error)

	IdempotencyGet(ctx Context, apiKeyID, key string) (*IdempotencyRecord, error)
	IdempotencyInsert(ctx Context, r *IdempotencyRecord) error
	// IdempotencyDeleteByObject forgets stored responses about an object
	// (on redaction, so no copy of its personal data survives).
	IdempotencyDeleteByObject(ctx Context, objectID string) error
	// IdempotencyDeleteBefore prunes records created before t.
	IdempotencyDeleteBefore(ctx Context, t time.Time) (int64, error)

	// SettingGet returns a stored setting, ENOTFOUND when unset.
	SettingGet(ctx Context, key string) (string, error)
	SettingSet(ctx Context, key, value string) error

	WebhookInsert(ctx Context, w *WebhookEndpoint) error
	WebhookGetByID(ctx Context, env Environment, id string) (*WebhookEndpoint, error)
	// WebhookGetForUpdate reads an endpoint and locks it against concurrent
	// writers until the transaction ends.
	WebhookGetForUpdate(ctx Context, env Environment, id string) (*WebhookEndpoint, error)
	// WebhookUpdate writes every mutable column of w.
	WebhookUpdate(ctx Context, w *WebhookEndpoint) error
	WebhookList(ctx Context, f WebhookFilter) ([]*WebhookEndpoint, bool, error)
	// WebhookListEnabled returns the environment's enabled endpoints. It
	// runs in the transaction of every event (the outbox), so it is indexed.
	WebhookListEnabled(ctx Context, env Environment) ([]*WebhookEndpoint, error)

	WebhookDeliveryInsert(ctx Context, d *WebhookDelivery) error
	// WebhookDeliveryGetRecords reads a delivery with its endpoint, its
	// event and its inquiry's data key.
	WebhookDeliveryGetRecords(ctx Context, env Environment, id string) (*DeliveryRecords, error)
	// WebhookDeliveryGetForUpdate reads a delivery and locks it until the
	// transaction ends, so two attempts cannot take the same number.
	WebhookDeliveryGetForUpdate(ctx Context, env Environment, id string) (*WebhookDelivery, error)
	WebhookDeliveryUpdate(ctx Context, d *WebhookDelivery) error
	WebhookDeliveryList(ctx Context, f WebhookDeliveryFilter) ([]*WebhookDelivery, bool, error)

	// WebhookAttemptInsert records an attempt; a duplicate number is ECONFLICT.
	WebhookAttemptInsert(ctx Context, a *WebhookAttempt) error
	// WebhookAttemptList returns a delivery's attempts in order.
	WebhookAttemptList(ctx Context, env Environment, deliveryID string) ([]*WebhookAttempt, error)

	// JobInsert enqueues a job in this transaction: it runs only if the
	// transaction commits.
	JobInsert(ctx Context, job Job, opts JobOptions) error
}

// InquiryRef names an inquiry without loading it.
type InquiryRef struct {
	ID          string
	Environment Environment
}

// IdempotencyRecord is the first response to a POST with an
// Idempotency-Key, replayed for 24 hours. The body may hold personal data,
// so it is stored sealed with a key derived from the master key.
type IdempotencyRecord struct {
	APIKeyID    string
	Key         string
	RequestHash []byte // SHA-256 of method, path and body
	Status      int
	SealedBody  []byte
	ObjectID    string // the object the response describes, if any
	CreatedAt   time.Time
}

// IdempotencyTTL is how long a stored response is replayed.
const IdempotencyTTL = 24 * time.Hour

// BlobStore keeps document images and selfies. Blobs are sealed by the
// Service before Put, so an implementation stores opaque bytes.
type BlobStore interface {
	Put(ctx Context, key string, data []byte) error
	// Get returns ENOTFOUND when the key does not exist.
	Get(ctx Context, key string) ([]byte, error)
	// DeletePrefix removes every blob whose key starts with prefix.
	DeletePrefix(ctx Context, prefix string) error
}
