// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// KeySize is the size of the master key and of every data key: AES-256.
const KeySize = 32

// sealVersion prefixes every sealed value so the format can change later
// without guessing.
const sealVersion byte = 1

// errOpen is returned when a sealed value does not authenticate: wrong key,
// wrong associated data, or tampering.
var errOpen = errors.New("vouch: sealed data does not authenticate")

// Keyring holds the master key. Each inquiry gets its own random data key,
// wrapped (encrypted) by the master key and stored beside the inquiry;
// destroying the wrapped key makes every value sealed with it unreadable,
// which is how redaction reaches copies we cannot find (backups, WAL pages).
type Keyring struct {
	master []byte
}

// NewKeyring returns a keyring for a 32-byte master key.
func NewKeyring(master []byte) (*Keyring, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("master key must be %d bytes, got %d", KeySize, len(master))
	}
	return &Keyring{master: append([]byte(nil), master...)}, nil
}

// NewDataKey returns a fresh random data key.
func NewDataKey() []byte {
	k := make([]byte, KeySize)
	_, _ = rand.Read(k)
	return k
}

// WrapKey encrypts a data key under the master key, bound to aad (the id of
// the row that owns it), so a wrapped key moved to another row won't open.
func (k *Keyring) WrapKey(dataKey []byte, aad string) ([]byte, error) {
	return Seal(k.master, dataKey, aad)
}

// UnwrapKey reverses WrapKey.
func (k *Keyring) UnwrapKey(wrapped []byte, aad string) ([]byte, error) {
	return Open(k.master, wrapped, aad)
}

// DeriveKey returns a 32-byte key for one purpose (token signing, sealing
// idempotent responses), so the master key itself is used only for wrapping.
func (k *Keyring) DeriveKey(purpose string) []byte {
	m := hmac.New(sha256.New, k.master)
	m.Write([]byte("vouch derive v1\x00" + purpose))
	return m.Sum(nil)
}

// Seal encrypts plaintext with AES-256-GCM under key, binding aad. The
// output is version || nonce || ciphertext+tag.
func Seal(key, plaintext []byte, aad string) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+gcm.NonceSize(), 1+gcm.NonceSize()+len(plaintext)+gcm.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	return gcm.Seal(out, out[1:], plaintext, []byte(aad)), nil
}

// Open decrypts a value made by Seal with the same key and aad.
func Open(key, sealed []byte, aad string) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < 1+gcm.NonceSize()+gcm.Overhead() || sealed[0] != sealVersion {
		return nil, errOpen
	}
	nonce, ct := sealed[1:1+gcm.NonceSize()], sealed[1+gcm.NonceSize():]
	pt, err := gcm.Open(nil, nonce, ct, []byte(aad))
	if err != nil {
		return nil, errOpen
	}
	return pt, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	return cipher.NewGCM(block)
}
