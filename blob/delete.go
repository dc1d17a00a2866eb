// SPDX-License-Identifier: Apache-2.0

package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// DeletePrefix removes every blob whose key starts with prefix, then the
// folders left empty, so a redacted inquiry leaves no trace of its layout
// either. A prefix ending in '/' names a folder; otherwise it may end in
// the middle of a name ("inq_x/ver_" removes "inq_x/ver_1/front.jpg").
// Deleting nothing is not an error.
func (s *FS) DeletePrefix(ctx context.Context, prefix string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := validate(prefix, "prefix"); err != nil {
		return err
	}
	start := "."
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = prefix[:i]
	}
	var files, dirs []string
	err := fs.WalkDir(s.root.FS(), start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p == "." {
				return nil
			}
			// Descend only where keys may still match the prefix.
			if !strings.HasPrefix(p+"/", prefix) && !strings.HasPrefix(prefix, p+"/") {
				return fs.SkipDir
			}
			dirs = append(dirs, p)
			return nil
		}
		// Besides matching keys, remove leftovers of interrupted Puts in
		// folders that lie wholly under the prefix, so those can go too.
		if strings.HasPrefix(p, prefix) || (strings.HasPrefix(path.Base(p), tempPrefix) && strings.HasPrefix(path.Dir(p)+"/", prefix)) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("blob: delete %s: %w", prefix, err)
	}
	for _, f := range files {
		if err := s.root.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("blob: delete %s: %w", f, err)
		}
	}
	// Remove empty folders, deepest first, then the start folder's empty
	// ancestors. A folder still holding other blobs stays.
	for p := start; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		dirs = append(dirs, p)
	}
	sort.Slice(dirs, func(i, j int) bool { return strings.Count(dirs[i], "/") > strings.Count(dirs[j], "/") })
	for _, d := range dirs {
		_ = s.root.Remove(d) // fails, as intended, on a folder that is not empty
	}
	return nil
}
