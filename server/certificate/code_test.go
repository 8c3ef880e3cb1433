package certificate

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/server/ratelimit"
	"github.com/skillarena/arena/server/refusal"
)

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c := NewCode()
		if len(c) != CodeLength || strings.Trim(c, codeAlphabet) != "" || seen[c] {
			t.Fatalf("code %q: want %d characters of %s, each one new", c, CodeLength, codeAlphabet)
		}
		if NormalizeCode(c) != c || NormalizeCode(FormatCode(c)) != c {
			t.Fatalf("code %q does not read back", c)
		}
		seen[c] = true
	}
}

func TestCodeMatches(t *testing.T) {
	r := &Record{Signed: Signed{Code: "7K2QD0M1ABCDEFGHJKMN"}}
	for _, tc := range []struct {
		name  string
		rec   *Record
		given string
		want  bool
	}{
		{"exact", r, "7K2QD0M1ABCDEFGHJKMN", true},
		{"as printed", r, "7K2QD-0M1AB-CDEFG-HJKMN", true},
		{"lower case, O for 0, I for 1", r, "7k2qdoMIabcdefghjkmn", true},
		{"one character off", r, "7K2QD0M1ABCDEFGHJKMP", false},
		{"a prefix", r, "7K2QD0M1ABCDEFGHJKM", false},
		{"empty", r, "", false},
		{"a record without a code", &Record{}, "", false},
		{"a record without a code, any code", &Record{}, "7K2QD0M1ABCDEFGHJKMN", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := codeMatches(tc.rec, tc.given); got != tc.want {
				t.Fatalf("codeMatches(%q) = %v, want %v", tc.given, got, tc.want)
			}
		})
	}
}

func TestVerifyURL(t *testing.T) {
	for _, tc := range []struct{ base, number, code, want string }{
		{"https://arena.example.org/", "bc-2025-0001", "7K2QD0M1ABCDEFGHJKMN", "https://arena.example.org/verify/bc-2025-0001?code=7K2QD0M1ABCDEFGHJKMN"},
		{"https://arena.example.org", "bc-2025-0001", "", "https://arena.example.org/verify/bc-2025-0001"},
		{"", "a/b c", "X", "/verify/a%2Fb%20c?code=X"},
	} {
		if got := VerifyURL(tc.base, tc.number, tc.code); got != tc.want {
			t.Errorf("VerifyURL(%q, %q, %q) = %q, want %q", tc.base, tc.number, tc.code, got, tc.want)
		}
	}
}

// TestCertificatePageCarriesTheCode checks what the PDF's QR code encodes
// (the page's Link, which document.WriteCertificates hands to the QR
// encoder) and the code printed under the number.
func TestCertificatePageCarriesTheCode(t *testing.T) {
	r := sampleRecords()[0]
	r.Code = "7K2QD0M1ABCDEFGHJKMN"
	p := certificatePage(r, "https://arena.example.org/")
	if p.Link != "https://arena.example.org/verify/bc-2025-0001?code=7K2QD0M1ABCDEFGHJKMN" {
		t.Fatalf("QR link: %q", p.Link)
	}
	if p.Number != "bc-2025-0001" || p.Code != "验证码 7K2QD-0M1AB-CDEFG-HJKMN" {
		t.Fatalf("number and code: %q %q", p.Number, p.Code)
	}
	old := sampleRecords()[1]
	if p := certificatePage(old, "https://arena.example.org"); p.Link != "https://arena.example.org/verify/bc-2025-0002" || p.Code != "" {
		t.Fatalf("a record without a code: %q %q", p.Link, p.Code)
	}
}

// statusKeys are all a verification by number alone may carry.
var statusKeys = []string{"key_id", "number", "revoked", "scope", "signature_valid", "status"}

