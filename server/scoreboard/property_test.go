package scoreboard_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

// attempt is one submission in a generated history.
type attempt struct {
	n       int64
	user    string
	slug    string
	t       int64
	judged  bool
	outcome verdict.Outcome
	score   float64
	public  *float64
}

// refCell computes a cell the slow, obvious way, from the rules in
// docs/architecture.md ("Scoring and outcomes").
func refCell(atts []attempt, p scoreboard.Params, visible func(attempt) bool, max float64) scoreboard.Cell {
	sort.Slice(atts, func(i, j int) bool {
		if atts[i].t != atts[j].t {
			return atts[i].t < atts[j].t
		}
		return atts[i].n < atts[j].n
	})
	var c scoreboard.Cell
	rejected := int64(0)
	for _, a := range atts {
		c.Attempts++
		if !a.judged || !visible(a) {
			c.Pending++
			continue
		}
		score := a.score
		if !p.Final && a.public != nil {
			score = *a.public
		}
		if p.Scoring == scoreboard.ICPC {
			if c.Solved {
				continue
			}
			if a.outcome == verdict.Accepted {
				c.Solved, c.Score, c.Time = true, 1, a.t
				c.Penalty = a.t/60 + p.Penalty*rejected
			} else if a.outcome != verdict.CompileError {
				rejected++
			}
			continue
		}
		if score > c.Score || score == c.Score && score > 0 && a.t < c.Time {
			c.Score, c.Time = score, a.t
			c.Solved = score >= max
		}
	}
	return c
}

type refRow struct {
	total   float64
	penalty int64
	time    int64
	cells   map[string]scoreboard.Cell
	rank    int
}

func reference(users, slugs []string, atts []attempt, p scoreboard.Params, view scoreboard.View, max float64) map[string]*refRow {
	rows := map[string]*refRow{}
	for _, u := range users {
		r := &refRow{cells: map[string]scoreboard.Cell{}}
		for _, s := range slugs {
			var mine []attempt
			for _, a := range atts {
				if a.user == u && a.slug == s {
					mine = append(mine, a)
				}
			}
			if len(mine) == 0 {
				continue
			}
			visible := func(a attempt) bool {
				return view == scoreboard.Jury || p.Freeze < 0 || p.Unfrozen || a.t < p.Freeze
			}
			c := refCell(mine, p, visible, max)
			r.cells[s] = c
			r.total += c.Score
			if c.Score > 0 {
				r.penalty += c.Penalty
				r.time = max64(r.time, c.Time)
			}
		}
		rows[u] = r
	}
	better := func(a, b *refRow) int { // 1: a ranks above b, 0: same key
		if p.Scoring == scoreboard.ICPC {
			switch {
			case a.total != b.total:
				return sign(a.total - b.total)
			case a.penalty != b.penalty:
				return sign(float64(b.penalty - a.penalty))
			case a.time != b.time:
				return sign(float64(b.time - a.time))
			}
			return 0
		}
		at, bt := math.Round(a.total*100), math.Round(b.total*100)
		switch {
		case at != bt:
			return sign(at - bt)
		case a.time != b.time:
			return sign(float64(b.time - a.time))
		}
		return 0
	}
	for _, r := range rows {
		r.rank = 1
		for _, o := range rows {
			if better(o, r) > 0 {
				r.rank++
			}
		}
	}
	return rows
}

