// SPDX-License-Identifier: Apache-2.0

package upload_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/upload"
)

// photo draws a photo-like image: smooth gradients with some texture, and
// a red top-left quadrant so tests can see where the corner went.
func photo(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x*y + x*7 + y*13) % 251), 255}
			if x < w/2 && y < h/2 {
				c = color.RGBA{230, 20, 20, 255}
			}
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
		}
	}
	return img
}

func mustJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}))
	return b.Bytes()
}

func mustPNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

// withEXIF inserts an APP1 EXIF block after SOI with an orientation tag and
// an ImageDescription holding text.
func withEXIF(jpg []byte, orientation uint16, text string) []byte {
	le := binary.LittleEndian
	tiff := []byte("II*\x00")
	tiff = le.AppendUint32(tiff, 8)
	tiff = le.AppendUint16(tiff, 2) // two entries
	tiff = le.AppendUint16(tiff, 0x0112)
	tiff = le.AppendUint16(tiff, 3)
	tiff = le.AppendUint32(tiff, 1)
	tiff = le.AppendUint16(tiff, orientation)
	tiff = le.AppendUint16(tiff, 0)
	tiff = le.AppendUint16(tiff, 0x010E)
	tiff = le.AppendUint16(tiff, 2)
	tiff = le.AppendUint32(tiff, uint32(len(text)+1))
	tiff = le.AppendUint32(tiff, 8+2+2*12+4)
	tiff = le.AppendUint32(tiff, 0) // no next IFD
	tiff = append(append(tiff, text...), 0)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// pngHeader is a valid PNG signature and IHDR chunk declaring w×h pixels,
// followed by nothing: a pixel-flood file.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	out := append([]byte("\x89PNG\r\n\x1a\n"), binary.BigEndian.AppendUint32(nil, uint32(len(ihdr)))...)
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

func requireCode(t *testing.T, code string, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, vouch.ErrorCode(err), "%v", err)
}

// requireFast normalizes in a few times and requires the fastest run to
// take well under 10 ms: the best of several runs measures the work, not
// the scheduling noise of a loaded machine. It returns the error.
func requireFast(t *testing.T, in []byte) error {
	t.Helper()
	best := time.Hour
	var err error
	for range 5 {
		start := time.Now()
		_, _, err = upload.Normalize(in, upload.Options{})
		best = min(best, time.Since(start))
	}
	require.Less(t, best, 10*time.Millisecond)
	return err
}

func decodeOut(t *testing.T, out []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(out))
	require.NoError(t, err)
	return img
}

