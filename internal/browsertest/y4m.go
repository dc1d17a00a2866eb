// SPDX-License-Identifier: Apache-2.0

package browsertest

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
)

// Y4M writes img as a short YUV4MPEG2 video (4:2:0) that Chromium can play
// as a fake camera, and returns its path. Width and height are rounded
// down to even numbers, as 4:2:0 needs.
func Y4M(t testing.TB, img image.Image, frames int) string {
	t.Helper()
	b := img.Bounds()
	w, h := b.Dx()&^1, b.Dy()&^1
	path := filepath.Join(t.TempDir(), "camera.y4m")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := bufio.NewWriter(f)
	fmt.Fprintf(out, "YUV4MPEG2 W%d H%d F30:1 Ip A1:1 C420jpeg\n", w, h)
	yp := make([]byte, w*h)
	up := make([]byte, (w/2)*(h/2))
	vp := make([]byte, (w/2)*(h/2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.YCbCrModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.YCbCr)
			yp[y*w+x] = c.Y
			if x%2 == 0 && y%2 == 0 {
				up[(y/2)*(w/2)+x/2] = c.Cb
				vp[(y/2)*(w/2)+x/2] = c.Cr
			}
		}
	}
	for i := 0; i < frames; i++ {
		out.WriteString("FRAME\n")
		out.Write(yp)
		out.Write(up)
		out.Write(vp)
	}
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	return path
}
