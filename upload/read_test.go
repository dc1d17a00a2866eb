// SPDX-License-Identifier: Apache-2.0

package upload_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/upload"
)

// endless is a reader that never ends, like a hostile upload.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	e.n += len(p)
	return len(p), nil
}

func TestReadAll(t *testing.T) {
	t.Parallel()
	o := upload.Options{MaxBytes: 1000}

	data, err := upload.ReadAll(bytes.NewReader(make([]byte, 1000)), o)
	require.NoError(t, err)
	require.Len(t, data, 1000)

	r := &endless{}
	_, err = upload.ReadAll(r, o)
	require.Equal(t, vouch.ETOOLARGE, vouch.ErrorCode(err))
	require.Equal(t, "The image is larger than 1000 bytes.", vouch.ErrorMessage(err))
	require.Less(t, r.n, 64<<10, "stops reading soon after the cap")

	_, err = upload.ReadAll(io.MultiReader(bytes.NewReader([]byte("abc")), iotestErr{}), o)
	require.ErrorContains(t, err, "read upload")
}

// iotestErr fails every read.
type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }
