// SPDX-License-Identifier: Apache-2.0

// Package upload is the one hardened path every captured image takes
// before the service stores it. Images come from the open internet, so
// nothing about them is trusted: the byte size is capped, the type comes
// from magic bytes (never a Content-Type or a file name), the dimensions
// are read from the header and checked before any pixel is decoded (a
// "pixel flood" file that claims 100000×100000 pixels in a few bytes is
// refused without allocating its image), and the pixels are decoded and
// re-encoded as a fresh JPEG, so EXIF and other metadata (GPS positions,
// device serials), comments and bytes hidden after the image are gone.
//
// Only JPEG and PNG are accepted. Phone cameras and the hosted flow's
// canvas capture produce JPEG, and browsers convert HEIC to JPEG on
// upload; WebP would bring golang.org/x/image/webp, whose decoder has a
// history of panics on malformed input, onto the most exposed path of the
// server for little gain.
package upload

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"runtime"

	"github.com/vouch-id/vouch"
)

// Defaults of Options. 8000 px covers a 48 MP phone sensor's long edge;
// 2000 px on the long edge keeps every detail a document check reads
// (MRZ, barcode, portrait) at a fraction of the storage.
const (
	DefaultMaxBytes    = 10 << 20
	DefaultMaxWidth    = 8000
	DefaultMaxHeight   = 8000
	DefaultMaxPixels   = 40_000_000
	DefaultMinWidth    = 200
	DefaultMinHeight   = 200
	DefaultMaxLongEdge = 2000
	DefaultQuality     = 88
)

// Formats detected from magic bytes, as reported in Info.Format.
const (
	FormatJPEG = "jpeg"
	FormatPNG  = "png"
)

// Options are the limits of Normalize. The zero value applies the
// defaults: a zero field means its Default constant.
type Options struct {
	// MaxBytes caps the input size (ETOOLARGE past it). Callers reading a
	// request should stop reading at MaxBytes+1 so the cap holds in memory
	// too.
	MaxBytes int
	// MaxWidth, MaxHeight and MaxPixels bound the dimensions the header
	// declares; they are checked before decoding, and they bound the memory
	// a decode can take: 2 to 8 bytes per pixel for most images, up to
	// about 15 for a progressive JPEG without chroma subsampling.
	MaxWidth, MaxHeight, MaxPixels int
	// MinWidth and MinHeight refuse images too small to be read by a check.
	MinWidth, MinHeight int
	// MaxLongEdge downsizes larger images so their longer side is this
	// many pixels; negative keeps the decoded size.
	MaxLongEdge int
	// Quality is the JPEG quality of the output, 1 to 100.
	Quality int
}

// decodeSlots bounds how many images are decoded at once to the number of
// CPUs. Decoding is CPU-bound, so more at once would not finish sooner,
// but each holds its decoded pixels: 300 to 600 MB for a progressive JPEG
// at the 40 MP default (its coefficients take 4 bytes per pixel per
// component, on top of the image). The bound keeps a burst of large
// uploads from multiplying that by the number of requests.
var decodeSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.MaxBytes, DefaultMaxBytes)
	def(&o.MaxWidth, DefaultMaxWidth)
	def(&o.MaxHeight, DefaultMaxHeight)
	def(&o.MaxPixels, DefaultMaxPixels)
	def(&o.MinWidth, DefaultMinWidth)
	def(&o.MinHeight, DefaultMinHeight)
	def(&o.MaxLongEdge, DefaultMaxLongEdge)
	def(&o.Quality, DefaultQuality)
	o.Quality = min(max(o.Quality, 1), 100)
	return o
}

// Info describes what Normalize read and wrote.
type Info struct {
	// Format is the input's type from its magic bytes: FormatJPEG or
	// FormatPNG.
	Format string
	// Width and Height are the input's dimensions as stored, before EXIF
	// orientation is applied.
	Width, Height int
	// Orientation is the input's EXIF orientation (1 to 8; 1 when absent),
	// already applied to the output.
	Orientation int
	// OutWidth and OutHeight are the output's dimensions, upright.
	OutWidth, OutHeight int
	// OutBytes is the output's size.
	OutBytes int
}

