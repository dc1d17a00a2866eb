// SPDX-License-Identifier: Apache-2.0

package browsertest_test

import (
	"image"
	"image/color"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/internal/browsertest"
)

// TestBrowser starts Chromium with a fake camera made from an image and
// checks that a page on loopback gets a video track from getUserMedia.
func TestBrowser(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 4), G: 120, B: uint8(y * 5), A: 255})
		}
	}
	cam := browsertest.Y4M(t, img, 2)
	info, err := os.Stat(cam)
	require.NoError(t, err)
	require.Equal(t, int64(len("YUV4MPEG2 W64 H48 F30:1 Ip A1:1 C420jpeg\n")+2*(6+64*48*3/2)), info.Size())

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><title>cam</title><script>
		window.result = navigator.mediaDevices.getUserMedia({video: true})
		  .then(s => s.getVideoTracks().length + " track").catch(e => e.name);
		</script>`))
	}))
	defer srv.Close()
	ctx := browsertest.New(t, browsertest.Options{FakeCamera: cam})
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL)))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.result`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, "1 track", got)

	denied := browsertest.New(t, browsertest.Options{DenyCamera: true})
	require.NoError(t, chromedp.Do(denied, chromedp.Navigate(srv.URL)))
	got, err = chromedp.Run(denied, chromedp.Evaluate[string](`window.result`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, "NotAllowedError", got)
}
