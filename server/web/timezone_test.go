package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestIntegrationTimesInTheContestZone: every page prints times in its
// contest's zone with the offset named — the default Beijing time for
// "run", Berlin summer time for "other" — and the times form of the
// dashboard reads and writes in that zone.
func TestIntegrationTimesInTheContestZone(t *testing.T) {
	now := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing, 04:00 in Berlin
	f := newFixture(t, now)
	ctx := context.Background()
	other, err := f.Contests.Get(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	other.Timezone = "Europe/Berlin"
	if err := f.Contests.Put(ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Submit(t, "ann", "print(1)")
	beijing := `2026-05-01 09:00:00 <span class="tz">UTC+8</span>` // run's start, 01:00 UTC
	berlin := `2026-05-01 03:00:00 <span class="tz">UTC+2</span>`  // other's start
	for _, tc := range []struct {
		path, user  string
		want, never []string
	}{
		{"/contests/run", "ann", []string{beijing, `title="Asia/Shanghai"`, `data-offset="480"`, "<dd>Asia/Shanghai</dd>"}, []string{"2026-05-01 01:00:00"}},
		{"/contests/other", "org2", []string{berlin, `title="Europe/Berlin"`, `data-offset="120"`, "<dd>Europe/Berlin</dd>"}, []string{"2026-05-01 01:00:00", "UTC+8"}},
		{"/", "", []string{beijing, berlin}, nil},
		{"/contests/run/submissions", "ann", []string{`title="Asia/Shanghai"`, `<span class="tz">UTC+8</span>`}, nil},
		{"/contests/run/submissions", "jury", []string{`title="Asia/Shanghai"`, `<span class="tz">UTC+8</span>`}, nil},
		{"/submissions/run-1", "ann", []string{`title="Asia/Shanghai"`, `<span class="tz">UTC+8</span>`}, nil},
		{"/contests/other/admin", "org2", []string{`value="2026-05-01T03:00:00"`, "Europe/Berlin"}, []string{"UTC+8"}},
		{"/contests/run/admin", "org", []string{`value="2026-05-01T09:00:00"`, "Asia/Shanghai"}, nil},
	} {
		status, body, _ := f.page(t, tc.path, tc.user, "en")
		if status != http.StatusOK {
			t.Errorf("%s as %s: %d", tc.path, tc.user, status)
			continue
		}
		mustContain(t, tc.path+" as "+tc.user, body, tc.want...)
		for _, n := range tc.never {
			if strings.Contains(body, n) {
				t.Errorf("%s as %s shows %q", tc.path, tc.user, n)
			}
		}
	}

	var api struct{ Timezone, Start string }
	if st := f.JSON(t, "GET", "/api/contests/other", "org2", "", &api); st != http.StatusOK || api.Timezone != "Europe/Berlin" || api.Start != "2026-05-01T01:00:00Z" {
		t.Errorf("GET /api/contests/other: %d %+v, want Europe/Berlin and the start in UTC", st, api)
	}

	// 05:30 on the form is Berlin's: 03:30 UTC.
	status, loc, body := f.postForm(t, "/contests/other/admin/times", "org2", url.Values{"start": {"2026-05-01T03:00:00"},
		"end": {"2026-05-01T05:30:00"}, "reason": {"one more half hour"}})
	if status != http.StatusSeeOther {
		t.Fatalf("times form: %d to %q: %.500s", status, loc, visibleText(body))
	}
	other, _ = f.Contests.Get(ctx, "other")
	if want := time.Date(2026, 5, 1, 3, 30, 0, 0, time.UTC); !other.End.Equal(want) || !other.Start.Equal(now.Add(-time.Hour)) {
		t.Fatalf("times form in Berlin: start %s, end %s; want %s, %s", other.Start, other.End, now.Add(-time.Hour), want)
	}
}
