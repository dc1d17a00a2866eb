// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"sync"
	"time"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/response"
)

// Bounds of the response cache. Bodies hold personal data in clear, so
// they are kept briefly and in bounded memory even while nothing changes.
const (
	cacheMaxBytes = 16 << 20
	cacheMaxAge   = time.Minute
)

// rendered is a reply document that is already JSON.
type rendered []byte

// responseCache keeps rendered bodies of retrieve responses for exactly as
// long as the database has not changed since they were rendered.
//
// Integrations poll GET /inquiries/{id} while their users go through the
// flow, and a retrieve costs several queries, a key unwrap, decryption
// and rendering, while serving a kept body costs one version read. Validity is
// the store's DataVersion: every commit of any process moves it, so a
// kept body is never older than the last commit. Every entry belongs to
// the one version the cache holds; the first request that brings another
// version drops them all, which also takes the personal data of redacted
// inquiries out of memory at once. (A request that read its version just
// before a commit may bring the older one back; its entries then serve
// only requests that read that same version, before the commit, and the
// next request to read the new version drops them again.)
//
// Stores without a DataVersion (PostgreSQL, where other replicas write)
// are never cached.
type responseCache struct {
	mu      sync.Mutex
	version vouch.DataVersion
	entries map[string]cacheEntry
	bytes   int
}

type cacheEntry struct {
	body []byte
	at   time.Time
}

// get returns the body kept under key if the database is still at v.
func (c *responseCache) get(v vouch.DataVersion, key string, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != v {
		c.reset(v)
		return nil, false
	}
	e, ok := c.entries[key]
	if !ok || now.Sub(e.at) >= cacheMaxAge {
		return nil, false
	}
	return e.body, true
}

// put keeps body under key, rendered from the database at version v (read
// before the rendering began). A body whose version the cache has left
// behind is dropped: a commit may have come between.
func (c *responseCache) put(v vouch.DataVersion, key string, body []byte, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != v {
		return
	}
	size := len(key) + len(body)
	if size > cacheMaxBytes/16 {
		return
	}
	if c.bytes+size > cacheMaxBytes {
		c.reset(v)
	}
	if old, ok := c.entries[key]; ok {
		c.bytes -= len(key) + len(old.body)
	}
	c.entries[key] = cacheEntry{body: body, at: now}
	c.bytes += size
}

func (c *responseCache) reset(v vouch.DataVersion) {
	c.version, c.entries, c.bytes = v, map[string]cacheEntry{}, 0
}

// cached wraps a retrieve route whose 200 response depends only on the
// request's environment and URI, on whether its Persona-Version includes
// by default, and on the database: no clock, no key beyond its
// environment, no other header (Key-Inflection is applied to the body
// afterwards, by run).
func (h *handler) cached(fn apiFunc) apiFunc {
	return func(r *http.Request, c *call) (*reply, error) {
		v, ok := h.svc.DataVersion(r.Context())
		if !ok {
			return fn(r, c)
		}
		key := string(c.env) + " " + r.URL.RequestURI()
		if !c.defaultIncludes() {
			key += " " + versionNoDefaultIncludes
		}
		body, hit := h.cache.get(v, key, h.now())
		if h.onCacheLookup != nil {
			h.onCacheLookup(hit)
		}
		if hit {
			return &reply{status: http.StatusOK, doc: rendered(body)}, nil
		}
		rep, err := fn(r, c)
		if err != nil || rep.status != http.StatusOK {
			return rep, err
		}
		body, err = response.Marshal(rep.doc)
		if err != nil {
			return nil, err
		}
		h.cache.put(v, key, body, h.now())
		return &reply{status: rep.status, doc: rendered(body), objectID: rep.objectID}, nil
	}
}
