package loadtest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

// The ws row: board viewers of a city contest while verdicts come in. The
// events are made the way the spine makes them: a submission recorded and
// queued (submission.Store.Submit), then taken and its result applied as the
// judge does (Take, Apply), each appending an event with the contestant's
// board rows, which every board viewer gets.

const (
	wsContest     = "city"
	wsContestants = 2000
	// goalRatio is how much slower than the bare broadcaster the board's p99 may be.
	goalRatio = 1.5
	// goalPerSocket is the server memory a board websocket may take while events flow.
	goalPerSocket = 20_000
)

var wsChallenges = []string{"clean", "predict", "query"}

// boardSockets is the ws row: it measures SkillArena, then the bare
// broadcaster with the same viewers for the ratio.
func boardSockets(ctx context.Context, t *Target) (string, bool, error) {
	rdb := redis.NewClient(&redis.Options{Addr: t.Redis})
	defer rdb.Close()
	if err := seedCity(ctx, rdb); err != nil {
		return "", false, err
	}
	// Viewers resume from the newest event, as the board page does from its
	// snapshot: a handler that subscribes late still sends every event.
	from, err := events.NewLog(rdb).Last(ctx, wsContest)
	if err != nil {
		return "", false, err
	}
	url := "ws" + strings.TrimPrefix(t.URL, "http") + "/ws/contests/" + wsContest + "/board?since=" + from
	f, err := t.measure(ctx, t.PID, url, "row", func(ctx context.Context) (int, error) { return gradeSome(ctx, rdb) })
	if err != nil {
		return "", false, err
	}
	floor, err := measureBare(ctx, t)
	if err != nil {
		return "", false, fmt.Errorf("bare broadcaster for the ratio: %w", err)
	}
	ratio := float64(f.p99) / float64(max(floor.p99, 1))
	met := f.complete == f.viewers && ratio <= goalRatio && f.perSocket <= goalPerSocket
	return fmt.Sprintf("%s; p99 %.2f × bare (%d ms, same run)", f, ratio, floor.p99), met, nil
}

// seedCity makes the running contest with its contestants on the board.
func seedCity(ctx context.Context, rdb *redis.Client) error {
	now := time.Now()
	ct := &contest.Contest{ID: wsContest, Title: challenges.Text{En: "City contest"}, Start: now.Add(-time.Hour), End: now.Add(5 * time.Hour)}
	for _, slug := range wsChallenges {
		ct.Challenges = append(ct.Challenges, contest.Challenge{Slug: slug, Title: challenges.Text{En: slug}, Category: "data",
			Kind: "program", Points: 100, Languages: []string{"python3"}, Package: strings.Repeat("a", 64)})
	}
	admin := &contest.Admin{Contests: contest.NewStore(rdb), Accounts: account.NewStore(rdb), Board: scoreboard.NewStore(rdb), Audit: audit.New(rdb), Now: time.Now}
	if err := admin.Save(ctx, ct, "arena-load", "contest.create", "load test"); err != nil {
		return fmt.Errorf("create the contest: %w", err)
	}
	cs := make([]scoreboard.Contestant, wsContestants)
	for i := range cs {
		cs[i] = scoreboard.Contestant{ID: fmt.Sprintf("c%05d", i), Name: fmt.Sprintf("Contestant %05d", i), Organization: fmt.Sprintf("College %d", i%50)}
	}
	if err := admin.Enroll(ctx, wsContest, cs...); err != nil {
		return fmt.Errorf("enroll contestants: %w", err)
	}
	return submission.NewStore(rdb).EnsureGroup(ctx)
}

// gradeSome submits and grades eventCount/2 submissions of different
// contestants, one event every eventEvery, and returns how many of the
// events carry a public board row (every board viewer must get those).
func gradeSome(ctx context.Context, rdb *redis.Client) (int, error) {
	subs := submission.NewStore(rdb)
	from, err := events.NewLog(rdb).Last(ctx, wsContest)
	if err != nil {
		return 0, err
	}
	for i := range eventCount / 2 {
		sub, err := subs.Submit(ctx, submission.New{Contest: wsContest, Challenge: wsChallenges[i%len(wsChallenges)],
			Contestant: fmt.Sprintf("c%05d", i*37%wsContestants), Language: "python3", FileName: "main.py",
			Blob: strings.Repeat("b", 64), MaxScore: 100, Elapsed: int64(60 + i)})
		if err != nil {
			return 0, fmt.Errorf("submit: %w", err)
		}
		if err := pause(ctx); err != nil {
			return 0, err
		}
		job, err := subs.Take(ctx, "arena-load", time.Minute, time.Second)
		if err != nil || job == nil {
			return 0, fmt.Errorf("take the job of %s: %v", sub.ID, err)
		}
		res := verdict.Result{Outcome: verdict.Scored, Score: float64(10 + i%90), MaxScore: 100}
		if _, err := subs.Apply(ctx, job, sub, res); err != nil {
			return 0, err
		}
		if err := pause(ctx); err != nil {
			return 0, err
		}
	}
	evs, err := events.NewLog(rdb).Since(ctx, wsContest, from, 10*eventCount)
	if err != nil {
		return 0, err
	}
	rows := 0
	for _, ev := range evs {
		if _, ok := scoreboard.RowOf(ev, scoreboard.Public); ok {
			rows++
		}
	}
	return rows, nil
}

func pause(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(eventEvery):
		return nil
	}
}
