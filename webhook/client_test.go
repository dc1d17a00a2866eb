// SPDX-License-Identifier: Apache-2.0

package webhook_test

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/webhook"
)

// countingListener counts accepted connections.
type countingListener struct {
	net.Listener
	accepts atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepts.Add(1)
	}
	return c, err
}

// counting serves 200 on a loopback listener of network and address and
// counts connections; nil when the machine lacks that address family.
func counting(t *testing.T, network, addr string) *countingListener {
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil
	}
	cl := &countingListener{Listener: ln}
	serve(t, cl, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	return cl
}

// TestSSRFRefusesInternalAddresses checks, with the allowlist off, that
// requests to loopback, private, link-local and metadata addresses fail
// with ErrAddressNotAllowed before any connection: the local listeners
// count zero accepts, and the refusal error proves no dial reached the
// non-loopback addresses.
func TestSSRFRefusesInternalAddresses(t *testing.T) {
	t.Parallel()
	v4 := counting(t, "tcp4", "127.0.0.1:0")
	require.NotNil(t, v4)
	v6 := counting(t, "tcp6", "[::1]:0")
	client, err := webhook.NewClient(webhook.ClientOptions{Timeout: 2 * time.Second})
	require.NoError(t, err)
	urls := []string{
		"http://" + v4.Addr().String() + "/",
		"http://localhost:" + portOf(v4.Addr()) + "/", // a name resolving inside
		"http://10.0.0.1/",
		"http://169.254.169.254/latest/meta-data/",
		"http://[fd00::1]/",
		"http://100.64.0.1/",
		"http://[::ffff:127.0.0.1]:" + portOf(v4.Addr()) + "/",
	}
	if v6 != nil {
		urls = append(urls, "http://"+v6.Addr().String()+"/")
	} else {
		urls = append(urls, "http://[::1]:9/")
	}
	for _, u := range urls {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader("{}"))
		require.NoError(t, err)
		resp, err := client.Do(req)
		cancel()
		if resp != nil {
			resp.Body.Close()
		}
		require.ErrorIs(t, err, webhook.ErrAddressNotAllowed, u)
	}
	require.Zero(t, v4.accepts.Load())
	if v6 != nil {
		require.Zero(t, v6.accepts.Load())
	}
}

// TestSSRFNoRedirects checks that a redirect from an allowed receiver to
// an internal address is not followed: the 3xx is the answer.
func TestSSRFNoRedirects(t *testing.T) {
	t.Parallel()
	target := counting(t, "tcp4", "127.0.0.1:0")
	redirector := listen(t)
	serve(t, redirector, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+target.Addr().String()+"/", http.StatusTemporaryRedirect)
	}))
	client, err := webhook.NewClient(webhook.ClientOptions{AllowedHosts: []string{"localhost"}})
	require.NoError(t, err)
	resp, err := client.Post("http://localhost:"+portOf(redirector.Addr())+"/", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode)
	require.Zero(t, target.accepts.Load())
}

func TestCheckAddr(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
		"100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fc00::1", "::ffff:10.0.0.1"} {
		require.ErrorIs(t, webhook.CheckAddr(netip.MustParseAddr(s)), webhook.ErrAddressNotAllowed, s)
	}
	for _, s := range []string{"93.184.216.34", "2606:4700::1111", "8.8.8.8"} {
		require.NoError(t, webhook.CheckAddr(netip.MustParseAddr(s)), s)
	}
}

// TestSSRFDeliveries runs deliveries to internal addresses through the
// whole pipeline with the allowlist off: every attempt fails with "address
// not allowed" and the local receiver sees no connection.
func TestSSRFDeliveries(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		h := newHarness(t, dialect, harnessOpts{retryScale: 0.00001, allowed: []string{}})
		target := counting(t, "tcp4", "127.0.0.1:0")
		redirector := listen(t)
		serve(t, redirector, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://169.254.169.254/", http.StatusFound)
		}))
		var ids []string
		for _, u := range []string{"http://" + target.Addr().String(), "http://10.0.0.1", "http://169.254.169.254",
			"http://[::1]:" + portOf(target.Addr()), "http://" + redirector.Addr().String()} {
			w, err := h.svc.CreateWebhook(ctx, vouch.Sandbox, u, []string{vouch.EventInquiryCreated}, nil)
			require.NoError(t, err)
			ids = append(ids, w.ID)
		}
		h.inquiry(t)
		failed := vouch.DeliveryFailed
		for _, id := range ids {
			var d *vouch.WebhookDelivery
			waitFor(t, 60*time.Second, "the delivery to fail", func() bool {
				l, _, err := h.svc.FindWebhookDeliveries(ctx, vouch.WebhookDeliveryFilter{Environment: vouch.Sandbox, WebhookID: id, Status: &failed})
				require.NoError(t, err)
				if len(l) == 1 {
					d = l[0]
				}
				return d != nil
			})
			for _, a := range d.AttemptList {
				require.Equal(t, "address not allowed", a.Error)
			}
		}
		require.Zero(t, target.accepts.Load())
	})
}

func portOf(a net.Addr) string {
	_, p, _ := net.SplitHostPort(a.String())
	return p
}
