package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/scoreboard"
)

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br, zstd", true},
		{"br", false},
		{"GZIP;q=0.5", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"identity", false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestETagMatches(t *testing.T) {
	tag := boardETag(scoreboard.Public, "17-0", false, false)
	tests := []struct {
		header string
		want   bool
	}{
		{tag, true},
		{boardETag(scoreboard.Public, "17-0", false, true), true},
		{`W/` + tag, true},
		{`"other", ` + boardETag(scoreboard.Public, "17-0", false, true), true},
		{"*", true},
		{boardETag(scoreboard.Jury, "17-0", false, false), false},
		{boardETag(scoreboard.Public, "17-1", false, false), false},
		{boardETag(scoreboard.Public, "17-0", true, false), false}, // the freeze began since
		{`"board1-public-17-0-gzip"`, false},
		{"", false},
	}
	for _, tt := range tests {
		if got := etagMatches(tt.header, tag); got != tt.want {
			t.Errorf("etagMatches(%q, %s) = %v, want %v", tt.header, tag, got, tt.want)
		}
	}
}

// TestIntegrationScoreboardCache: the board comes gzipped or not, the same
// JSON either way, with an ETag per view and event; If-None-Match gets 304
// until the board changes (a verdict, an enrolment), and a judge's live
// board never answers a public request.
func TestIntegrationScoreboardCache(t *testing.T) {
	f := newFixture(t, time.Now())
	get := func(user string, header ...string) (int, []byte, string, string) {
		t.Helper()
		st, body, h := f.Call(t, "GET", "/api/contests/run/scoreboard", user, "", header...)
		return st, body, h.Get("ETag"), h.Get("Content-Encoding")
	}
	st, plain, tag, enc := get("")
	if st != 200 || enc != "" || !strings.Contains(string(plain), `"view":"public"`) || tag == "" {
		t.Fatalf("plain board: %d %q etag %q: %.200s", st, enc, tag, plain)
	}
	st, zipped, gzTag, enc := get("", "Accept-Encoding", "gzip, deflate, br")
	if st != 200 || enc != "gzip" || gzTag == tag || !strings.HasPrefix(gzTag, strings.TrimSuffix(tag, `"`)) {
		t.Fatalf("gzipped board: %d %q etag %q (plain %q)", st, enc, gzTag, tag)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, plain) {
		t.Fatalf("gzipped board differs from the plain one: %v\n%.200s\n%.200s", err, unzipped, plain)
	}
	for _, inm := range []string{tag, gzTag} {
		if st, body, _, _ := get("", "If-None-Match", inm, "Accept-Encoding", "gzip"); st != 304 || len(body) != 0 {
			t.Fatalf("If-None-Match %s: %d with %d bytes, want 304 and none", inm, st, len(body))
		}
	}
	// The jury's live board is another version: a public tag does not match it.
	st, jury, juryTag, _ := get("jury", "If-None-Match", tag)
	if st != 200 || juryTag == tag || !strings.Contains(string(jury), `"view":"jury"`) {
		t.Fatalf("jury with the public tag: %d etag %q: %.100s", st, juryTag, jury)
	}
	if st, _, _, _ := get("", "If-None-Match", juryTag); st != 200 {
		t.Fatalf("public request with the jury's tag: %d, want 200", st)
	}

	// A verdict changes the board: a new tag, and the old one gets 200.
	f.Submit(t, "ann", "print('hi')")
	f.Grade(t, verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100})
	st, after, newTag, _ := get("", "If-None-Match", tag)
	if st != 200 || newTag == tag || !strings.Contains(string(after), `"total":100`) {
		t.Fatalf("after a verdict with the old tag: %d etag %q: %.300s", st, newTag, after)
	}
	// Enrolling a contestant changes the board too, so it moves the tag.
	if err := f.Board.Enroll(context.Background(), "run", scoreboard.Contestant{ID: "cid", Name: "Cid"}); err != nil {
		t.Fatal(err)
	}
	st, enrolled, enrolledTag, _ := get("", "If-None-Match", newTag)
	if st != 200 || enrolledTag == newTag || !strings.Contains(string(enrolled), `"name":"Cid"`) {
		t.Fatalf("after an enrolment with the old tag: %d etag %q: %.300s", st, enrolledTag, enrolled)
	}
}

// TestIntegrationCompression: pages, scripts and JSON are compressed for
// clients that accept it; websockets are not touched.
func TestIntegrationCompression(t *testing.T) {
	f := newFixture(t, time.Now())
	_, body, _ := f.Call(t, "GET", "/contests/run/board?lang=en", "", "")
	asset := string(body[strings.Index(string(body), "/static/board"):])
	asset = asset[:strings.IndexByte(asset, '"')]
	for _, path := range []string{"/contests/run/board?lang=en", asset, "/api/openapi.json", "/api/contests"} {
		for _, enc := range []string{"gzip", "br"} {
			st, body, h := f.Call(t, "GET", path, "", "", "Accept-Encoding", enc)
			if st != 200 || h.Get("Content-Encoding") != enc || len(body) == 0 {
				t.Errorf("%s with %s: %d, Content-Encoding %q", path, enc, st, h.Get("Content-Encoding"))
			}
		}
		if _, _, h := f.Call(t, "GET", path, "", ""); h.Get("Content-Encoding") != "" {
			t.Errorf("%s without Accept-Encoding: Content-Encoding %q", path, h.Get("Content-Encoding"))
		}
	}
	st, _, h := f.Call(t, "GET", "/ws/contests/run/board", "", "", "Accept-Encoding", "gzip")
	if st != 426 || h.Get("Content-Encoding") != "" {
		t.Errorf("websocket route: %d, Content-Encoding %q", st, h.Get("Content-Encoding"))
	}
}
