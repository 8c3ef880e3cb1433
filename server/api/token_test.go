package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestIntegrationTokensAPI(t *testing.T) {
	f := newFixture(t, time.Now())
	list := func(user, query string) []tokenView {
		t.Helper()
		resp := f.Request(t, "GET", "/api/tokens"+query, user, "", nil)
		body := readAll(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("list tokens as %s: %s %s", user, resp.Status, body)
		}
		for _, tok := range f.Tokens {
			if strings.Contains(body, tok) {
				t.Fatalf("token list shows a token: %s", body)
			}
		}
		var out []tokenView
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	status := func(method, path, user, body string) int {
		t.Helper()
		ctype := ""
		if body != "" {
			ctype = "application/json"
		}
		return f.Request(t, method, path, user, ctype, strings.NewReader(body)).StatusCode
	}

	// The login session of the fixture, marked as the one in use.
	mine := list("ann", "")
	if len(mine) != 1 || mine[0].Kind != "session" || !mine[0].Current || mine[0].User != "ann" || mine[0].Expires == nil {
		t.Fatalf("ann's tokens: %+v", mine)
	}
	session := mine[0].ID

	// A named API token for automation: shown once, then usable.
	resp := f.Request(t, "POST", "/api/tokens", "ann", "application/json", strings.NewReader(`{"label":"nightly upload","days":30}`))
	var created createTokenResponse
	if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&created) != nil || created.Token == "" || created.Label != "nightly upload" {
		t.Fatalf("create token: %s %+v", resp.Status, created)
	}
	if d := created.Expires.Sub(created.Created); d != 30*24*time.Hour {
		t.Fatalf("token lives %v, want 30 days", d)
	}
	f.Tokens["ann-ci"] = created.Token
	if got := status("GET", "/api/users/me", "ann-ci", ""); got != 200 {
		t.Fatalf("the new token does not work: %d", got)
	}
	mine = list("ann-ci", "")
	if len(mine) != 2 || mine[0].ID != created.ID || !mine[0].Current || mine[0].LastUsed == nil || mine[1].ID != session || mine[1].Current {
		t.Fatalf("ann's tokens: %+v", mine)
	}
	for _, tt := range []struct {
		body string
		want int
	}{
		{`{"days":30}`, 400},
		{`{"label":"x","days":5000}`, 400},
		{`{"label":"x","days":-1}`, 400},
		{`not json`, 400},
	} {
		if got := status("POST", "/api/tokens", "ann", tt.body); got != tt.want {
			t.Errorf("create token %s: %d, want %d", tt.body, got, tt.want)
		}
	}

	// Other people's tokens: contestants and judges neither see nor revoke them.
	for _, tt := range []struct {
		method, path, user string
		want               int
	}{
		{"GET", "/api/tokens", "", http.StatusUnauthorized},
		{"POST", "/api/tokens", "", http.StatusUnauthorized},
		{"DELETE", "/api/tokens/" + session, "", http.StatusUnauthorized},
		{"GET", "/api/tokens?user=ann", "ben", http.StatusForbidden},
		{"GET", "/api/tokens?user=ann", "jury", http.StatusForbidden},
		{"DELETE", "/api/tokens/" + session + "?user=ann", "ben", http.StatusForbidden},
		{"DELETE", "/api/tokens/" + session, "ben", http.StatusNotFound},
		{"GET", "/api/tokens?user=ann", "org", http.StatusForbidden},
		{"GET", "/api/tokens?user=nobody", "admin", http.StatusNotFound},
	} {
		if got := status(tt.method, tt.path, tt.user, ""); got != tt.want {
			t.Errorf("%s %s as %q: %d, want %d", tt.method, tt.path, tt.user, got, tt.want)
		}
	}
	if len(list("ann", "")) != 2 {
		t.Fatal("someone else changed ann's tokens")
	}

	// Revoke her own.
	if got := status("DELETE", "/api/tokens/"+created.ID, "ann", ""); got != 204 {
		t.Fatalf("revoke: %d", got)
	}
	if got := status("GET", "/api/users/me", "ann-ci", ""); got != 401 {
		t.Fatalf("revoked token still works: %d", got)
	}
	if got := status("DELETE", "/api/tokens/"+created.ID, "ann", ""); got != 404 {
		t.Fatalf("revoke twice: %d", got)
	}

	// Admins list and revoke anyone's.
	bens := list("admin", "?user=ben")
	if len(bens) != 1 || bens[0].User != "ben" || bens[0].Current {
		t.Fatalf("ben's tokens as the organizer sees them: %+v", bens)
	}
	if got := status("DELETE", "/api/tokens/"+bens[0].ID+"?user=ben", "admin", ""); got != 204 {
		t.Fatalf("organizer revokes ben's session: %d", got)
	}
	if got := status("GET", "/api/users/me", "ben", ""); got != 401 {
		t.Fatalf("ben's revoked session still works: %d", got)
	}
	if got := status("GET", "/api/users/me", "ann", ""); got != 200 {
		t.Fatalf("ann's session suffered: %d", got)
	}
}
