// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// Session tokens are HS256 JWTs shaped like Persona's published example
// (spec §3.3): sub and sid name the iqse_ session, aud is "persona-verify",
// and jti is a random secret whose hash the session row keeps. They are
// written with the standard library because the format needed is tiny and
// fixed, and the domain package imports nothing else.

const tokenAudience = "persona-verify"

var tokenHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// tokenClaims are the claims of a session token.
type tokenClaims struct {
	Sub string `json:"sub"`
	Sid string `json:"sid"`
	Inq string `json:"inq"`
	Env string `json:"env"`
	Aud string `json:"aud"`
	Iss string `json:"iss"`
	Iat int64  `json:"iat"`
	Nbf int64  `json:"nbf"`
	Exp int64  `json:"exp"`
	Jti string `json:"jti"`
}

// signToken returns a signed token and its jti.
func signToken(key []byte, issuer string, s *Session, now time.Time) (token, jti string) {
	jti = RandomString(32)
	c := tokenClaims{
		Sub: s.ID, Sid: s.ID, Inq: s.InquiryID, Env: string(s.Environment),
		Aud: tokenAudience, Iss: issuer,
		Iat: now.Unix(), Nbf: now.Unix(), Exp: s.ExpiresAt.Unix(), Jti: jti,
	}
	payload, _ := json.Marshal(c) // plain struct: cannot fail
	unsigned := tokenHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	return unsigned + "." + tokenSignature(key, unsigned), jti
}

func tokenSignature(key []byte, unsigned string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(unsigned))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// parseToken checks a token's signature, audience and time window and
// returns its claims. Every failure is the same EUNAUTHORIZED error: the
// caller must not learn which part was wrong.
func parseToken(key []byte, token string, now time.Time) (*tokenClaims, error) {
	bad := Errorf(EUNAUTHORIZED, "The session token is not valid.")
	if len(token) > 4096 {
		return nil, bad
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] != tokenHeader {
		return nil, bad
	}
	want := tokenSignature(key, parts[0]+"."+parts[1])
	if !hmac.Equal([]byte(want), []byte(parts[2])) {
		return nil, bad
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, bad
	}
	var c tokenClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, bad
	}
	if c.Aud != tokenAudience || c.Sid == "" || now.Unix() < c.Nbf || now.Unix() >= c.Exp {
		return nil, bad
	}
	return &c, nil
}
