// SPDX-License-Identifier: Apache-2.0

package upload_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/upload"
)

// A capture handler reads the upload through the cap, normalizes it and
// stores only the result; errors carry a message fit for the individual.
func ExampleNormalize() {
	var in bytes.Buffer
	_ = png.Encode(&in, image.NewGray(image.Rect(0, 0, 1200, 600)))

	data, err := upload.ReadAll(&in, upload.Options{})
	if err != nil {
		fmt.Println(vouch.ErrorMessage(err))
		return
	}
	out, info, err := upload.Normalize(data, upload.Options{MaxLongEdge: 800})
	if err != nil {
		fmt.Println(vouch.ErrorMessage(err))
		return
	}
	fmt.Println(info.Format, info.Width, info.Height, "→", info.OutWidth, info.OutHeight, len(out) == info.OutBytes)

	_, _, err = upload.Normalize([]byte("%PDF-1.7"), upload.Options{})
	fmt.Println(vouch.ErrorCode(err), vouch.ErrorMessage(err))
	// Output:
	// png 1200 600 → 800 400 true
	// invalid The file is not a JPEG or PNG image.
}
