package contest

import (
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/challenges"
)

func TestValidate(t *testing.T) {
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	good := func() *Contest {
		return &Contest{ID: "city-2026", Title: challenges.Text{Zh: "市赛"}, Start: start, End: start.Add(4 * time.Hour),
			Challenges: []Challenge{{Slug: "a", Package: "h1", Points: 100}, {Slug: "b", Package: "h2", Points: 50}}}
	}
	freeze := start.Add(3 * time.Hour)
	tests := []struct {
		name   string
		change func(c *Contest)
		field  string // "" means valid
	}{
		{"valid", func(c *Contest) {}, ""},
		{"bad id", func(c *Contest) { c.ID = "City 2026" }, "id:"},
		{"no title", func(c *Contest) { c.Title = challenges.Text{} }, "title:"},
		{"end before start", func(c *Contest) { c.End = c.Start.Add(-time.Minute) }, "end:"},
		{"freeze", func(c *Contest) { c.Freeze = &freeze }, ""},
		{"freeze after end", func(c *Contest) { f := c.End.Add(time.Minute); c.Freeze = &f }, "freeze:"},
		{"icpc", func(c *Contest) { c.Scoring = "icpc" }, ""},
		{"unknown scoring", func(c *Contest) { c.Scoring = "elo" }, "scoring:"},
		{"negative penalty", func(c *Contest) { c.PenaltyMinutes = -1 }, "penalty_minutes:"},
		{"no challenges", func(c *Contest) { c.Challenges = nil }, "challenges:"},
		{"zero points", func(c *Contest) { c.Challenges[0].Points = 0 }, "challenges[0]:"},
		{"duplicate slug", func(c *Contest) { c.Challenges[1].Slug = "a" }, "challenges[1]:"},
		{"no package", func(c *Contest) { c.Challenges[0].Package = "" }, "challenges[0]:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.change(c)
			err := c.Validate()
			if tt.field == "" {
				if err != nil || c.Scoring == "" || c.PenaltyMinutes != 20 {
					t.Fatalf("valid contest refused: %v (scoring %q, penalty %d)", err, c.Scoring, c.PenaltyMinutes)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.field) {
				t.Fatalf("error %v, want one naming %s", err, tt.field)
			}
		})
	}
}

func TestStateAt(t *testing.T) {
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	c := &Contest{Start: start, End: start.Add(time.Hour)}
	for _, tt := range []struct {
		at   time.Time
		want State
	}{
		{start.Add(-time.Second), NotStarted},
		{start, Running},
		{start.Add(59 * time.Minute), Running},
		{start.Add(time.Hour), Ended},
	} {
		if got := c.StateAt(tt.at); got != tt.want {
			t.Errorf("StateAt(%v) = %s, want %s", tt.at, got, tt.want)
		}
	}
}
