// SPDX-License-Identifier: Apache-2.0

// Package blob stores document images and selfies as files under one root
// folder. The service seals every blob before Put, so the files hold only
// ciphertext; this package's job is to keep them safe on disk: keys cannot
// escape the root, writes are atomic and durable, and only the server's
// user can read them.
package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/vouch-id/vouch"
)

// MaxKeyLength bounds a key, well under every file system's path limit,
// and MaxSegmentLength each slash-separated part (a file name, whose
// usual limit is 255 bytes).
const (
	MaxKeyLength     = 512
	MaxSegmentLength = 255
)

// tempPrefix starts the names of files being written. '~' is not allowed
// in keys, so a half-written file can never be read as a blob.
const tempPrefix = "~put-"

// FS is a vouch.BlobStore on the local file system. Keys are
// slash-separated relative paths; every access goes through an os.Root, so
// even a symbolic link planted under the root cannot lead outside it.
type FS struct {
	root *os.Root
	dir  string
}

var _ vouch.BlobStore = (*FS)(nil)

// NewFS returns a store rooted at dir, creating it (mode 0700) if needed.
func NewFS(dir string) (*FS, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", dir, err)
	}
	return &FS{root: root, dir: dir}, nil
}

// Dir returns the root folder.
func (s *FS) Dir() string { return s.dir }

// Close releases the root folder handle.
func (s *FS) Close() error { return s.root.Close() }

// Put writes data under key, replacing any previous blob. The write is
// atomic: the data goes to a temporary file that is synced, renamed over
// the key and made durable by syncing the folder, so a crash leaves either
// the old blob or the new one, never a torn file.
func (s *FS) Put(ctx context.Context, key string, data []byte) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := ValidateKey(key); err != nil {
		return err
	}
	dir := path.Dir(key)
	if err := s.root.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	var rnd [12]byte
	_, _ = rand.Read(rnd[:])
	tmp := path.Join(dir, tempPrefix+hex.EncodeToString(rnd[:]))
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			_ = s.root.Remove(tmp) // best effort; the write error matters more
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("blob: put %s: write: %w", key, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("blob: put %s: sync: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("blob: put %s: close: %w", key, err)
	}
	if err := s.root.Rename(tmp, key); err != nil {
		return fmt.Errorf("blob: put %s: rename: %w", key, err)
	}
	return s.syncDir(dir)
}

// syncDir makes a rename in dir durable.
func (s *FS) syncDir(dir string) error {
	d, err := s.root.Open(dir)
	if err != nil {
		return fmt.Errorf("blob: sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("blob: sync %s: %w", dir, err)
	}
	return nil
}

// Get returns the blob under key, or ENOTFOUND.
func (s *FS) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	data, err := s.root.ReadFile(key)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ENOTDIR) {
		return nil, vouch.Errorf(vouch.ENOTFOUND, "Blob %s not found.", key)
	} else if err != nil {
		return nil, fmt.Errorf("blob: get %s: %w", key, err)
	}
	return data, nil
}

// ValidateKey checks that key is 1 to MaxKeyLength characters of
// [a-zA-Z0-9_/.-], relative, without empty, "." or ".." segments, with
// parts of at most MaxSegmentLength and without a trailing slash. It returns an EINVALID error otherwise.
func ValidateKey(key string) error {
	if err := validate(key, "key"); err != nil {
		return err
	}
	if strings.HasSuffix(key, "/") {
		return vouch.FieldError("key", "a blob key must not end with '/'")
	}
	return nil
}

// validate holds the rules keys and prefixes share.
func validate(s, field string) error {
	if s == "" || len(s) > MaxKeyLength {
		return vouch.FieldError(field, "a blob %s must be 1 to %d characters", field, MaxKeyLength)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '/' || c == '.' || c == '-') {
			return vouch.FieldError(field, "a blob %s may hold only letters, digits and _ / . -", field)
		}
	}
	if strings.HasPrefix(s, "/") || strings.Contains(s, "..") || strings.Contains(s, "//") {
		return vouch.FieldError(field, "a blob %s must be a relative path without '..' or empty segments", field)
	}
	for _, seg := range strings.Split(strings.TrimSuffix(s, "/"), "/") {
		if seg == "." {
			return vouch.FieldError(field, "a blob %s must not have '.' segments", field)
		}
		if len(seg) > MaxSegmentLength {
			return vouch.FieldError(field, "each part of a blob %s must be at most %d characters", field, MaxSegmentLength)
		}
	}
	return nil
}
