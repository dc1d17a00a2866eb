// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"crypto/rand"
	"strings"
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