// Normalize checks an uploaded image and returns it re-encoded as a JPEG
// without metadata, upright (EXIF orientation applied) and downsized to
// o.MaxLongEdge. Errors are *vouch.Error with user-safe messages: EINVALID
// for a type other than JPEG or PNG, a corrupt image or dimensions out of
// bounds; ETOOLARGE past o.MaxBytes.
func Normalize(data []byte, o Options) ([]byte, Info, error) {
	o = o.withDefaults()
	var info Info
	if len(data) > o.MaxBytes {
		return nil, info, vouch.Errorf(vouch.ETOOLARGE, "The image is larger than %s.", formatBytes(o.MaxBytes))
	}
	info.Format = sniff(data)
	if info.Format == "" {
		return nil, info, vouch.Errorf(vouch.EINVALID, "The file is not a JPEG or PNG image.")
	}
	cfg, err := decodeConfig(info.Format, data)
	if err != nil {
		return nil, info, corrupt(err)
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	if err := checkDimensions(cfg.Width, cfg.Height, o); err != nil {
		return nil, info, err
	}
	info.Orientation = 1
	if info.Format == FormatJPEG {
		info.Orientation = exifOrientation(data)
	}
	decodeSlots <- struct{}{}
	defer func() { <-decodeSlots }()
	img, err := decode(info.Format, data)
	if err != nil {
		return nil, info, corrupt(err)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, info, corrupt(fmt.Errorf("decoded %v, header said %dx%d", b, cfg.Width, cfg.Height))
	}
	img = orient(flatten(resize(img, o.MaxLongEdge)), info.Orientation)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: o.Quality}); err != nil {
		return nil, info, fmt.Errorf("encode jpeg: %w", err)
	}
	info.OutWidth, info.OutHeight = img.Bounds().Dx(), img.Bounds().Dy()
	info.OutBytes = out.Len()
	return out.Bytes(), info, nil
}

// sniff returns the format whose magic bytes start data, or "".
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return FormatJPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG
	}
	return ""
}

// decodeConfig reads only the header. The decoders are called by name, not
// through image.DecodeConfig, so a format registered elsewhere in the
// binary can never widen what is accepted here.
func decodeConfig(format string, data []byte) (image.Config, error) {
	if format == FormatPNG {
		return png.DecodeConfig(bytes.NewReader(data))
	}
	return jpeg.DecodeConfig(bytes.NewReader(data))
}

// decode decodes the pixels. The standard decoders return errors on bad
// input, but image/png has panicked on extreme dimensions before
// (golang/go#45694); the dimension check rules that case out, and the
// recover is a last line of defence so a decoder bug is a refused upload,
// not a crashed request.
func decode(format string, data []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("decoder panic: %v", r)
		}
	}()
	if format == FormatPNG {
		return png.Decode(bytes.NewReader(data))
	}
	return jpeg.Decode(bytes.NewReader(data))
}

// checkDimensions applies the limits to the header's dimensions.
func checkDimensions(w, h int, o Options) error {
	if w <= 0 || h <= 0 {
		return vouch.Errorf(vouch.EINVALID, "The image has no pixels.")
	}
	if w > o.MaxWidth || h > o.MaxHeight || int64(w)*int64(h) > int64(o.MaxPixels) {
		return vouch.Errorf(vouch.EINVALID,
			"The image is too large (%d×%d pixels); it may be at most %d×%d pixels and %s megapixels.",
			w, h, o.MaxWidth, o.MaxHeight, formatMegapixels(o.MaxPixels))
	}
	if w < o.MinWidth || h < o.MinHeight {
		return vouch.Errorf(vouch.EINVALID,
			"The image is too small (%d×%d pixels); it must be at least %d×%d pixels.",
			w, h, o.MinWidth, o.MinHeight)
	}
	return nil
}

// corrupt is the error for an image whose type is right but whose content
// cannot be read; the cause stays in the chain for logs only.
func corrupt(cause error) error {
	return fmt.Errorf("%w (%w)", vouch.Errorf(vouch.EINVALID, "The image could not be read; it may be damaged or incomplete."), cause)
}

// formatBytes renders a byte count in MiB or KiB for messages.
func formatBytes(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// formatMegapixels renders a pixel count in megapixels for messages.
func formatMegapixels(n int) string {
	if n%1_000_000 == 0 {
		return fmt.Sprintf("%d", n/1_000_000)
	}
	return fmt.Sprintf("%.1f", float64(n)/1e6)
}
