package submission

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/verdict"
)

// submitAll makes n submissions at once and returns how many were recorded
// and the refusals.
func submitAll(t *testing.T, s *Store, n int, mk func(i int) New) (int, []error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Submit(context.Background(), mk(i))
		}()
	}
	wg.Wait()
	ok := 0
	var refused []error
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			refused = append(refused, err)
		}
	}
	return ok, refused
}

// TestIntegrationLimitsAtomic: submissions made at once never pass a
// contest's total or daily limit together, and the refused ones take no
// number.
func TestIntegrationLimitsAtomic(t *testing.T) {
	const n, k = 24, 5
	tests := []struct {
		name   string
		limits Limits
		slug   func(i int) string
		want   error
	}{
		{"total over challenges", Limits{Total: k, Challenges: []string{"a", "b"}},
			func(i int) string { return []string{"a", "b"}[i%2] }, ErrTotalLimit},
		{"per challenge per day", Limits{PerChallengePerDay: k, WindowStart: 0, WindowEnd: 86400, Challenges: []string{"a", "b"}},
			func(int) string { return "a" }, ErrDailyLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			rdb := testenv.StartRedis(t).Client()
			s := NewStore(rdb)
			ok, refused := submitAll(t, s, n, func(i int) New {
				return New{Contest: "lim", Challenge: tt.slug(i), Contestant: "ann", Language: "python3",
					Blob: "b", MaxScore: 100, Elapsed: 60, Limits: tt.limits}
			})
			if ok != k {
				t.Fatalf("%d of %d submissions recorded, want exactly %d", ok, n, k)
			}
			for _, err := range refused {
				if !errors.Is(err, tt.want) {
					t.Fatalf("refusal %v, want %v", err, tt.want)
				}
			}
			subs, err := s.List(ctx, "lim", Filter{}, 100, 100)
			if err != nil {
				t.Fatal(err)
			}
			for i, sub := range subs {
				if want := fmt.Sprintf("lim-%d", k-i); sub.ID != want {
					t.Fatalf("submission %d is %s, want %s: refusals must take no number", i, sub.ID, want)
				}
			}
			// Another day, or a challenge the daily limit does not count, is open again.
			next := New{Contest: "lim", Challenge: "b", Contestant: "ann", Language: "python3", Blob: "b",
				Elapsed: 60, Limits: tt.limits}
			_, err = s.Submit(ctx, next)
			if tt.want == ErrTotalLimit && !errors.Is(err, ErrTotalLimit) || tt.want == ErrDailyLimit && err != nil {
				t.Fatalf("submission to b: %v", err)
			}
		})
	}
}

// TestIntegrationLimits: each rule refuses with its error, Check as Submit.
func TestIntegrationLimits(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	s := NewStore(rdb)
	if err := s.EnsureGroup(ctx); err != nil {
		t.Fatal(err)
	}
	mk := func(slug string, elapsed int64, l Limits) New {
		return New{Contest: "r", Challenge: slug, Contestant: "ann", Language: "python3", Blob: "b",
			MaxScore: 100, Elapsed: elapsed, Limits: l}
	}
	sub, err := s.Submit(ctx, mk("a", 10, Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	job, err := s.Take(ctx, "w", time.Minute, time.Second)
	if err != nil || job == nil {
		t.Fatalf("take: %v %v", job, err)
	}
	if _, err := s.Apply(ctx, job, sub, verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100}); err != nil {
		t.Fatal(err)
	}
	// A prediction with a full private score but a partial public one.
	psub, err := s.Submit(ctx, mk("p", 12, Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	if job, err = s.Take(ctx, "w", time.Minute, time.Second); err != nil || job == nil {
		t.Fatalf("take: %v %v", job, err)
	}
	public := 60.0
	if _, err := s.Apply(ctx, job, psub, verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100, PublicScore: &public}); err != nil {
		t.Fatal(err)
	}
	gap := Limits{MinInterval: time.Hour}
	tests := []struct {
		name string
		n    New
		want error
	}{
		{"closed after accept", mk("a", 20, Limits{ClosedAfterAccept: true}), ErrSolved},
		{"open on another challenge", mk("b", 20, Limits{ClosedAfterAccept: true}), nil},
		{"open while the public score is partial", mk("p", 20, Limits{ClosedAfterAccept: true}), nil},
		{"window before the attempt", mk("a", 20, Limits{PerChallengePerDay: 1, WindowStart: 11, WindowEnd: 100}), nil},
		{"window with the attempt", mk("a", 20, Limits{PerChallengePerDay: 1, WindowStart: 0, WindowEnd: 100}), ErrDailyLimit},
		{"total", mk("b", 20, Limits{Total: 2, Challenges: []string{"a", "b", "p"}}), ErrTotalLimit},
		{"no interval yet", mk("b", 20, gap), nil},
	}
	for _, tt := range tests {
		if err := s.Check(ctx, tt.n); !errors.Is(err, tt.want) {
			t.Errorf("%s: Check = %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := s.Submit(ctx, mk("b", 30, gap)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(ctx, mk("b", 31, gap)); !errors.Is(err, ErrTooSoon) {
		t.Fatalf("second submission within the interval: %v, want ErrTooSoon", err)
	}
	u, err := s.Usage(ctx, "r", "ann", []string{"a", "b"}, "a", 0, 86400)
	if err != nil {
		t.Fatal(err)
	}
	if u != (Usage{Total: 2, InWindow: 1, Solved: true}) {
		t.Fatalf("usage %+v", u)
	}
}
