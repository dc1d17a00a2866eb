// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"sync"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/request"
	"github.com/vouch-id/vouch/web/response"
)

// Idempotency (spec §4.5): the first response to a POST carrying an
// Idempotency-Key, whatever its status, is stored and replayed for
// vouch.IdempotencyTTL to any request with the same key from the same API
// key. Authentication and rate limiting happen before this layer, so a
// request refused there can be retried with the same key.
const (
	IdempotencyKeyHeader    = "Idempotency-Key"
	IdempotentReplayHeader  = "Idempotent-Replayed"
	MaxIdempotencyKeyLength = 255
)

// keyLocks marks the idempotency keys whose first request is still
// running in this process, so a concurrent duplicate gets a 409 instead of
// running twice. Across processes, the store's unique key decides (the
// loser's SaveIdempotentResponse returns ECONFLICT).
type keyLocks struct {
	mu   sync.Mutex
	held map[string]struct{}
}

// acquire takes the lock of k, reporting false if it is held.
func (l *keyLocks) acquire(k string) (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, busy := l.held[k]; busy {
		return nil, false
	}
	if l.held == nil {
		l.held = map[string]struct{}{}
	}
	l.held[k] = struct{}{}
	return func() {
		l.mu.Lock()
		delete(l.held, k)
		l.mu.Unlock()
	}, true
}

// requestHash identifies what was asked: method, path, query (include=
// changes the answer) and raw body. A reused key with a different hash is
// refused (spec §4.5: same key, different parameters is an error).
func requestHash(r *http.Request, body []byte) []byte {
	h := sha256.New()
	h.Write([]byte(r.Method + "\x00" + r.URL.Path + "\x00" + r.URL.RawQuery + "\x00"))
	h.Write(body)
	return h.Sum(nil)
}

// idempotent serves a POST with an Idempotency-Key: it replays the stored
// response if there is one, else runs fn and stores what it answered.
func (h *handler) idempotent(w http.ResponseWriter, r *http.Request, c *call, key string, fn apiFunc) {
	ctx := r.Context()
	if len(key) > MaxIdempotencyKeyLength {
		response.Error(w, r, vouch.Errorf(vouch.EINVALID, "The Idempotency-Key header must be at most %d characters.", MaxIdempotencyKeyLength))
		return
	}
	release, ok := h.locks.acquire(c.key.ID + "\x00" + key)
	if !ok {
		response.Error(w, r, vouch.Errorf(vouch.ECONFLICT, "A request with this Idempotency-Key is still in progress."))
		return
	}
	defer release()

	hash := requestHash(r, c.body)
	rec, body, err := h.svc.FindIdempotentResponse(ctx, c.key.ID, key)
	switch {
	case err == nil:
		if subtle.ConstantTimeCompare(rec.RequestHash, hash) != 1 {
			response.Error(w, r, vouch.Errorf(vouch.EUNPROCESSABLE, "This Idempotency-Key was already used for a different request."))
			return
		}
		w.Header().Set(IdempotentReplayHeader, "true")
		response.Raw(w, rec.Status, body)
		return
	case vouch.ErrorCode(err) != vouch.ENOTFOUND:
		response.Error(w, r, err)
		return
	}

	res := h.run(r, c, fn)
	// The response is stored even if the client has gone, so its retry
	// gets the answer instead of a second run.
	err = h.svc.SaveIdempotentResponse(context.WithoutCancel(ctx), &vouch.IdempotencyRecord{
		APIKeyID:    c.key.ID,
		Key:         key,
		RequestHash: hash,
		Status:      res.status,
		ObjectID:    res.objectID,
	}, res.body)
	if err != nil {
		// The work is done either way; the client gets its answer. A
		// conflict means another replica answered the same key first.
		request.Logger(ctx).WarnContext(ctx, "could not store idempotent response",
			"code", vouch.ErrorCode(err), "error", err.Error())
	}
	response.Raw(w, res.status, res.body)
}

// recorder captures what response.Error writes, so an error can be stored
// for replay like any other response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

// Header implements http.ResponseWriter.
func (r *recorder) Header() http.Header { return r.header }

// WriteHeader implements http.ResponseWriter.
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// Write implements http.ResponseWriter.
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