func TestNormalize(t *testing.T) {
	t.Parallel()

	t.Run("JPEG", func(t *testing.T) {
		t.Parallel()
		out, info, err := upload.Normalize(mustJPEG(t, photo(640, 480)), upload.Options{})
		require.NoError(t, err)
		require.Equal(t, upload.Info{Format: "jpeg", Width: 640, Height: 480, Orientation: 1,
			OutWidth: 640, OutHeight: 480, OutBytes: len(out)}, info)
		require.Equal(t, image.Rect(0, 0, 640, 480), decodeOut(t, out).Bounds())
	})

	t.Run("PNGWithAlphaOnWhite", func(t *testing.T) {
		t.Parallel()
		img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
		out, info, err := upload.Normalize(mustPNG(t, img), upload.Options{})
		require.NoError(t, err)
		require.Equal(t, "png", info.Format)
		r, g, b, _ := decodeOut(t, out).At(10, 10).RGBA()
		require.Greater(t, min(r, g, b), uint32(0xF000), "transparent pixels become white, not black")
	})

	t.Run("Downsizes", func(t *testing.T) {
		t.Parallel()
		out, info, err := upload.Normalize(mustJPEG(t, photo(800, 600)), upload.Options{MaxLongEdge: 300})
		require.NoError(t, err)
		require.Equal(t, [2]int{300, 225}, [2]int{info.OutWidth, info.OutHeight})
		img := decodeOut(t, out)
		require.Equal(t, image.Rect(0, 0, 300, 225), img.Bounds())
		r, g, _, _ := img.At(50, 50).RGBA()
		require.Greater(t, r, uint32(0xC000), "the picture survives")
		require.Less(t, g, uint32(0x4000))
	})

	t.Run("StripsEXIFAndTrailingBytes", func(t *testing.T) {
		t.Parallel()
		const exifCanary, tailCanary = "EXIF-CANARY-GPS-51.5N", "TRAILING-CANARY-PK\x03\x04"
		in := append(withEXIF(mustJPEG(t, photo(400, 300)), 1, exifCanary), tailCanary...)
		_, _, err := image.Decode(bytes.NewReader(in))
		require.NoError(t, err, "the crafted input is a valid JPEG")
		out, _, err := upload.Normalize(in, upload.Options{})
		require.NoError(t, err)
		require.NotContains(t, string(out), "CANARY")
		require.NotContains(t, string(out), "Exif")
		require.True(t, bytes.HasSuffix(out, []byte{0xFF, 0xD9}), "nothing after EOI")
	})

	t.Run("AppliesOrientation", func(t *testing.T) {
		t.Parallel()
		// Orientation 6: the viewer rotates 90° clockwise, so the red
		// top-left corner ends up top-right, and 400×300 becomes 300×400.
		out, info, err := upload.Normalize(withEXIF(mustJPEG(t, photo(400, 300)), 6, "x"), upload.Options{})
		require.NoError(t, err)
		require.Equal(t, 6, info.Orientation)
		img := decodeOut(t, out)
		require.Equal(t, image.Rect(0, 0, 300, 400), img.Bounds())
		r, g, _, _ := img.At(250, 50).RGBA()
		require.Greater(t, r, uint32(0xC000))
		require.Less(t, g, uint32(0x4000))
		r, _, _, _ = img.At(50, 50).RGBA()
		require.Less(t, r, uint32(0xC000))
	})

	t.Run("PixelFloodRefusedFast", func(t *testing.T) {
		t.Parallel()
		flood := pngHeader(100000, 100000)
		err := requireFast(t, flood)
		requireCode(t, vouch.EINVALID, err)
		require.Contains(t, vouch.ErrorMessage(err), "too large (100000×100000 pixels)")
	})

	t.Run("JPEGPixelFlood", func(t *testing.T) {
		t.Parallel()
		in := mustJPEG(t, photo(300, 300))
		sof := bytes.Index(in, []byte{0xFF, 0xC0})
		require.Positive(t, sof)
		binary.BigEndian.PutUint16(in[sof+5:], 60000) // height
		binary.BigEndian.PutUint16(in[sof+7:], 60000) // width
		requireCode(t, vouch.EINVALID, requireFast(t, in))
	})

	t.Run("TooManyMegapixels", func(t *testing.T) {
		t.Parallel()
		_, _, err := upload.Normalize(pngHeader(7000, 7000), upload.Options{})
		requireCode(t, vouch.EINVALID, err)
		require.Contains(t, vouch.ErrorMessage(err), "40 megapixels")
	})

	t.Run("TooSmall", func(t *testing.T) {
		t.Parallel()
		_, _, err := upload.Normalize(mustPNG(t, photo(150, 400)), upload.Options{})
		requireCode(t, vouch.EINVALID, err)
		require.Equal(t, "The image is too small (150×400 pixels); it must be at least 200×200 pixels.", vouch.ErrorMessage(err))
	})

	t.Run("TooManyBytes", func(t *testing.T) {
		t.Parallel()
		big := append(mustJPEG(t, photo(300, 300)), make([]byte, 12<<20)...)
		_, _, err := upload.Normalize(big, upload.Options{})
		requireCode(t, vouch.ETOOLARGE, err)
		require.Equal(t, "The image is larger than 10 MiB.", vouch.ErrorMessage(err))
	})

	t.Run("Truncated", func(t *testing.T) {
		t.Parallel()
		for _, in := range [][]byte{mustJPEG(t, photo(300, 300)), mustPNG(t, photo(300, 300))} {
			_, _, err := upload.Normalize(in[:len(in)/2], upload.Options{})
			requireCode(t, vouch.EINVALID, err)
			require.Equal(t, "The image could not be read; it may be damaged or incomplete.", vouch.ErrorMessage(err))
		}
	})

	t.Run("OtherTypes", func(t *testing.T) {
		t.Parallel()
		for name, in := range map[string]string{
			"gif":   "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
			"pdf":   "%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
			"text":  "hello, this is not an image",
			"empty": "",
			"webp":  "RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00",
			"svg":   `<svg xmlns="http://www.w3.org/2000/svg"/>`,
		} {
			_, _, err := upload.Normalize([]byte(in), upload.Options{})
			requireCode(t, vouch.EINVALID, err)
			require.Equal(t, "The file is not a JPEG or PNG image.", vouch.ErrorMessage(err), name)
		}
	})
}

// TestNormalizeConcurrently runs more normalizations than there are
// decode slots at once: they queue and all succeed.
func TestNormalizeConcurrently(t *testing.T) {
	t.Parallel()
	in := mustJPEG(t, photo(300, 200))
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() {
			_, _, err := upload.Normalize(in, upload.Options{})
			errs <- err
		}()
	}
	for range cap(errs) {
		require.NoError(t, <-errs)
	}
}

// TestPixelFloodAllocatesLittle proves a pixel-flood header is refused
// from its header alone: an image of 100000×100000 would need 40 GB, the
// refusal a few small buffers. It is not parallel because AllocsPerRun
// counts the whole process's allocations and refuses parallel tests.
func TestPixelFloodAllocatesLittle(t *testing.T) {
	flood := pngHeader(100000, 100000)
	var err error
	allocs := testing.AllocsPerRun(20, func() { _, _, err = upload.Normalize(flood, upload.Options{}) })
	requireCode(t, vouch.EINVALID, err)
	require.Less(t, allocs, 50.0, "only the header is read")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	_, _, _ = upload.Normalize(flood, upload.Options{})
	runtime.ReadMemStats(&ms)
	require.Less(t, ms.TotalAlloc-before, uint64(1<<20), "bytes allocated")
}

// BenchmarkNormalize measures a phone-sized capture (~2 MP, kept at its
// size) and a 12 MP photo downsized to the default long edge.
func BenchmarkNormalize(b *testing.B) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"2MP", 1920, 1080}, {"12MP", 4000, 3000}} {
		in := mustJPEG(b, photo(sz.w, sz.h))
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := upload.Normalize(in, upload.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
