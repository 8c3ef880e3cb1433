package api

import (
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/request"
)

// SocketLimits bound the websockets of one server; zero means no bound.
//
// A contest hall behind one NAT address has hundreds of contestants with a
// page or two open each, so logged-in sockets are not counted by address:
// each account has PerUser, wherever it connects from. PerAddress bounds
// the sockets of visitors not logged in (public board viewers) per client
// address, an IPv6 address counting as its /64, so one client cannot take
// the server's Total.
type SocketLimits struct {
	PerAddress int
	PerUser    int
	Total      int
	// Replay bounds how many events a client resuming with ?since= may be
	// behind; further behind, it gets a reset and reloads its snapshot.
	Replay int
}

// DefaultSocketLimits are arena serve's defaults.
func DefaultSocketLimits() SocketLimits {
	return SocketLimits{PerAddress: 50, PerUser: 16, Total: 20000, Replay: 1000}
}

// socketSlots counts the open websockets against SocketLimits.
type socketSlots struct {
	limits SocketLimits
	mu     sync.Mutex
	total  int
	by     map[string]int // "u:" + username or "a:" + address
}

func newSocketSlots(l SocketLimits) *socketSlots {
	return &socketSlots{limits: l, by: map[string]int{}}
}

// slot is one socket's place; Close gives it back, once.
type slot struct {
	once    sync.Once
	release func()
}

// Close gives the slot back; later calls do nothing.
func (s *slot) Close() error {
	s.once.Do(s.release)
	return nil
}

// take takes a slot for a socket of user (empty: not logged in) from
// address ip, or returns the refusal: 503 when the server is full, 429 when
// the address or the user has its share. Kept in the request's Locals, the
// slot is given back when the request ends unless the upgrade happened, and
// then when the socket ends (fasthttp closes the io.Closer values of a
// request when it lets the request go).
func (s *socketSlots) take(c *fiber.Ctx, user, ip string) (*slot, error) {
	key, perKey, who := "u:"+user, s.limits.PerUser, "your account"
	if user == "" {
		key, perKey, who = "a:"+addressKey(ip), s.limits.PerAddress, "your address"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limits.Total > 0 && s.total >= s.limits.Total {
		c.Set(fiber.HeaderRetryAfter, "10")
		return nil, &request.Error{Status: fiber.StatusServiceUnavailable, Code: "server_full",
			Message: "this server has all the live connections it takes (" + strconv.Itoa(s.limits.Total) + "); try again shortly or reload the page without live updates"}
	}
	if perKey > 0 && s.by[key] >= perKey {
		c.Set(fiber.HeaderRetryAfter, "10")
		return nil, &request.Error{Status: fiber.StatusTooManyRequests, Code: "too_many_sockets",
			Message: fmt.Sprintf("%s has %d live connections open, the most allowed; close some pages", who, perKey)}
	}
	s.total++
	s.by[key]++
	return &slot{release: func() { s.release(key) }}, nil
}

func (s *socketSlots) release(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total--
	if s.by[key]--; s.by[key] <= 0 {
		delete(s.by, key)
	}
}

// addressKey is the address a socket counts against: an IPv4 address, or an
// IPv6 address's /64 (one subscriber's share).
func addressKey(ip string) string {
	a := net.ParseIP(ip)
	if a == nil || a.To4() != nil {
		return ip
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
