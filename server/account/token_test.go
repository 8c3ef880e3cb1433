package account

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/refusal"
)

// TestIntegrationTokenCaps: API tokens requested at once stop at the cap,
// every one refused past it with a refusal; sessions past theirs end the
// oldest, so the newest always works.
func TestIntegrationTokenCaps(t *testing.T) {
	ctx := context.Background()
	s := NewStore(testenv.StartRedis(t).Client())
	var mu sync.Mutex
	clock := time.Now()
	s.now = func() time.Time { // a millisecond a call, so "oldest" is well defined
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Millisecond)
		return clock
	}
	if err := s.Put(ctx, User{Username: "ann", Role: Contestant}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}

	const asked = MaxAPITokens + 15
	errs := make([]error, asked)
	var wg sync.WaitGroup
	for i := range asked {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = s.IssueAPIToken(ctx, "ann", "ci", time.Hour)
		}()
	}
	wg.Wait()
	issued := 0
	for _, err := range errs {
		if err == nil {
			issued++
			continue
		}
		if r, ok := refusal.As(err); !ok || r.Kind != refusal.Conflict {
			t.Fatalf("past the cap: %v, want a conflict refusal", err)
		}
	}
	if issued != MaxAPITokens {
		t.Fatalf("issued %d API tokens at once, want the cap %d", issued, MaxAPITokens)
	}

	var sessions []string
	for range MaxSessions + 3 {
		tok, err := s.IssueToken(ctx, "ann", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, tok)
	}
	for i, tok := range sessions {
		_, err := s.Lookup(ctx, tok)
		if ended := i < 3; ended != (err != nil) {
			t.Errorf("session %d of %d: lookup error %v, want ended=%v", i+1, len(sessions), err, ended)
		}
	}
	list, err := s.Tokens(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	count := map[TokenKind]int{}
	for _, ti := range list {
		count[ti.Kind]++
	}
	if count[SessionToken] != MaxSessions || count[APIToken] != MaxAPITokens {
		t.Fatalf("tokens listed: %v, want %d sessions and %d API tokens", count, MaxSessions, MaxAPITokens)
	}
}

// TestIntegrationTokensEndWithTheAccount: a new password or disabling the
// account ends every session and API token; a disabled account cannot log
// in until enabled again.
func TestIntegrationTokensEndWithTheAccount(t *testing.T) {
	ctx := context.Background()
	s := NewStore(testenv.StartRedis(t).Client())
	if err := s.Put(ctx, User{Username: "ann", Role: Contestant}, "old password"); err != nil {
		t.Fatal(err)
	}
	issue := func() []string {
		t.Helper()
		session, err := s.IssueToken(ctx, "ann", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		api, _, err := s.IssueAPIToken(ctx, "ann", "ci", 0)
		if err != nil {
			t.Fatal(err)
		}
		return []string{session, api}
	}
	ended := func(when string, tokens []string) {
		t.Helper()
		for _, tok := range tokens {
			if _, err := s.Lookup(ctx, tok); !errors.Is(err, ErrNoToken) {
				t.Errorf("%s: token still works (%v)", when, err)
			}
		}
		if list, err := s.Tokens(ctx, "ann"); err != nil || len(list) != 0 {
			t.Errorf("%s: tokens listed %v, %v", when, list, err)
		}
	}

	tokens := issue()
	if err := s.SetPassword(ctx, "ann", "new password"); err != nil {
		t.Fatal(err)
	}
	ended("after the new password", tokens)
	if _, err := s.Authenticate(ctx, "ann", "old password"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("old password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "ann", "new password"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if err := s.SetPassword(ctx, "ann", "short"); err == nil {
		t.Error("a 5-character password was taken")
	}
	if err := s.SetPassword(ctx, "nobody", "long enough"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}

	tokens = issue()
	if err := s.SetDisabled(ctx, "ann", true); err != nil {
		t.Fatal(err)
	}
	ended("after disabling", tokens)
	if _, err := s.Authenticate(ctx, "ann", "new password"); !errors.Is(err, ErrDisabled) {
		t.Errorf("disabled login: %v, want ErrDisabled", err)
	}
	if err := s.SetDisabled(ctx, "ann", false); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Authenticate(ctx, "ann", "new password"); err != nil || u.Disabled {
		t.Errorf("enabled again: %+v %v", u, err)
	}
}
