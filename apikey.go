// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"time"
)

// APIKey authenticates REST API calls for one environment. The secret is
// shown once at creation; only its SHA-256 is stored.
type APIKey struct {
	ID          string
	Environment Environment
	Name        string
	// Hint is the key's visible prefix and last four characters, enough to
	// recognise it in a list without being usable.
	Hint       string
	Hash       []byte `json:"-"`
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// apiKeyBodyLength is the random part of a key: 40 base62 chars ≈ 238 bits.
const apiKeyBodyLength = 40

// APIKeyPrefix returns the visible prefix of keys of env, e.g.
// "vouch_sandbox_". Secret scanners match on it.
func APIKeyPrefix(env Environment) string { return "vouch_" + string(env) + "_" }

// NewAPIKeySecret returns a fresh key for env: prefix, 40 random base62
// characters, and a 6-character CRC-32 checksum of both, so a scanner can
// tell a real key from a look-alike without asking us.
func NewAPIKeySecret(env Environment) string {
	body := APIKeyPrefix(env) + RandomString(apiKeyBodyLength)
	return body + keyChecksum(body)
}

// keyChecksum encodes CRC-32 of s in 6 base62 characters.
func keyChecksum(s string) string {
	var buf [8]byte
	binary.BigEndian.PutUint32(buf[4:], crc32.ChecksumIEEE([]byte(s)))
	n := binary.BigEndian.Uint64(buf[:])
	out := make([]byte, 6)
	for i := 5; i >= 0; i-- {
		out[i] = base62[n%62]
		n /= 62
	}
	return string(out)
}

// ParseAPIKeySecret checks a presented key's shape and checksum and returns
// its environment. It rejects typos and truncations before any lookup.
func ParseAPIKeySecret(secret string) (Environment, bool) {
	for _, env := range Environments {
		p := APIKeyPrefix(env)
		if !strings.HasPrefix(secret, p) || len(secret) != len(p)+apiKeyBodyLength+6 {
			continue
		}
		body, sum := secret[:len(secret)-6], secret[len(secret)-6:]
		if subtle.ConstantTimeCompare([]byte(keyChecksum(body)), []byte(sum)) == 1 {
			return env, true
		}
	}
	return "", false
}

// HashSecret returns the SHA-256 of a high-entropy secret (API key, token
// id). A plain hash is right here: the inputs are random, not passwords.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// APIKeyHint returns the displayable hint of a secret.
func APIKeyHint(secret string) string {
	if len(secret) < 10 {
		return ""
	}
	return secret[:strings.LastIndexByte(secret, '_')+1] + "…" + secret[len(secret)-4:]
}
