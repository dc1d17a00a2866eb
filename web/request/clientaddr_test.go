// SPDX-License-Identifier: Apache-2.0

package request_test

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/web/request"
)

func TestClientAddr(t *testing.T) {
	t.Parallel()
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")}
	for name, c := range map[string]struct {
		remote string
		xff    []string
		want   string
	}{
		"Direct":                   {"203.0.113.7:4431", nil, "203.0.113.7"},
		"DirectIgnoresHeader":      {"203.0.113.7:4431", []string{"198.51.100.1"}, "203.0.113.7"},
		"ThroughTrustedProxy":      {"127.0.0.1:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		"ForgedLeftOfTheClient":    {"127.0.0.1:5000", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		"TwoTrustedHops":           {"127.0.0.1:5000", []string{"198.51.100.1, 10.1.2.3"}, "198.51.100.1"},
		"HeaderPerHop":             {"127.0.0.1:5000", []string{"1.2.3.4", "198.51.100.1", "10.1.2.3"}, "198.51.100.1"},
		"OnlyTrustedHops":          {"127.0.0.1:5000", []string{"10.1.2.3"}, "10.1.2.3"},
		"MalformedHopStopsTheWalk": {"127.0.0.1:5000", []string{"198.51.100.1, not-an-ip, 10.1.2.3"}, "10.1.2.3"},
		"NoHeaderBehindProxy":      {"127.0.0.1:5000", nil, "127.0.0.1"},
		"IPv6Peer":                 {"[2001:db8::1]:443", nil, "2001:db8::1"},
		"MappedIPv4":               {"[::ffff:203.0.113.7]:443", nil, "203.0.113.7"},
	} {
		r := &http.Request{RemoteAddr: c.remote, Header: http.Header{}}
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		require.Equal(t, c.want, request.ClientAddr(r, trusted).String(), name)
	}
	bad := &http.Request{RemoteAddr: "pipe", Header: http.Header{}}
	require.False(t, request.ClientAddr(bad, trusted).IsValid())
}

func TestNetwork(t *testing.T) {
	t.Parallel()
	require.Equal(t, "203.0.113.7", request.Network(netip.MustParseAddr("203.0.113.7")))
	a, b := netip.MustParseAddr("2001:db8:1:2::1"), netip.MustParseAddr("2001:db8:1:2:ffff::9")
	require.Equal(t, "2001:db8:1:2::/64", request.Network(a))
	require.Equal(t, request.Network(a), request.Network(b), "one /64, one network")
	require.NotEqual(t, request.Network(a), request.Network(netip.MustParseAddr("2001:db8:1:3::1")))
}

func TestParsePrefix(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"10.1.2.3/8":         "10.0.0.0/8",
		"192.0.2.7":          "192.0.2.7/32",
		" ::1 ":              "::1/128",
		"[2001:db8::1]":      "2001:db8::1/128",
		"::ffff:192.0.2.7":   "192.0.2.7/32",
		"2001:db8:1:2::9/64": "2001:db8:1:2::/64",
	} {
		p, err := request.ParsePrefix(in)
		require.NoError(t, err, in)
		require.Equal(t, want, p.String(), in)
	}
	for _, in := range []string{"", "proxy.internal", "10.0.0.0/33", "10.0.0.1/"} {
		_, err := request.ParsePrefix(in)
		require.Error(t, err, in)
	}
}
