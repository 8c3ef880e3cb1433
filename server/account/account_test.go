package account

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
)

func TestIntegrationAccounts(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	s := NewStore(rdb)

	for _, tt := range []struct {
		name string
		u    User
		pw   string
	}{
		{"bad username", User{Username: "a b", Role: Contestant}, "long enough"},
		{"bad role", User{Username: "ann", Role: "admin"}, "long enough"},
		{"short password", User{Username: "ann", Role: Contestant}, "short"},
	} {
		if err := s.Put(ctx, tt.u, tt.pw); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	if err := s.Put(ctx, User{Username: "ann", Name: "安", Organization: "Org", Role: Contestant}, "long enough"); err != nil {
		t.Fatal(err)
	}
	raw, _ := rdb.HGet(ctx, "arena:user:ann", "password").Result()
	if len(raw) < 20 || raw[:9] != "$argon2id" {
		t.Fatalf("stored password is not an argon2id hash: %q", raw)
	}

	if _, err := s.Authenticate(ctx, "ann", "wrong one"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "nobody", "long enough"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
	u, err := s.Authenticate(ctx, "ann", "long enough")
	if err != nil || u.Name != "安" || u.Role != Contestant {
		t.Fatalf("authenticate: %+v, %v", u, err)
	}

	tok, err := s.IssueToken(ctx, "ann", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if keys, _ := rdb.Keys(ctx, "arena:token:*").Result(); len(keys) != 1 || keys[0] == "arena:token:"+tok {
		t.Fatalf("tokens must be stored hashed, keys = %v", keys)
	}
	if u, err := s.Lookup(ctx, tok); err != nil || u.Username != "ann" {
		t.Fatalf("lookup: %+v, %v", u, err)
	}
	if err := s.Revoke(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lookup(ctx, tok); !errors.Is(err, ErrNoToken) {
		t.Fatalf("revoked token: %v", err)
	}
	short, _ := s.IssueToken(ctx, "ann", time.Second)
	time.Sleep(1100 * time.Millisecond)
	if _, err := s.Lookup(ctx, short); !errors.Is(err, ErrNoToken) {
		t.Fatalf("expired token: %v", err)
	}
}
