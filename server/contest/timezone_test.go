package contest

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestFileTimezone loads contest.yaml's timezone: the default, a named
// zone, and names that are no zone, refused with the field named.
func TestFileTimezone(t *testing.T) {
	base := "id: c1\ntitle: {en: C}\nstart: 2025-05-31T09:00:00+08:00\nend: 2025-05-31T12:00:00+08:00\nchallenges: [{package: a}]\n"
	resolve := func(_ context.Context, ref string) (Challenge, error) {
		return Challenge{Slug: ref, Kind: "program", Points: 100, Languages: []string{"python3"}, Package: "x"}, nil
	}
	for _, tc := range []struct {
		extra, zone, clock, err string
	}{
		{"", "Asia/Shanghai", "09:00", ""},
		{"timezone: Asia/Shanghai\n", "Asia/Shanghai", "09:00", ""},
		{"timezone: Europe/Berlin\n", "Europe/Berlin", "03:00", ""},
		{"timezone: UTC\n", "UTC", "01:00", ""},
		{"timezone: Mars/Olympus_Mons\n", "", "", `contest.yaml: timezone: "Mars/Olympus_Mons" is not a known time zone`},
		{"timezone: Local\n", "", "", `contest.yaml: timezone: "Local" is not a time zone name`},
		{"timezone: [Asia/Shanghai]\n", "", "", "contest.yaml:"},
	} {
		f, err := ParseFile([]byte(base + tc.extra))
		var c *Contest
		if err == nil {
			c, err = f.Build(context.Background(), resolve, nil)
		}
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: %v, want %q", tc.extra, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.extra, err)
			continue
		}
		if c.Timezone != tc.zone || c.Location().String() != tc.zone || c.Start.In(c.Location()).Format("15:04") != tc.clock {
			t.Errorf("%q: zone %q (%s), start %s; want %s at %s", tc.extra, c.Timezone, c.Location(), c.Start.In(c.Location()).Format("15:04"), tc.zone, tc.clock)
		}
	}
	// A contest stored before zones were named is shown in the default one.
	old := &Contest{Start: time.Date(2025, 5, 31, 1, 0, 0, 0, time.UTC)}
	if old.Location().String() != DefaultTimezone {
		t.Fatalf("a contest without a zone is in %s, want %s", old.Location(), DefaultTimezone)
	}
}

// TestFileLocalTimes: times written without a zone are the contest's
// local times; those with one stay as written.
func TestFileLocalTimes(t *testing.T) {
	for _, tc := range []struct {
		yaml  string
		start string // UTC
	}{
		{"start: 2025-05-31 09:00:00\n", "2025-05-31T01:00:00Z"},
		{"start: 2025-05-31\n", "2025-05-30T16:00:00Z"},
		{"start: 2025-05-31T09:00:00Z\n", "2025-05-31T09:00:00Z"},
		{"start: 2025-05-31T09:00:00+08:00\n", "2025-05-31T01:00:00Z"},
		{"start: 2025-05-31T09:00:00.5-03:30\n", "2025-05-31T12:30:00.5Z"},
		{"timezone: Europe/Berlin\nstart: 2025-05-31 09:00:00\n", "2025-05-31T07:00:00Z"},
		{"timezone: Europe/Berlin\nstart: 2025-05-31T09:00:00+08:00\n", "2025-05-31T01:00:00Z"},
	} {
		f, err := ParseFile([]byte("id: c1\ntitle: {en: C}\nend: 2025-06-30T12:00:00Z\nfreeze: 2025-06-30 18:00:00\nchallenges: [{package: a}]\n" + tc.yaml))
		if err != nil {
			t.Errorf("%q: %v", tc.yaml, err)
			continue
		}
		if got := f.Start.UTC().Format(time.RFC3339Nano); got != tc.start {
			t.Errorf("%q: start %s UTC, want %s", tc.yaml, got, tc.start)
		}
		loc, _ := LoadZone(f.Timezone)
		if f.End.UTC().Hour() != 12 || f.Freeze == nil || f.Freeze.In(loc).Hour() != 18 {
			t.Errorf("%q: end %s, freeze %v; want 12:00 UTC, 18:00 in the contest's zone", tc.yaml, f.End, f.Freeze)
		}
	}
}
