// SPDX-License-Identifier: Apache-2.0

package upload_test

import (
	"bytes"
	"image/jpeg"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/upload"
)

// FuzzNormalize feeds arbitrary bytes to Normalize: it must never panic,
// every error must be EINVALID or ETOOLARGE, and every success must be a
// JPEG within the limits. The limits are small so the fuzzer spends its
// time in the decoders rather than on huge images.
func FuzzNormalize(f *testing.F) {
	small := photo(40, 30)
	jpg := mustJPEG(f, small)
	for _, seed := range [][]byte{
		jpg,
		mustPNG(f, small),
		withEXIF(jpg, 6, "seed"),
		withEXIF(jpg, 8, ""),
		append(append([]byte{}, jpg...), "trailing"...),
		jpg[:len(jpg)/2],
		pngHeader(100000, 100000),
		pngHeader(0, 10),
		[]byte("GIF89a"),
		{},
	} {
		f.Add(seed)
	}
	o := upload.Options{MaxBytes: 1 << 20, MaxWidth: 512, MaxHeight: 512, MaxPixels: 1 << 16,
		MinWidth: 1, MinHeight: 1, MaxLongEdge: 64}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, info, err := upload.Normalize(data, o)
		if err != nil {
			require.Contains(t, []string{vouch.EINVALID, vouch.ETOOLARGE}, vouch.ErrorCode(err), "%v", err)
			require.Nil(t, out)
			return
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
		require.NoError(t, err)
		require.Equal(t, [2]int{info.OutWidth, info.OutHeight}, [2]int{cfg.Width, cfg.Height})
		require.LessOrEqual(t, max(cfg.Width, cfg.Height), 64)
		require.Len(t, out, info.OutBytes)
	})
}
