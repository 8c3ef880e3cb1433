package request

import (
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.168.1.10")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, peer, forwarded, want string
		ps                          Proxies
	}{
		{"no proxies trusted: the peer, whatever the header says", "10.1.2.3", "203.0.113.5", "10.1.2.3", nil},
		{"an untrusted peer's header is ignored", "198.51.100.7", "203.0.113.5", "198.51.100.7", proxies},
		{"a trusted proxy names the client", "10.1.2.3", "203.0.113.5", "203.0.113.5", proxies},
		{"a client's own entry left of the real one is not believed", "10.1.2.3", "1.2.3.4, 203.0.113.5", "203.0.113.5", proxies},
		{"through two trusted proxies", "192.168.1.10", "203.0.113.5, 10.9.9.9", "203.0.113.5", proxies},
		{"a trusted proxy with no header is the client", "10.1.2.3", "", "10.1.2.3", proxies},
		{"a malformed hop stops the walk", "10.1.2.3", "203.0.113.5, junk", "10.1.2.3", proxies},
		{"IPv4-mapped IPv6 peers", "::ffff:10.1.2.3", "203.0.113.5", "203.0.113.5", proxies},
	} {
		if got := tc.ps.clientIP(tc.peer, tc.forwarded); got != tc.want {
			t.Errorf("%s: clientIP(%q, %q) = %q, want %q", tc.name, tc.peer, tc.forwarded, got, tc.want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0"} {
		if _, err := ParseProxies(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseProxies(%q): %v, want an error naming it", bad, err)
		}
	}
}
