// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader is the header that carries the signature (spec §5.4).
const SignatureHeader = "Persona-Signature"

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock before Verify rejects it as a replay. Persona does not
// document one; five minutes is the common choice.
const DefaultTolerance = 5 * time.Minute

// Errors Verify returns; match them with errors.Is.
var (
	// ErrNoSignature: the header is empty or has no usable t=…,v1=… group.
	ErrNoSignature = errors.New("webhook: no signature")
	// ErrBadSignature: no v1 matches any of the secrets.
	ErrBadSignature = errors.New("webhook: signature does not match")
	// ErrStale: the timestamp is outside the tolerance.
	ErrStale = errors.New("webhook: signature timestamp outside tolerance")
)

// Sign returns the Persona-Signature header value for body at t: one
// "t=<unix>,v1=<hex>" group per secret, space separated, in order.
func Sign(body []byte, secrets []string, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	groups := make([]string, 0, len(secrets))
	for _, s := range secrets {
		groups = append(groups, "t="+ts+",v1="+mac(s, ts, body))
	}
	return strings.Join(groups, " ")
}

// mac is hex(HMAC-SHA256(secret, ts + "." + body)).
func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a Persona-Signature header against the raw request body,
// as a receiver must: it accepts when any group's v1 is the HMAC of its own
// t and the body under any of secrets (so both secrets work during a
// rotation), and that t is within tolerance of now (0 disables the check).
// Read the body as raw bytes: re-serialised JSON will not verify. The
// comparison is constant-time.
func Verify(header string, body []byte, secrets []string, tolerance time.Duration, now time.Time) error {
	found, stale := false, false
	for _, group := range strings.Fields(header) {
		var ts string
		var sigs []string
		for _, kv := range strings.Split(group, ",") {
			k, v, ok := strings.Cut(kv, "=")
			switch {
			case !ok:
			case k == "t":
				ts = v
			case k == "v1":
				sigs = append(sigs, v)
			}
		}
		unix, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || len(sigs) == 0 {
			continue
		}
		found = true
		for _, secret := range secrets {
			if secret == "" {
				continue
			}
			want := []byte(mac(secret, ts, body))
			for _, sig := range sigs {
				if hmac.Equal(want, []byte(strings.ToLower(sig))) {
					if tolerance > 0 && now.Sub(time.Unix(unix, 0)).Abs() > tolerance {
						stale = true
						continue
					}
					return nil
				}
			}
		}
	}
	switch {
	case stale:
		return ErrStale
	case !found:
		return ErrNoSignature
	}
	return ErrBadSignature
}
