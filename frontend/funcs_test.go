package frontend

import (
	"strings"
	"testing"
	"time"
)

// TestTimesInAZone prints one moment in several zones: the time there,
// the zone's offset (summer time included), the IANA name as the title
// and the offset in minutes for the viewer's-time script.
func TestTimesInAZone(t *testing.T) {
	start := time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC) // 09:00 in Beijing
	for _, tc := range []struct {
		zone, clock, offset string
	}{
		{"Asia/Shanghai", "2026-05-01 09:00:00 UTC+8", `data-offset="480"`},
		{"Europe/Berlin", "2026-05-01 03:00:00 UTC+2", `data-offset="120"`},
		{"Asia/Kolkata", "2026-05-01 06:30:00 UTC+5:30", `data-offset="330"`},
		{"America/St_Johns", "2026-04-30 22:30:00 UTC-2:30", `data-offset="-150"`},
		{"UTC", "2026-05-01 01:00:00 UTC", `data-offset="0"`},
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := clock(start, loc); err != nil || got != tc.clock {
			t.Errorf("clock in %s = %q, %v; want %q", tc.zone, got, err, tc.clock)
		}
		html, err := at(&start, loc)
		if err != nil {
			t.Fatal(err)
		}
		day, rest, _ := strings.Cut(tc.clock, " ")
		hour, name, _ := strings.Cut(rest, " ")
		for _, want := range []string{`datetime="2026-05-01T01:00:00Z"`, tc.offset, `title="` + tc.zone + `"`,
			">" + day + " " + hour + ` <span class="tz">` + name + "</span></time>"} {
			if !strings.Contains(string(html), want) {
				t.Errorf("at in %s = %s, lacks %s", tc.zone, html, want)
			}
		}
	}
	if _, err := clock(start, nil); err == nil {
		t.Error("clock without a zone printed a time")
	}
	if _, err := at(start, nil); err == nil {
		t.Error("at without a zone printed a time")
	}
	if got, _ := at((*time.Time)(nil), time.UTC); got != "—" {
		t.Errorf("at of no time = %q", got)
	}
}
