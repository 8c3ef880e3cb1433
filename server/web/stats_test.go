package web

import (
	"slices"
	"testing"
	"time"

	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/submission"
)

func TestTicks(t *testing.T) {
	tests := []struct {
		top  int
		want []int
	}{
		{1, []int{0, 1}},
		{4, []int{0, 1, 2, 3, 4}},
		{7, []int{0, 2, 4, 6, 8}},
		{23, []int{0, 5, 10, 15, 20, 25}},
		{960, []int{0, 200, 400, 600, 800, 1000}},
	}
	for _, tt := range tests {
		if got := ticks(tt.top); !slices.Equal(got, tt.want) {
			t.Errorf("ticks(%d) = %v, want %v", tt.top, got, tt.want)
		}
	}
}

// TestSubmissionsChart: a five-hour contest gets ten-minute bars, each
// split into accepted, rejected and waiting, their heights in proportion.
func TestSubmissionsChart(t *testing.T) {
	from := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	sub := func(min int, status submission.Status, outcome verdict.Outcome) submission.Submission {
		return submission.Submission{SubmittedAt: from.Add(time.Duration(min) * time.Minute), Status: status, Outcome: string(outcome)}
	}
	subs := []submission.Submission{
		sub(1, submission.Done, verdict.Accepted), sub(2, submission.Done, verdict.WrongAnswer), sub(3, submission.Done, verdict.WrongAnswer),
		sub(299, submission.Queued, ""),
	}
	ch, bin := submissionsChart(subs, from, from.Add(5*time.Hour))
	if bin != 10 {
		t.Fatalf("bar width %d minutes, want 10", bin)
	}
	if len(ch.Bars) != 3 {
		t.Fatalf("%d bars, want accepted and rejected in the first bin and one waiting in the last: %+v", len(ch.Bars), ch.Bars)
	}
	ok, bad, wait := ch.Bars[0], ch.Bars[1], ch.Bars[2]
	if ok.Class != "ok" || bad.Class != "bad" || wait.Class != "wait" || bad.H != 2*ok.H || wait.H != ok.H {
		t.Errorf("bars %+v", ch.Bars)
	}
	if ok.X != bad.X || wait.X <= ok.X || bad.Y+bad.H != ok.Y {
		t.Errorf("the first bin's parts are not stacked, or the last bar is not last: %+v", ch.Bars)
	}
}
