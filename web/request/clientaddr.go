// SPDX-License-Identifier: Apache-2.0

package request

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddr returns the address of the client that sent r: the peer of
// the connection, unless that peer is one of the trusted proxies, in which
// case X-Forwarded-For is read from the right, skipping trusted addresses.
// Each proxy appends the peer it saw, so the nearest entry that is not a
// trusted proxy is the client; anything to its left the client may have
// written itself. A malformed entry ends the walk at the last good
// address. The zero Addr means the peer could not be parsed.
func ClientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	addr = addr.Unmap()
	headers := r.Header.Values("X-Forwarded-For")
	for i := len(headers) - 1; i >= 0 && isTrusted(addr, trusted); i-- {
		hops := strings.Split(headers[i], ",")
		for j := len(hops) - 1; j >= 0 && isTrusted(addr, trusted); j-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[j]))
			if err != nil {
				return addr
			}
			addr = hop.Unmap()
		}
	}
	return addr
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Network names the network a client address stands for in per-client
// limits: the address itself for IPv4, its /64 for IPv6, since one
// subscriber is usually given a whole /64 and may use any address in it.
func Network(a netip.Addr) string {
	if a.Is6() {
		p, _ := a.Prefix(64) // cannot fail for a valid IPv6 address
		return p.String()
	}
	return a.String()
}

// ParsePrefix reads an address or a CIDR as the settings that name
// networks write them: a bare address is its own /32 or /128 (IPv4 in
// IPv6 unmapped), a CIDR is masked to its network.
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.Trim(strings.TrimSpace(s), "[]")
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
