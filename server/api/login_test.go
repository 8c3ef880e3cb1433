package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skillarena/arena/server/account"
)

// TestIntegrationConcurrentLogins: a hall logging in at once from one
// address all gets in, while concurrent guesses at one account get no more
// password checks than the per-user limit.
func TestIntegrationConcurrentLogins(t *testing.T) {
	f := newFixture(t, time.Now())
	const hall = 120
	users := make([]account.User, hall)
	passwords := make([]string, hall)
	for i := range users {
		users[i] = account.User{Username: fmt.Sprintf("hall%03d", i), Role: account.Contestant}
		passwords[i] = fmt.Sprintf("password-%03d", i)
	}
	if err := f.Accounts.CreateAll(context.Background(), users, passwords); err != nil {
		t.Fatal(err)
	}
	login := func(user, pw string) (int, error) {
		req := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(`{"username":"`+user+`","password":"`+pw+`"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := f.App.Test(req, -1)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	const guesses = 12 // the fixture allows 5 failures per user
	codes := make([]int, hall+guesses)
	errs := make([]error, hall+guesses)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i < hall {
				codes[i], errs[i] = login(users[i].Username, passwords[i])
			} else {
				codes[i], errs[i] = login("ann", "guess")
			}
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for i, c := range codes {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if i < hall && c != 200 {
			t.Errorf("%s: status %d, want 200", users[i].Username, c)
		}
		if i >= hall {
			count[c]++
		}
	}
	if count[401] != 5 || count[429] != guesses-5 {
		t.Errorf("concurrent guesses: statuses %v, want 5 × 401 and the rest 429", count)
	}
}
