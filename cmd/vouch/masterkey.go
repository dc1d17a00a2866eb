// SPDX-License-Identifier: Apache-2.0

package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/vouch-id/vouch"
)

// loadMasterKey returns the master key from the configuration, or from
// <data-dir>/master.key, creating that file on first start. Losing the key
// loses every sealed value, so its creation is logged loudly.
func loadMasterKey(c *Config, logger *slog.Logger) ([]byte, error) {
	switch {
	case c.MasterKey != "":
		return decodeKey(c.MasterKey, "VOUCH_MASTER_KEY")
	case c.MasterKeyFile != "":
		b, err := os.ReadFile(c.MasterKeyFile)
		if err != nil {
			return nil, fmt.Errorf("master key file: %w", err)
		}
		return decodeKey(strings.TrimSpace(string(b)), c.MasterKeyFile)
	}
	path := filepath.Join(c.DataDir, "master.key")
	b, err := os.ReadFile(path)
	if err == nil {
		return decodeKey(strings.TrimSpace(string(b)), path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("master key: %w", err)
	}
	key := make([]byte, vouch.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, err
	}
	// O_EXCL: two processes starting at once must not both write a key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return loadMasterKey(c, logger)
	} else if err != nil {
		return nil, fmt.Errorf("create master key: %w", err)
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	logger.Warn("GENERATED A NEW MASTER KEY. Back it up: without it no personal data stored by Vouch can be read. "+
		"In production set VOUCH_MASTER_KEY_FILE instead.", "path", path)
	return key, nil
}

// decodeKey accepts a 32-byte key in base64 or hex.
func decodeKey(s, source string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == vouch.KeySize {
		return b, nil
	}
	if b, err := hex.DecodeString(s); err == nil && len(b) == vouch.KeySize {
		return b, nil
	}
	return nil, fmt.Errorf("%s: the master key must be %d bytes in base64 or hex", source, vouch.KeySize)
}
