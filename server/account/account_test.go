package account

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
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
		{"bad role", User{Username: "ann", Role: "root"}, "long enough"},
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

func TestIntegrationPersonalDataAndCreateAll(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	s := NewStore(rdb)
	ann := User{Username: "ann", Name: "Ann", Team: "Red", Role: Contestant, IDNumber: "11010519491231002X", Phone: "13812345678", Email: "ann@example.com"}
	if err := s.Put(ctx, ann, "long enough"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "ann"); err != nil || got != ann {
		t.Fatalf("get: %+v, %v; want %+v", got, err, ann)
	}
	// An ID number belongs to one account.
	var ce *ConflictError
	err := s.Put(ctx, User{Username: "other", Role: Contestant, IDNumber: ann.IDNumber}, "long enough")
	if !errors.As(err, &ce) || ce.IDNumbers[ann.IDNumber] != "ann" || strings.Contains(err.Error(), ann.IDNumber) {
		t.Fatalf("second account with ann's ID number: %v", err)
	}
	// Changing the ID number frees the old one.
	ann.IDNumber = "110105199003071234"
	if err := s.Put(ctx, ann, "long enough"); err != nil {
		t.Fatal(err)
	}
	if owners, _ := s.IDNumberOwners(ctx, []string{"11010519491231002X", ann.IDNumber}); len(owners) != 1 || owners[ann.IDNumber] != "ann" {
		t.Fatalf("ID index after a change: %v", owners)
	}

	// CreateAll is all or nothing.
	batch := []User{
		{Username: "c1", Role: Contestant, IDNumber: "A1"},
		{Username: "c2", Role: Contestant, IDNumber: ann.IDNumber},
		{Username: "ann", Role: Contestant},
	}
	err = s.CreateAll(ctx, batch, []string{"password1", "password2", "password3"})
	if !errors.As(err, &ce) || !slices.Equal(ce.Usernames, []string{"ann"}) || ce.IDNumbers[ann.IDNumber] != "ann" {
		t.Fatalf("conflicting batch: %v", err)
	}
	if ex, _ := s.Exists(ctx, []string{"c1", "c2", "ann"}); ex["c1"] || ex["c2"] || !ex["ann"] {
		t.Fatalf("a refused batch left accounts: %v", ex)
	}
	if err := s.CreateAll(ctx, batch[:1], []string{"short"}); err == nil {
		t.Fatal("short password accepted")
	}
	if err := s.CreateAll(ctx, batch[:1], []string{"password1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "c1", "password1"); err != nil {
		t.Fatalf("log in as created user: %v", err)
	}
	all, err := s.List(ctx)
	if err != nil || len(all) != 2 || all[0].Username != "ann" || all[1].Username != "c1" {
		t.Fatalf("list: %+v, %v", all, err)
	}
}

func TestIntegrationTokens(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	s := NewStore(rdb)
	now := time.Now()
	s.now = func() time.Time { return now }
	for _, name := range []string{"ann", "ben"} {
		if err := s.Put(ctx, User{Username: name, Role: Contestant}, "long enough"); err != nil {
			t.Fatal(err)
		}
	}
	session, err := s.IssueToken(ctx, "ann", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	api, info, err := s.IssueAPIToken(ctx, "ann", "ci runner", 0)
	if err != nil || info.Kind != APIToken || info.Expires != nil || info.Label != "ci runner" || info.ID != TokenID(api) {
		t.Fatalf("API token: %+v, %v", info, err)
	}
	if ttl, _ := rdb.TTL(ctx, "arena:token:"+hashToken(api)).Result(); ttl != -1 {
		t.Fatalf("a token without expiry has TTL %v", ttl)
	}
	if _, _, err := s.IssueAPIToken(ctx, "ann", " ", time.Hour); err == nil {
		t.Fatal("empty label accepted")
	}
	benTok, _ := s.IssueToken(ctx, "ben", time.Hour)

	list, err := s.Tokens(ctx, "ann")
	if err != nil || len(list) != 2 || list[0].ID != TokenID(api) || list[1].ID != TokenID(session) || list[1].Kind != SessionToken {
		t.Fatalf("tokens: %+v, %v", list, err)
	}
	if list[1].LastUsed != nil || list[1].Expires == nil || !list[1].Expires.Equal(list[1].Created.Add(time.Hour)) {
		t.Fatalf("session details: %+v", list[1])
	}
	for _, ti := range list {
		b, _ := json.Marshal(ti)
		if strings.Contains(string(b), api) || strings.Contains(string(b), session) {
			t.Fatalf("token list shows a token: %s", b)
		}
	}

	// Use is recorded, at most once a minute.
	if _, err := s.Lookup(ctx, session); err != nil {
		t.Fatal(err)
	}
	list, _ = s.Tokens(ctx, "ann")
	if list[1].LastUsed == nil || !list[1].LastUsed.Equal(now.Truncate(time.Millisecond)) {
		t.Fatalf("last used: %+v", list[1])
	}
	first := *list[1].LastUsed
	now = now.Add(10 * time.Second)
	_, _ = s.Lookup(ctx, session)
	if list, _ = s.Tokens(ctx, "ann"); !list[1].LastUsed.Equal(first) {
		t.Fatalf("last used written again within a minute: %v", list[1].LastUsed)
	}

	// Revoking by id: only the owner's ids count.
	if err := s.RevokeID(ctx, "ben", TokenID(session)); !errors.Is(err, ErrNoToken) {
		t.Fatalf("ben revoking ann's token: %v", err)
	}
	if err := s.RevokeID(ctx, "ann", TokenID(session)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lookup(ctx, session); !errors.Is(err, ErrNoToken) {
		t.Fatalf("revoked session still works: %v", err)
	}
	if err := s.RevokeID(ctx, "ann", TokenID(session)); !errors.Is(err, ErrNoToken) {
		t.Fatalf("revoking twice: %v", err)
	}
	if _, err := s.Lookup(ctx, benTok); err != nil {
		t.Fatalf("ben's token suffered: %v", err)
	}
	// Revoke by token (logout) also leaves the list.
	if err := s.Revoke(ctx, api); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Tokens(ctx, "ann"); len(list) != 0 {
		t.Fatalf("tokens after revoking all: %+v", list)
	}
	if n, _ := rdb.HLen(ctx, "arena:tokens:ann").Result(); n != 0 {
		t.Fatalf("index keeps %d revoked tokens", n)
	}

	// Expired tokens drop out of the list and the index.
	short, _ := s.IssueToken(ctx, "ben", time.Second)
	rdb.Del(ctx, "arena:token:"+hashToken(short)) // as the expiry would
	if list, _ := s.Tokens(ctx, "ben"); len(list) != 1 || list[0].ID != TokenID(benTok) {
		t.Fatalf("ben's tokens after one expired: %+v", list)
	}
	if n, _ := rdb.HLen(ctx, "arena:tokens:ben").Result(); n != 1 {
		t.Fatalf("index keeps the expired token: %d entries", n)
	}
	// A token of the old plain-string kind reads as unknown, not as an error.
	rdb.Set(ctx, "arena:token:"+hashToken("old-token"), "ann", time.Hour)
	if _, err := s.Lookup(ctx, "old-token"); !errors.Is(err, ErrNoToken) {
		t.Fatalf("old token: %v", err)
	}
}
