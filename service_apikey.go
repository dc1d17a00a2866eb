// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"crypto/sha256"
	"strings"
	"time"
)

// authCacheTTL bounds how long a verified key is trusted without a
// database read. A revocation is seen at once by the process that made
// it, and within this interval by every other one: keys are revoked with
// `vouch keys revoke`, another process, so this is the window in which a
// revoked key still works. One read per key and second costs nothing
// next to the requests it serves; it was ten seconds.
const authCacheTTL = time.Second

// lastUsedResolution limits last-used-at writes to one a minute per key, so
// authenticated reads stay reads.
const lastUsedResolution = time.Minute

type authEntry struct {
	key     *APIKey
	checked time.Time
}

// CreateAPIKey makes a key for env and returns it with its secret, which
// is never stored and cannot be shown again.
func (s *Service) CreateAPIKey(ctx Context, env Environment, name string) (*APIKey, string, error) {
	if !env.Valid() {
		return nil, "", FieldError("environment", "environment must be %q or %q", Sandbox, Production)
	}
	name = strings.TrimSpace(name)
	if len(name) > 200 {
		return nil, "", FieldError("name", "name must be at most 200 characters.")
	}
	secret := NewAPIKeySecret(env)
	k := &APIKey{ID: NewID(PrefixAPIKey), Environment: env, Name: name, Hint: APIKeyHint(secret),
		Hash: HashSecret(secret), CreatedAt: s.now()}
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.APIKeyInsert(ctx, k) }); err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// AuthenticateAPIKey returns the live key matching secret. Any problem
// (malformed, bad checksum, unknown, revoked) is the same EUNAUTHORIZED.
func (s *Service) AuthenticateAPIKey(ctx Context, secret string) (*APIKey, error) {
	bad := Errorf(EUNAUTHORIZED, "The API key is not valid.")
	if _, ok := ParseAPIKeySecret(secret); !ok {
		return nil, bad
	}
	hash := HashSecret(secret)
	cacheKey := string(hash)
	now := s.now()
	s.authMu.Lock()
	e, ok := s.authCache[cacheKey]
	s.authMu.Unlock()
	if ok && now.Sub(e.checked) < authCacheTTL {
		return e.key, nil
	}
	var k *APIKey
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		k, err = tx.APIKeyGetByHash(ctx, hash)
		return err
	})
	if ErrorCode(err) == ENOTFOUND || (err == nil && k.RevokedAt != nil) {
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > lastUsedResolution {
		k.LastUsedAt = timePtr(now)
		if err := s.Store.Update(ctx, func(tx Tx) error { return tx.APIKeyTouch(ctx, k.ID, now) }); err != nil {
			s.Logger.Warn("could not record API key use", "key_id", k.ID, "error", err)
		}
	}
	s.authMu.Lock()
	if len(s.authCache) > 10_000 { // bound memory against many distinct keys
		clear(s.authCache)
	}
	s.authCache[cacheKey] = authEntry{key: k, checked: now}
	s.authMu.Unlock()
	return k, nil
}

// FindAPIKeys lists every key (hints only, never secrets).
func (s *Service) FindAPIKeys(ctx Context) ([]*APIKey, error) {
	var list []*APIKey
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		list, err = tx.APIKeyList(ctx)
		return err
	})
	return list, err
}

// RevokeAPIKey revokes a key for good.
func (s *Service) RevokeAPIKey(ctx Context, id string) (*APIKey, error) {
	if !HasIDPrefix(id, PrefixAPIKey) {
		return nil, Errorf(ENOTFOUND, "API key %s not found.", id)
	}
	var k *APIKey
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if k, err = tx.APIKeyGetByID(ctx, id); err != nil {
			return err
		}
		if k.RevokedAt == nil {
			k.RevokedAt = timePtr(s.now())
		}
		return tx.APIKeyUpdate(ctx, k)
	})
	if err != nil {
		return nil, err
	}
	s.authMu.Lock()
	delete(s.authCache, string(k.Hash))
	s.authMu.Unlock()
	return k, nil
}

// idempotencyAAD binds a sealed response to its key and API key.
func idempotencyAAD(apiKeyID, key string) string {
	h := sha256.Sum256([]byte(apiKeyID + "\x00" + key))
	return "idempotency:" + string(h[:])
}

// FindIdempotentResponse returns the stored first response for an
// Idempotency-Key. ENOTFOUND when there is none younger than IdempotencyTTL.
func (s *Service) FindIdempotentResponse(ctx Context, apiKeyID, key string) (*IdempotencyRecord, []byte, error) {
	var r *IdempotencyRecord
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		r, err = tx.IdempotencyGet(ctx, apiKeyID, key)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if s.now().Sub(r.CreatedAt) > IdempotencyTTL {
		return nil, nil, Errorf(ENOTFOUND, "No stored response.")
	}
	body, err := Open(s.derivedKey, r.SealedBody, idempotencyAAD(apiKeyID, key))
	if err != nil {
		return nil, nil, err
	}
	return r, body, nil
}

// SaveIdempotentResponse stores a first response, sealed. ECONFLICT when
// another request stored one for the key first.
func (s *Service) SaveIdempotentResponse(ctx Context, rec *IdempotencyRecord, body []byte) error {
	sealed, err := Seal(s.derivedKey, body, idempotencyAAD(rec.APIKeyID, rec.Key))
	if err != nil {
		return err
	}
	rec.SealedBody = sealed
	if rec.CreatedAt.IsZero() {
		rec.CreatedAt = s.now()
	}
	return s.Store.Update(ctx, func(tx Tx) error {
		// A stale record of the same key is replaced, not replayed.
		if old, err := tx.IdempotencyGet(ctx, rec.APIKeyID, rec.Key); err == nil &&
			s.now().Sub(old.CreatedAt) > IdempotencyTTL {
			if _, err := tx.IdempotencyDeleteBefore(ctx, s.now().Add(-IdempotencyTTL)); err != nil {
				return err
			}
		}
		return tx.IdempotencyInsert(ctx, rec)
	})
}

// PruneIdempotency deletes stored responses older than IdempotencyTTL (a
// periodic job).
func (s *Service) PruneIdempotency(ctx Context) error {
	return s.Store.Update(ctx, func(tx Tx) error {
		_, err := tx.IdempotencyDeleteBefore(ctx, s.now().Add(-IdempotencyTTL))
		return err
	})
}
