// SPDX-License-Identifier: Apache-2.0

package upload

import (
	"fmt"
	"io"

	"github.com/vouch-id/vouch"
)

// ReadAll reads an upload (a multipart part, a request body) for
// Normalize, stopping one byte past o.MaxBytes so an oversized upload
// never sits whole in memory: ETOOLARGE when it is larger, with the same
// message as Normalize.
func ReadAll(r io.Reader, o Options) ([]byte, error) {
	o = o.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, int64(o.MaxBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if len(data) > o.MaxBytes {
		return nil, vouch.Errorf(vouch.ETOOLARGE, "The image is larger than %s.", formatBytes(o.MaxBytes))
	}
	return data, nil
}