// TestIntegrationVerifyByCode: by number alone, or with a wrong code, the
// verification says only whether the certificate holds; with the code it
// shows the masked holder; wrong codes are limited per address.
func TestIntegrationVerifyByCode(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const maxWrong = 4
	cfg := f.cfg
	cfg.Lookups = ratelimit.New(f.rdb, "t-lookups", 1000, 24*time.Hour)
	cfg.WrongCodes = ratelimit.New(f.rdb, "t-codes", maxWrong, 24*time.Hour)
	svc := New(cfg)
	f.load(t, "bc", 0)
	f.play(t, "bc")
	theory, _ := os.ReadFile("testdata/theory.csv")
	if _, err := svc.ImportScores(ctx, "bc", "theory", theory, "org", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.admin.Unfreeze(ctx, "bc", "org", ""); err != nil {
		t.Fatal(err)
	}
	_, recs, err := svc.Finalize(ctx, "bc", "org", "results approved")
	if err != nil {
		t.Fatal(err)
	}
	ben := recs[0] // bc-2025-0001: 本杰明, 440304200002294568, total 94
	if ben.Holder.Username != "ben" || len(ben.Code) != CodeLength || ben.Version != 2 {
		t.Fatalf("ben's record: %+v", ben)
	}
	if slices.ContainsFunc(recs[1:], func(r Record) bool { return r.Code == ben.Code }) {
		t.Fatal("two certificates share a code")
	}
	if _, err := svc.Revoke(ctx, recs[2].Number, "org", "identity fraud"); err != nil {
		t.Fatal(err)
	}
	secrets := []string{ben.Holder.Name, MaskName(ben.Holder.Name), ben.Holder.IDNumber, "440304********4568", "identity fraud",
		recs[2].Holder.Name, MaskName(recs[2].Holder.Name), recs[2].Holder.IDNumber, `"total"`, `"parts"`, `"rank"`, `"holder"`, `"level`, `"award`, `"contest`}

	for _, tc := range []struct {
		name, number, code, client string
		status                     string
		full                       bool
	}{
		{"number alone", ben.Number, "", "10.0.0.1", StatusValid, false},
		{"wrong code", ben.Number, "7K2QD0M1ABCDEFGHJKMN", "10.0.0.1", StatusValid, false},
		{"another certificate's code", ben.Number, recs[1].Code, "10.0.0.1", StatusValid, false},
		{"the right code", ben.Number, ben.Code, "10.0.0.1", StatusValid, true},
		{"the right code as printed", ben.Number, strings.ToLower(FormatCode(ben.Code)), "10.0.0.1", StatusValid, true},
		{"revoked, number alone", recs[2].Number, "", "10.0.0.1", StatusRevoked, false},
		{"revoked, the right code", recs[2].Number, recs[2].Code, "10.0.0.1", StatusRevoked, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := svc.Verify(ctx, Lookup{Number: tc.number, Code: tc.code, Client: tc.client})
			if err != nil {
				t.Fatal(err)
			}
			if v.Status != tc.status || !v.SignatureValid || (v.Scope == ScopeFull) != tc.full {
				t.Fatalf("verification: %+v", v)
			}
			b, _ := json.Marshal(v)
			if tc.full {
				if v.Holder == nil || strings.Contains(string(b), "440304200002294568") || strings.Contains(string(b), ben.Code) {
					t.Fatalf("full verification: %s", b)
				}
				if tc.status == StatusRevoked && !strings.Contains(string(b), "identity fraud") {
					t.Fatalf("revoked with the code lacks the reason: %s", b)
				}
				if tc.status == StatusValid && (v.Holder.Name != "本*明" || v.Holder.IDNumber != "440304********4568" || v.LevelName != "二级/技师") {
					t.Fatalf("full verification: %s", b)
				}
				return
			}
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			if extra := slices.DeleteFunc(slices.Sorted(maps.Keys(m)), func(k string) bool { return slices.Contains(statusKeys, k) }); len(extra) > 0 {
				t.Fatalf("by number alone the verification has %q: %s", extra, b)
			}
			for _, s := range secrets {
				if strings.Contains(string(b), s) {
					t.Fatalf("by number alone the verification reveals %q: %s", s, b)
				}
			}
		})
	}

	// Wrong codes run out per address; then even the right code is refused
	// there (no oracle), while the number alone and other addresses go on.
	for i := range maxWrong {
		if _, err := svc.Verify(ctx, Lookup{Number: ben.Number, Code: "0000000000000000000" + string(codeAlphabet[i]), Client: "10.0.0.2"}); err != nil {
			t.Fatalf("wrong code %d: %v", i+1, err)
		}
	}
	for _, code := range []string{"00000000000000000009", ben.Code} {
		_, err := svc.Verify(ctx, Lookup{Number: ben.Number, Code: code, Client: "10.0.0.2"})
		if r, ok := refusal.As(err); !ok || r.Kind != refusal.Limited {
			t.Fatalf("past the limit, code %s: %v", code, err)
		}
	}
	if v, err := svc.Verify(ctx, Lookup{Number: ben.Number, Client: "10.0.0.2"}); err != nil || v.Scope != ScopeStatus {
		t.Fatalf("number alone past the code limit: %+v %v", v, err)
	}
	if v, err := svc.Verify(ctx, Lookup{Number: ben.Number, Code: ben.Code, Client: "10.0.0.3"}); err != nil || v.Scope != ScopeFull {
		t.Fatalf("another address: %+v %v", v, err)
	}
	// Right codes do not use up the limit.
	for range maxWrong + 2 {
		if v, err := svc.Verify(ctx, Lookup{Number: ben.Number, Code: ben.Code, Client: "10.0.0.4"}); err != nil || v.Scope != ScopeFull {
			t.Fatalf("right codes: %+v %v", v, err)
		}
	}
	// Lookups of any kind are limited too.
	few := cfg
	few.Lookups = ratelimit.New(f.rdb, "t-few", 2, 24*time.Hour)
	walker := New(few)
	for i := range 3 {
		_, err := walker.Verify(ctx, Lookup{Number: ben.Number, Client: "10.0.0.5"})
		if r, ok := refusal.As(err); (i < 2) != (err == nil) || i == 2 && (!ok || r.Kind != refusal.Limited) {
			t.Fatalf("lookup %d: %v", i+1, err)
		}
	}
	if _, err := svc.Verify(ctx, Lookup{Number: "bc-2025-9999", Client: "10.0.0.1"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown number: %v", err)
	}
}

// TestIntegrationRecordsBeforeCodes: a record issued before codes (version
// 1, no code) verifies by number alone, shows in full to organizers, gets
// a code the first time its contest's records are listed, and its old
// exported JSON still checks against its old signature.
func TestIntegrationRecordsBeforeCodes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.load(t, "bc", 0)
	f.play(t, "bc")
	theory, _ := os.ReadFile("testdata/theory.csv")
	if _, err := f.svc.ImportScores(ctx, "bc", "theory", theory, "org", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.admin.Unfreeze(ctx, "bc", "org", ""); err != nil {
		t.Fatal(err)
	}
	_, recs, err := f.svc.Finalize(ctx, "bc", "org", "results approved")
	if err != nil {
		t.Fatal(err)
	}
	// Make recs[0] and recs[2] what an earlier version issued; recs[2] revoked.
	priv, keyID, err := f.svc.keys.Signer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var old []Record
	for _, i := range []int{0, 2} {
		r := recs[i]
		r.Code, r.Version = "", 1
		if i == 2 {
			r.Revoked = &Revocation{At: f.now.UTC(), By: "org", Reason: "fraud"}
		}
		if err := sign(&r, priv, keyID); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		if strings.Contains(string(b), `"code"`) {
			t.Fatalf("an old record's JSON has a code: %s", b)
		}
		f.rdb.HSet(ctx, recordsKey("bc"), r.Number, b)
		old = append(old, r)
	}
	pub := priv.Public().(ed25519.PublicKey)
	for _, q := range []Lookup{{Number: old[0].Number}, {Number: old[0].Number, Code: recs[0].Code}} {
		if v, err := f.svc.Verify(ctx, q); err != nil || v.Status != StatusValid || v.Scope != ScopeStatus {
			t.Fatalf("old record, code %q: %+v %v", q.Code, v, err)
		}
	}
	if v, err := f.svc.Full(ctx, old[0].Number); err != nil || v.Holder == nil || v.Holder.Name != "本*明" {
		t.Fatalf("organizers' view of an old record: %+v %v", v, err)
	}
	listed, err := f.svc.Records(ctx, "bc")
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[string]Record{}
	for _, r := range listed {
		byNumber[r.Number] = r
	}
	got := byNumber[old[0].Number]
	if len(got.Code) != CodeLength || got.Version != 2 || got.Code == recs[0].Code || VerifyRecord(got, pub) != nil {
		t.Fatalf("old record after listing: %+v", got)
	}
	if r := byNumber[old[1].Number]; r.Code != "" || r.Revoked == nil {
		t.Fatalf("a revoked old record got a code: %+v", r)
	}
	if err := VerifyRecord(old[0], pub); err != nil {
		t.Fatalf("the old export no longer verifies: %v", err)
	}
	if v, err := f.svc.Verify(ctx, Lookup{Number: got.Number, Code: got.Code}); err != nil || v.Scope != ScopeFull {
		t.Fatalf("old record with its new code: %+v %v", v, err)
	}
	// Listing again changes nothing; the code is audited once.
	again, _ := f.svc.Issued(ctx, got.Number)
	if again.Code != got.Code {
		t.Fatalf("code changed: %s -> %s", got.Code, again.Code)
	}
	if e := auditActions(t, f.audit, "bc")["certificate.code"]; e.Target != got.Number || e.Who != codeAuditor {
		t.Fatalf("audit of the code: %+v", e)
	}
	// Exports carry the code and the link.
	list, err := f.svc.Winners(ctx, "bc", false)
	if err != nil {
		t.Fatal(err)
	}
	list.Link("https://arena.example.org")
	tab := list.Table("en")
	ci, ui := slices.Index(tab.Header, "verification_code"), slices.Index(tab.Header, "verification_url")
	ni := slices.Index(tab.Header, "certificate_number")
	if ci < 0 || ui < 0 {
		t.Fatalf("no code columns: %q", tab.Header)
	}
	for _, row := range tab.Rows {
		r := byNumber[row[ni].(string)]
		wantCode, wantURL := r.Code, VerifyURL("https://arena.example.org", r.Number, r.Code)
		if r.Revoked != nil {
			wantCode, wantURL = "", ""
		}
		if row[ci] != wantCode || row[ui] != wantURL {
			t.Fatalf("export row %v: code %v url %v", row[ni], row[ci], row[ui])
		}
	}
}
