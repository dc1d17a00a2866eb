// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"maps"
	"slices"

	"github.com/vouch-id/vouch"
)

// writerCache keeps, for SQLite's grouped write transactions, the rows that
// nearly every one of them reads and almost none writes: the template an
// inquiry is created from, and the enabled webhook endpoints that every
// event is offered to. Each of those reads is a statement on the single
// writer connection, which runs every write of the process one after
// another, so a read saved there is time saved for all writers; the two
// were about a tenth of an inquiry create's time on the writer.
//
// A cached row is one the database held as committed, and it stays in the
// cache only while nothing may have changed it:
//   - Another connection, of this process or another (vouch templates
//     apply, a second server on the same file), may commit at any moment
//     between two groups. PRAGMA data_version, read once at the start of
//     each group, changes exactly when one did; the cache is then emptied.
//     Inside the group, BEGIN IMMEDIATE holds the write lock, so nobody
//     else commits until the group's COMMIT.
//   - A write through this store to one of the tables empties that part
//     of the cache and keeps it from being filled again until the group's
//     transaction ends: the rows the transaction then reads are not
//     committed yet and may still be rolled back.
//
// Only the goroutine running a group uses the cache, one group at a time.
// A nil *writerCache (every transaction but SQLite's grouped ones) caches
// nothing: its lookups miss and its other methods do nothing.
type writerCache struct {
	version   int64 // PRAGMA data_version when the last group began
	templates map[string]vouch.Template
	webhooks  map[vouch.Environment][]*vouch.WebhookEndpoint
	// Set by a write to the table in the running transaction.
	templatesWritten, webhooksWritten bool
}

func newWriterCache() *writerCache {
	return &writerCache{templates: map[string]vouch.Template{}, webhooks: map[vouch.Environment][]*vouch.WebhookEndpoint{}}
}

// begin checks, inside a group's transaction, whether another connection
// committed since the last group began, and empties the cache if one did
// or if that cannot be told.
func (c *writerCache) begin(ctx context.Context, tx *sql.Tx) {
	c.templatesWritten, c.webhooksWritten = false, false
	var v int64
	if err := tx.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil || v != c.version {
		clear(c.templates)
		clear(c.webhooks)
		c.version = v
		if err != nil {
			c.version = -1 // never a data_version: the next group empties it again
		}
	}
}

func templateKey(env vouch.Environment, id string) string { return string(env) + "/" + id }

// template returns a copy of a cached template.
func (c *writerCache) template(env vouch.Environment, id string) (*vouch.Template, bool) {
	if c == nil {
		return nil, false
	}
	tp, ok := c.templates[templateKey(env, id)]
	return &tp, ok
}

// putTemplate caches a template read in the running transaction, unless
// the transaction wrote templates.
func (c *writerCache) putTemplate(tp *vouch.Template) {
	if c != nil && !c.templatesWritten {
		c.templates[templateKey(tp.Environment, tp.ID)] = *tp
	}
}

// wroteTemplates records a write to the templates table.
func (c *writerCache) wroteTemplates() {
	if c == nil {
		return
	}
	c.templatesWritten = true
	clear(c.templates)
}

// enabledWebhooks returns copies of an environment's cached enabled
// endpoints.
func (c *writerCache) enabledWebhooks(env vouch.Environment) ([]*vouch.WebhookEndpoint, bool) {
	if c == nil {
		return nil, false
	}
	list, ok := c.webhooks[env]
	if !ok {
		return nil, false
	}
	return cloneWebhooks(list), true
}

// putEnabledWebhooks caches an environment's enabled endpoints, read in
// the running transaction, unless the transaction wrote webhooks.
func (c *writerCache) putEnabledWebhooks(env vouch.Environment, list []*vouch.WebhookEndpoint) {
	if c != nil && !c.webhooksWritten {
		c.webhooks[env] = cloneWebhooks(list)
	}
}

// wroteWebhooks records a write to the webhooks table.
func (c *writerCache) wroteWebhooks() {
	if c == nil {
		return
	}
	c.webhooksWritten = true
	clear(c.webhooks)
}

// cloneWebhooks copies endpoints deeply enough that a caller changing one
// changes nothing cached.
func cloneWebhooks(list []*vouch.WebhookEndpoint) []*vouch.WebhookEndpoint {
	out := make([]*vouch.WebhookEndpoint, len(list))
	for i, w := range list {
		c := *w
		c.EnabledEvents = slices.Clone(w.EnabledEvents)
		c.CustomHeaders = maps.Clone(w.CustomHeaders)
		c.SealedSecret = slices.Clone(w.SealedSecret)
		c.SealedPreviousSecret = slices.Clone(w.SealedPreviousSecret)
		c.SealedHeaders = slices.Clone(w.SealedHeaders)
		if w.FailingSince != nil {
			t := *w.FailingSince
			c.FailingSince = &t
		}
		if w.PreviousSecretExpiresAt != nil {
			t := *w.PreviousSecretExpiresAt
			c.PreviousSecretExpiresAt = &t
		}
		out[i] = &c
	}
	return out
}
