// SPDX-License-Identifier: Apache-2.0

package upload

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// resize scales img down so its longer side is maxLongEdge pixels.
// Smaller images, and any when maxLongEdge is negative, are returned as
// they are.
func resize(img image.Image, maxLongEdge int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	long := max(w, h)
	if maxLongEdge < 0 || long <= maxLongEdge {
		return img
	}
	nw := max(1, (w*maxLongEdge+long/2)/long)
	nh := max(1, (h*maxLongEdge+long/2)/long)
	return areaScale(img, nw, nh)
}

// areaScale shrinks src to dw×dh by area averaging: each output pixel is
// the mean of the source area it covers, weighted by coverage. Averaging
// every source pixel cannot alias, keeps the small print of a document
// legible, and streams: it converts one source row at a time and keeps a
// single accumulator row, so it needs almost no memory beyond the output.
// (The kernel scalers of golang.org/x/image/draw allocate a 32-byte
// intermediate per pixel, 190 MB for a 12 MP photo, which this hardened
// path cannot afford per upload.)
func areaScale(src image.Image, dw, dh int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	xs, ys := coverage(sw, dw), coverage(sh, dh)
	row := image.NewRGBA(image.Rect(0, 0, sw, 1))
	acc := make([]float32, dw*4)
	for dy := range dh {
		clear(acc)
		for j, wy := range ys[dy].weights {
			draw.Draw(row, row.Rect, src, image.Pt(b.Min.X, b.Min.Y+ys[dy].first+j), draw.Src)
			for dx := range dw {
				var r, g, bl, a float32
				px := row.Pix[xs[dx].first*4:]
				for i, wx := range xs[dx].weights {
					p := px[i*4 : i*4+4 : i*4+4]
					r += wx * float32(p[0])
					g += wx * float32(p[1])
					bl += wx * float32(p[2])
					a += wx * float32(p[3])
				}
				o := acc[dx*4 : dx*4+4 : dx*4+4]
				o[0] += wy * r
				o[1] += wy * g
				o[2] += wy * bl
				o[3] += wy * a
			}
		}
		out := dst.Pix[dy*dst.Stride : dy*dst.Stride+dw*4]
		for i, v := range acc {
			out[i] = uint8(min(max(v+0.5, 0), 255))
		}
	}
	return dst
}

// span is the run of source pixels one output pixel covers, with the
// share of each (they sum to 1).
type span struct {
	first   int
	weights []float32
}

// coverage returns, for each of n output pixels along an axis of size
// size (size >= n), the source pixels it covers.
func coverage(size, n int) []span {
	scale := float64(size) / float64(n)
	out := make([]span, n)
	for i := range out {
		lo, hi := float64(i)*scale, float64(i+1)*scale
		first, last := int(lo), min(int(math.Ceil(hi)), size)
		sp := span{first: first, weights: make([]float32, 0, last-first)}
		for s := first; s < last; s++ {
			overlap := min(hi, float64(s+1)) - max(lo, float64(s))
			sp.weights = append(sp.weights, float32(overlap/scale))
		}
		out[i] = sp
	}
	return out
}

// flatten composites an image with transparency onto white, since JPEG
// has no alpha channel and the encoder would otherwise turn transparent
// pixels black.
func flatten(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
	return dst
}

// orient applies an EXIF orientation (1 to 8), so the output is upright
// once the tag that said how to rotate it is gone.
func orient(img image.Image, orientation int) image.Image {
	if orientation < 2 || orientation > 8 {
		return img
	}
	src := toRGBA(img)
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch orientation {
			case 2: // mirrored
				sx, sy = w-1-x, y
			case 3: // upside down
				sx, sy = w-1-x, h-1-y
			case 4: // mirrored upside down
				sx, sy = x, h-1-y
			case 5: // transposed
				sx, sy = y, x
			case 6: // rotate 90° clockwise to view
				sx, sy = y, h-1-x
			case 7: // transversed
				sx, sy = w-1-y, h-1-x
			case 8: // rotate 90° counter-clockwise to view
				sx, sy = w-1-y, x
			}
			si := src.PixOffset(sx+src.Rect.Min.X, sy+src.Rect.Min.Y)
			di := dst.PixOffset(x, y)
			copy(dst.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// toRGBA returns img as *image.RGBA, converting when needed (draw has fast
// paths from the decoders' YCbCr and gray images).
func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok {
		return r
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	return dst
}
