package scoreboard_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

// judge submits and grades one attempt.
func judge(t *testing.T, subs *submission.Store, cid, user, slug string, at int64, o verdict.Outcome, score float64) {
	t.Helper()
	ctx := context.Background()
	if _, err := subs.Submit(ctx, submission.New{Contest: cid, Challenge: slug, Contestant: user, Language: "python3", Blob: "b", MaxScore: 100, Elapsed: at}); err != nil {
		t.Fatal(err)
	}
	job, err := subs.Take(ctx, "w", time.Minute, 10*time.Millisecond)
	if err != nil || job == nil {
		t.Fatalf("take: %v %v", job, err)
	}
	sub, _ := subs.Get(ctx, job.SID)
	if _, err := subs.Apply(ctx, job, sub, verdict.Result{Outcome: o, Score: score, MaxScore: 100}); err != nil {
		t.Fatal(err)
	}
}

// TestIntegrationFreezeAndReveal: after the freeze the public board shows
// later attempts as pending while the jury board stays live; the reveal
// uncovers one result per step, lowest-ranked contestant first, and ends
// equal to the jury board.
func TestIntegrationFreezeAndReveal(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	board := scoreboard.NewStore(rdb)
	subs := submission.NewStore(rdb)
	_ = subs.EnsureGroup(ctx)
	const cid = "final"
	p := scoreboard.Params{Scoring: scoreboard.ICPC, Penalty: 20, Freeze: 3000}
	if err := board.SetParams(ctx, cid, p); err != nil {
		t.Fatal(err)
	}
	if err := board.Enroll(ctx, cid, scoreboard.Contestant{ID: "ann", Name: "Ann"}, scoreboard.Contestant{ID: "ben", Name: "Ben"},
		scoreboard.Contestant{ID: "cat", Name: "Cat"}); err != nil {
		t.Fatal(err)
	}
	judge(t, subs, cid, "ann", "a", 600, verdict.Accepted, 100)   // before the freeze
	judge(t, subs, cid, "ben", "a", 3100, verdict.Accepted, 100)  // after
	judge(t, subs, cid, "cat", "a", 3200, verdict.WrongAnswer, 0) // after
	judge(t, subs, cid, "cat", "b", 3300, verdict.Accepted, 100)  // after

	jury, _ := board.Read(ctx, cid, scoreboard.Jury)
	pub, _ := board.Read(ctx, cid, scoreboard.Public)
	if !pub.Frozen || jury.Frozen {
		t.Fatalf("frozen: public %v jury %v", pub.Frozen, jury.Frozen)
	}
	cell := func(b *scoreboard.Board, user, slug string) scoreboard.Cell {
		for _, r := range b.Rows {
			if r.Contestant.ID == user {
				return r.Challenges[slug]
			}
		}
		t.Fatalf("no row %s", user)
		return scoreboard.Cell{}
	}
	if c := cell(pub, "ben", "a"); c.Pending != 1 || c.Solved {
		t.Fatalf("public ben/a = %+v, want pending", c)
	}
	if c := cell(jury, "ben", "a"); !c.Solved || c.Pending != 0 {
		t.Fatalf("jury ben/a = %+v, want solved", c)
	}
	if c := cell(pub, "ann", "a"); !c.Solved || !c.First {
		t.Fatalf("public ann/a = %+v, want solved first", c)
	}

	// Public ranks: ann 1; ben and cat 0 solved share rank 2. The reveal goes
	// lowest first: cat (c before b? board order a, b), then ben.
	var order []string
	for {
		r, err := board.RevealNext(ctx, cid, []string{"a", "b"})
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			break
		}
		order = append(order, r.Contestant+"/"+r.Challenge)
		if len(order) > 10 {
			t.Fatal("reveal does not end")
		}
	}
	if d := cmp.Diff([]string{"cat/a", "cat/b", "ben/a"}, order); d != "" {
		t.Fatalf("reveal order (-want +got):\n%s", d)
	}
	pub, _ = board.Read(ctx, cid, scoreboard.Public)
	jury, _ = board.Read(ctx, cid, scoreboard.Jury)
	for i := range jury.Rows {
		if d := cmp.Diff(jury.Rows[i], pub.Rows[i]); d != "" {
			t.Fatalf("after the reveal the public board differs from the jury's:\n%s", d)
		}
	}
	if jury.Rows[0].Contestant.ID != "ann" || jury.Rows[1].Contestant.ID != "ben" || jury.Rows[2].Contestant.ID != "cat" {
		t.Fatalf("final order: %s %s %s", jury.Rows[0].Contestant.ID, jury.Rows[1].Contestant.ID, jury.Rows[2].Contestant.ID)
	}
}
