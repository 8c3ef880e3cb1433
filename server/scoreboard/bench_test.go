package scoreboard_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

// BenchmarkIntegrationVerdict measures applying one verdict (the atomic
// result script: attempt, cell recompute in both views, two sorted-set
// updates, event, ack) and then serving the board (a snapshot caught up from
// the event), at 1,000 and 100,000 contestants. Run:
//
//	go test ./server/scoreboard -run '^$' -bench Verdict -benchtime 2000x
func BenchmarkIntegrationVerdict(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("contestants=%d", n), func(b *testing.B) {
			ctx := context.Background()
			rdb := testenv.StartRedis(b).Client()
			board := scoreboard.NewStore(rdb)
			subs := submission.NewStore(rdb)
			_ = subs.EnsureGroup(ctx)
			const cid = "bench"
			who := make([]scoreboard.Contestant, n)
			for i := range who {
				who[i] = scoreboard.Contestant{ID: fmt.Sprintf("c%06d", i), Name: fmt.Sprintf("Contestant %d", i)}
			}
			for i := 0; i < n; i += 5000 {
				if err := board.Enroll(ctx, cid, who[i:min(i+5000, n)]...); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := board.Read(ctx, cid, scoreboard.Public); err != nil {
				b.Fatal(err)
			}
			jobs := make([]*submission.Job, b.N)
			sub := make([]submission.Submission, b.N)
			for i := 0; i < b.N; i++ {
				u := who[(i*7919)%n].ID
				if _, err := subs.Submit(ctx, submission.New{Contest: cid, Challenge: "p", Contestant: u, Language: "python3",
					Blob: "b", MaxScore: 100, Elapsed: int64(i)}); err != nil {
					b.Fatal(err)
				}
				j, err := subs.Take(ctx, "w", time.Hour, 10*time.Millisecond)
				if err != nil || j == nil {
					b.Fatal(err)
				}
				jobs[i] = j
				sub[i], _ = subs.Get(ctx, j.SID)
			}
			if _, err := board.Read(ctx, cid, scoreboard.Public); err != nil {
				b.Fatal(err)
			}
			// First half: verdicts back to back, timing the apply alone (no
			// board reads in between to share the CPU or the heap with).
			// Second half: each verdict followed by a board read, timing the read.
			var applyTotal, readTotal time.Duration
			half := b.N / 2
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := subs.Apply(ctx, jobs[i], sub[i], verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100}); err != nil {
					b.Fatal(err)
				}
				if i < half {
					applyTotal += time.Since(start)
					continue
				}
				start = time.Now()
				if _, err := board.Read(ctx, cid, scoreboard.Public); err != nil {
					b.Fatal(err)
				}
				readTotal += time.Since(start)
			}
			b.StopTimer()
			b.ReportMetric(float64(applyTotal.Microseconds())/float64(max(half, 1)), "apply-µs/verdict")
			b.ReportMetric(float64(readTotal.Microseconds())/float64(max(b.N-half, 1)), "read-µs/verdict")
			// A read with nothing new serves the snapshot as it is.
			start := time.Now()
			for i := 0; i < 100; i++ {
				if _, err := board.Read(ctx, cid, scoreboard.Public); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/100, "cached-read-µs")
		})
	}
}
