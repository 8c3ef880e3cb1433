package clics

import (
	"testing"
	"time"

	"github.com/skillarena/arena/sandbox/verdict"
)

func TestFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{reltime(0), "0:00:00.000"},
		{reltime(90*time.Minute + 1500*time.Millisecond), "1:30:01.500"},
		{reltime(-(15*time.Minute + 32*time.Second + 457*time.Millisecond)), "-0:15:32.457"},
		{reltime(125 * time.Hour), "125:00:00.000"},
		{abstime(time.Date(2014, 6, 25, 10, 0, 0, 0, time.FixedZone("BST", 3600))), "2014-06-25T09:00:00.000Z"},
		{label(0), "A"}, {label(25), "Z"}, {label(26), "AA"}, {label(27), "AB"},
		{ident("hello"), "hello"},
		{ident("Team_7.b"), "Team_7.b"},
		{subNumber("run-42"), "42"},
		{typeOf(verdict.Accepted, 0, 0), "AC"},
		{typeOf(verdict.Scored, 100, 100), "AC"},
		{typeOf(verdict.Scored, 60, 100), "WA"},
		{typeOf(verdict.CompileError, 0, 0), "CE"},
		{typeOf(verdict.InvalidSubmission, 0, 0), "SE"},
		{typeOf(verdict.SystemError, 0, 0), "JE"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for _, name := range []string{"a-very-long-challenge-slug-that-goes-on-and-on", "ends.", "组织"} {
		id := ident(name)
		if !idRE.MatchString(id) || len(id) != 17 || id != ident(name) {
			t.Errorf("ident(%q) = %q: want a stable 17-character id", name, id)
		}
	}
}
