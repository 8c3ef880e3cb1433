package request

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

const clientIPLocal = "client_ip"

// Proxies are the reverse proxies whose X-Forwarded-For is believed.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated list of addresses and CIDR ranges
// ("10.0.0.0/8,192.168.1.10").
func ParseProxies(list string) (Proxies, error) {
	var ps Proxies
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR range", f)
			}
			ps = append(ps, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR range", f)
		}
		ps = append(ps, p.Masked())
	}
	return ps, nil
}

func (ps Proxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the address the request came from: the peer, or where the
// peer is a trusted proxy, the last address in X-Forwarded-For that is not
// one. Entries further left were written by the client and are not
// believed.
func (ps Proxies) clientIP(peer, forwarded string) string {
	a, err := netip.ParseAddr(peer)
	if err != nil || len(ps) == 0 || !ps.trusts(a) {
		return peer
	}
	hops := strings.Split(forwarded, ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: believe nothing before it
		}
		a = h
		if !ps.trusts(h) {
			break
		}
	}
	return a.Unmap().String()
}

// findClient notes the client's address for ClientIP.
func (ps Proxies) findClient(c *fiber.Ctx) error {
	c.Locals(clientIPLocal, ps.clientIP(c.Context().RemoteIP().String(), c.Get(fiber.HeaderXForwardedFor)))
	return c.Next()
}

// ClientIP is the address a request came from, through the trusted proxies.
func ClientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(clientIPLocal).(string); ok {
		return ip
	}
	return c.IP()
}
