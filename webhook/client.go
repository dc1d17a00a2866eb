// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"github.com/vouch-id/vouch/web/request"
)

// DefaultTimeout is how long a receiver has to answer (spec §5.3: 5 s).
const DefaultTimeout = 5 * time.Second

// MaxResponseBytes bounds how much of a receiver's answer is read; the
// rest is dropped with the connection.
const MaxResponseBytes = 64 << 10

// ClientOptions configure NewClient.
type ClientOptions struct {
	// Timeout bounds a whole request, body included; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// AllowedHosts are exceptions to the address check, for development
	// and tests: host names as written in endpoint URLs ("localhost"), IP
	// addresses ("127.0.0.1", "::1") or CIDR prefixes ("10.1.0.0/16").
	// Empty in production.
	AllowedHosts []string
}

// ErrAddressNotAllowed is returned (wrapped) when a delivery would connect
// to an address that is not public: loopback, private, link-local
// (including cloud metadata at 169.254.169.254), carrier-grade NAT,
// unique-local, multicast, unspecified or reserved. The check runs on the
// resolved address just before connecting, so a DNS name pointing inside
// cannot slip through, and no connection is attempted.
var ErrAddressNotAllowed = errors.New("webhook: address not allowed")

// blocked are the prefixes no delivery may reach unless allowlisted.
var blocked = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
		"198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001:db8::/32",
		"fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// allowlist is the parsed ClientOptions.AllowedHosts.
type allowlist struct {
	names    map[string]bool
	prefixes []netip.Prefix
}

func parseAllowlist(hosts []string) (*allowlist, error) {
	a := &allowlist{names: map[string]bool{}}
	for _, h := range hosts {
		h = strings.ToLower(strings.Trim(strings.TrimSpace(h), "[]"))
		if h == "" {
			continue
		}
		p, err := request.ParsePrefix(h)
		switch {
		case err == nil:
			a.prefixes = append(a.prefixes, p)
		case strings.Contains(h, "/"):
			return nil, fmt.Errorf("webhook: allowed host %q: %w", h, err)
		default:
			a.names[h] = true
		}
	}
	return a, nil
}

// CheckAddr reports whether ip may be dialled without an allowlist.
func CheckAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	if !ip.IsValid() {
		return ErrAddressNotAllowed
	}
	for _, p := range blocked {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s", ErrAddressNotAllowed, ip)
		}
	}
	return nil
}

// nameAllowed marks a dial whose host name is allowlisted.
type nameAllowed struct{}

// NewClient returns the only HTTP client deliveries use: it refuses
// non-public addresses at dial time, never follows redirects (a 3xx is a
// failed attempt), ignores proxy variables and times out after
// opts.Timeout. Never use http.DefaultClient for webhooks.
func NewClient(opts ClientOptions) (*http.Client, error) {
	allow, err := parseAllowlist(opts.AllowedHosts)
	if err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{
		Timeout: timeout,
		// ControlContext runs after DNS resolution, on the address about
		// to be connected, and before the connect system call.
		ControlContext: func(ctx context.Context, network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrAddressNotAllowed, address)
			}
			ip := ap.Addr().Unmap()
			if ctx.Value(nameAllowed{}) != nil {
				return nil
			}
			for _, p := range allow.prefixes {
				if p.Contains(ip) {
					return nil
				}
			}
			return CheckAddr(ip)
		},
	}
	transport := &http.Transport{
		Proxy: nil, // a proxy would dial for us, past the address check
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err == nil && allow.names[strings.ToLower(host)] {
				ctx = context.WithValue(ctx, nameAllowed{}, true)
			}
			return dialer.DialContext(ctx, network, addr)
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}