func sign(f float64) int {
	if f > 0 {
		return 1
	}
	if f < 0 {
		return -1
	}
	return 0
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// TestIntegrationBoardMatchesReference: random contests and histories, run
// through the real scripts on a real Redis; both views of the board equal
// the reference computation.
func TestIntegrationBoardMatchesReference(t *testing.T) {
	ctx := context.Background()
	r := testenv.StartRedis(t)
	rdb := r.Client()
	const maxScore = 100.0
	for round := 0; round < 40; round++ {
		seed := uint64(round)*7919 + 17
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
			cid := fmt.Sprintf("prop%d", round)
			board := scoreboard.NewStore(rdb)
			subs := submission.NewStore(rdb)
			if err := subs.EnsureGroup(ctx); err != nil {
				t.Fatal(err)
			}
			p := scoreboard.DefaultParams()
			if rng.IntN(2) == 0 {
				p.Scoring = scoreboard.ICPC
			}
			p.Penalty = int64(rng.IntN(30))
			if rng.IntN(3) > 0 {
				p.Freeze = int64(600 + rng.IntN(2400))
			}
			p.Unfrozen = rng.IntN(4) == 0
			p.Final = rng.IntN(2) == 0
			if err := board.SetParams(ctx, cid, p); err != nil {
				t.Fatal(err)
			}
			var users, slugs []string
			for i := 0; i < 2+rng.IntN(5); i++ {
				users = append(users, fmt.Sprintf("u%d", i))
			}
			for i := 0; i < 1+rng.IntN(3); i++ {
				slugs = append(slugs, fmt.Sprintf("c%d", i))
			}
			var who []scoreboard.Contestant
			for _, u := range users {
				who = append(who, scoreboard.Contestant{ID: u, Name: u})
			}
			if err := board.Enroll(ctx, cid, who...); err != nil {
				t.Fatal(err)
			}
			var atts []attempt
			outcomes := []verdict.Outcome{verdict.Accepted, verdict.WrongAnswer, verdict.TimeLimit, verdict.CompileError, verdict.Scored}
			for i := 0; i < rng.IntN(30); i++ {
				a := attempt{user: users[rng.IntN(len(users))], slug: slugs[rng.IntN(len(slugs))],
					t: int64(rng.IntN(3600)), judged: rng.IntN(6) > 0, outcome: outcomes[rng.IntN(len(outcomes))]}
				switch a.outcome {
				case verdict.Accepted:
					a.score = maxScore
				case verdict.Scored:
					a.score = float64(rng.IntN(200)) / 2
				}
				if rng.IntN(4) == 0 {
					ps := float64(rng.IntN(200)) / 2
					a.public = &ps
				}
				sub, err := subs.Submit(ctx, submission.New{Contest: cid, Challenge: a.slug, Contestant: a.user,
					Language: "python3", Blob: "b", MaxScore: maxScore, Elapsed: a.t})
				if err != nil {
					t.Fatal(err)
				}
				_, a.n, _ = submission.SplitID(sub.ID)
				atts = append(atts, a)
			}
			// Snapshots read now are later caught up from events, not rebuilt.
			for _, view := range []scoreboard.View{scoreboard.Jury, scoreboard.Public} {
				if _, err := board.Read(ctx, cid, view); err != nil {
					t.Fatal(err)
				}
			}
			// Judge in queue order; leave the unjudged ones pending.
			for range atts {
				job, err := subs.Take(ctx, "w", time.Minute, 10*time.Millisecond)
				if err != nil || job == nil {
					t.Fatalf("take: %v %v", job, err)
				}
				_, n, _ := submission.SplitID(job.SID)
				a := atts[n-1]
				if !a.judged {
					continue
				}
				sub, _ := subs.Get(ctx, job.SID)
				res := verdict.Result{Outcome: a.outcome, Score: a.score, PublicScore: a.public, MaxScore: maxScore}
				if _, err := subs.Apply(ctx, job, sub, res); err != nil {
					t.Fatal(err)
				}
			}
			for _, view := range []scoreboard.View{scoreboard.Jury, scoreboard.Public} {
				want := reference(users, slugs, atts, p, view, maxScore)
				got, err := board.Read(ctx, cid, view)
				if err != nil {
					t.Fatal(err)
				}
				fresh, err := scoreboard.NewStore(rdb).Read(ctx, cid, view)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(fresh.Rows, got.Rows); d != "" {
					t.Fatalf("%s: caught-up snapshot differs from a rebuilt one (-rebuilt +cached):\n%s", view, d)
				}
				if len(got.Rows) != len(users) {
					t.Fatalf("%s: %d rows, want %d", view, len(got.Rows), len(users))
				}
				for _, row := range got.Rows {
					w := want[row.Contestant.ID]
					if row.Rank != w.rank || math.Abs(row.Total-w.total) > 1e-9 || row.Penalty != w.penalty || row.Time != w.time {
						t.Errorf("%s %s: rank %d total %v penalty %d time %d; want %d %v %d %d (params %+v)",
							view, row.Contestant.ID, row.Rank, row.Total, row.Penalty, row.Time, w.rank, w.total, w.penalty, w.time, p)
					}
					for slug, wc := range w.cells {
						gc := row.Challenges[slug]
						gc.First = false
						if gc != wc {
							t.Errorf("%s %s/%s: cell %+v, want %+v", view, row.Contestant.ID, slug, gc, wc)
						}
					}
				}
			}
		})
	}
}
