// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"crypto/rand"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// ID prefixes are part of the public contract: clients, logs and support
// tickets recognise an object by them. Never rename one.
const (
	PrefixInquiry         = "inq_"
	PrefixTemplate        = "itmpl_"  // Dynamic Flow inquiry template
	PrefixTemplateVersion = "itmplv_" // immutable published version
	PrefixLegacyTemplate  = "tmpl_"   // legacy (linear flow) template
	PrefixAccount         = "act_"
	PrefixSession         = "iqse_"
	PrefixVerification    = "ver_"
	PrefixEvent           = "evt_"
	PrefixAPIKey          = "key_"
	PrefixRequest         = "req_"
	PrefixWebhook         = "wbh_"
	PrefixWebhookSecret   = "wbhsec_"
	PrefixWebhookDelivery = "whdel_"
)

// idLength is the number of random characters after the prefix. Persona's
// inquiry ids are "inq_" plus 28 characters; we use the same everywhere.
const idLength = 28

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// NewID returns prefix followed by 28 random base62 characters (about 166
// bits), so ids can be neither guessed nor enumerated.
func NewID(prefix string) string {
	return prefix + RandomString(idLength)
}

// RandomString returns n characters drawn uniformly from the base62 alphabet
// using crypto/rand.
func RandomString(n int) string {
	var b strings.Builder
	b.Grow(n)
	buf := make([]byte, n+n/2)
	for b.Len() < n {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails on supported platforms
		for _, c := range buf {
			// 248 = 4*62: rejecting the top values keeps the draw uniform.
			if c < 248 && b.Len() < n {
				b.WriteByte(base62[c%62])
			}
		}
	}
	return b.String()
}

// HasIDPrefix reports whether id starts with prefix and has a plausible
// length and alphabet, to turn garbage into a clean not-found early.
func HasIDPrefix(id, prefix string) bool {
	if !strings.HasPrefix(id, prefix) || len(id) <= len(prefix) || len(id) > len(prefix)+64 {
		return false
	}
	for _, c := range id[len(prefix):] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// lastSortable is the last time prefix handed out by NewSortableID.
var lastSortable atomic.Int64

// NewSortableID returns an id whose first 12 characters encode the time in
// base 36 and strictly increase within the process, followed by 16 random
// characters (about 95 bits: still beyond guessing, even knowing the
// time). Digits and lowercase letters sort the same way under byte order
// and the usual database collations.
//
// Events use it so that, among events with the same created-at (one
// transaction), the id still orders them as they were written. Inquiries
// use it because their id keys the inquiries table and the per-inquiry
// event indexes: increasing keys land on the last page of each index,
// which one group commit then writes once, where random ones dirty a page
// per inquiry (creates ran about a quarter faster in BenchmarkCreateInquiry).
func NewSortableID(prefix string, t time.Time) string {
	n := t.UnixNano()
	for {
		last := lastSortable.Load()
		if n <= last {
			n = last + 1
		}
		if lastSortable.CompareAndSwap(last, n) {
			break
		}
	}
	ts := strconv.FormatInt(n, 36)
	return prefix + strings.Repeat("0", 12-len(ts)) + ts + RandomString(idLength-12)
}
