package submission

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/scoreboard"
)

// TestIntegrationQueue walks one job through take, lease loss, takeover and
// a result applied twice, against a real Redis.
func TestIntegrationQueue(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	s := NewStore(rdb)
	board := scoreboard.NewStore(rdb)
	if err := s.EnsureGroup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureGroup(ctx); err != nil {
		t.Fatalf("EnsureGroup twice: %v", err)
	}
	if err := board.Enroll(ctx, "c1", scoreboard.Contestant{ID: "ann", Name: "Ann"}, scoreboard.Contestant{ID: "ben", Name: "Ben"}); err != nil {
		t.Fatal(err)
	}

	sub, err := s.Submit(ctx, New{Contest: "c1", Challenge: "hello", Contestant: "ann", Language: "python3", Blob: "b", MaxScore: 100, Elapsed: 60})
	if err != nil {
		t.Fatal(err)
	}
	if sub.ID != "c1-1" {
		t.Fatalf("first id = %s", sub.ID)
	}
	b, _ := board.Read(ctx, "c1", scoreboard.Jury)
	if r := b.Rows[0]; r.Challenges["hello"].Pending != 1 {
		t.Fatalf("after submit, cell = %+v, want pending", r.Challenges)
	}

	lease := 300 * time.Millisecond
	j1, err := s.Take(ctx, "w1", lease, 100*time.Millisecond)
	if err != nil || j1 == nil || j1.SID != sub.ID || j1.Deliveries != 1 {
		t.Fatalf("w1 took %+v, %v", j1, err)
	}
	if err := s.MarkJudging(ctx, j1, "w1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, sub.ID); got.Status != Judging {
		t.Fatalf("status = %s, want judging", got.Status)
	}
	if j, _ := s.Take(ctx, "w2", lease, 50*time.Millisecond); j != nil {
		t.Fatalf("w2 took %+v while w1's lease is live", j)
	}
	if err := s.Heartbeat(ctx, j1, "w1"); err != nil {
		t.Fatalf("heartbeat: %v", err)
	}

	time.Sleep(lease + 100*time.Millisecond) // w1 stops renewing: its lease runs out
	j2, err := s.Take(ctx, "w2", lease, 50*time.Millisecond)
	if err != nil || j2 == nil || j2.SID != sub.ID || j2.Deliveries != 2 {
		t.Fatalf("w2 takeover = %+v, %v", j2, err)
	}
	if err := s.Heartbeat(ctx, j1, "w1"); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("w1 heartbeat after takeover = %v, want ErrLeaseLost", err)
	}

	res := verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100, Tests: []verdict.Test{{Name: "01", Outcome: verdict.Accepted}}, Worker: "w2"}
	full, _ := s.Get(ctx, sub.ID)
	applied, err := s.Apply(ctx, j2, full, res)
	if err != nil || !applied {
		t.Fatalf("first apply = %v, %v", applied, err)
	}
	after1, _ := board.Read(ctx, "c1", scoreboard.Jury)
	// The dead worker's late result, and a replay: both change nothing.
	for _, j := range []*Job{j1, j2} {
		applied, err = s.Apply(ctx, j, full, verdict.Result{Outcome: verdict.WrongAnswer, MaxScore: 100})
		if err != nil || applied {
			t.Fatalf("second apply = %v, %v; want not applied", applied, err)
		}
	}
	after2, _ := board.Read(ctx, "c1", scoreboard.Jury)
	if after1.EventID != after2.EventID {
		t.Fatal("a replayed result appended an event")
	}
	got, _ := s.Get(ctx, sub.ID)
	if got.Status != Done || got.Outcome != "accepted" || got.Score != 100 || len(got.Tests) != 1 || got.JudgedAt == nil {
		t.Fatalf("stored = %+v", got)
	}
	r := after2.Rows[0]
	if r.Contestant.ID != "ann" || r.Rank != 1 || r.Total != 100 || r.Time != 60 {
		t.Fatalf("ann's row = %+v", r)
	}
	if c := r.Challenges["hello"]; c.Attempts != 1 || c.Pending != 0 || c.Score != 100 || c.Time != 60 {
		t.Fatalf("ann's cell = %+v", c)
	}
	if after2.Rows[1].Rank != 2 {
		t.Fatalf("ben's rank = %d", after2.Rows[1].Rank)
	}
	if n, _ := s.Depth(ctx); n != 0 {
		t.Fatalf("queue depth = %d after the result, want 0", n)
	}
	evs, err := events.NewLog(rdb).Since(ctx, "c1", "0-0", 100)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	// The enrolment's reset (new rows) comes first.
	if len(types) != 4 || types[0] != "reset" || types[1] != "submission" || types[2] != "judging" || types[3] != "verdict" {
		t.Fatalf("events = %v", types)
	}
}

// TestIntegrationBestScoreKept: a later, worse result does not lower the
// cell, and the time is when the best was first reached.
func TestIntegrationBestScoreKept(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	s := NewStore(rdb)
	board := scoreboard.NewStore(rdb)
	_ = s.EnsureGroup(ctx)
	grade := func(elapsed int64, res verdict.Result) {
		t.Helper()
		if _, err := s.Submit(ctx, New{Contest: "c", Challenge: "p", Contestant: "u", Language: "python3", Blob: "b", MaxScore: 100, Elapsed: elapsed}); err != nil {
			t.Fatal(err)
		}
		j, err := s.Take(ctx, "w", time.Minute, time.Second)
		if err != nil || j == nil {
			t.Fatalf("take: %v %v", j, err)
		}
		sub, _ := s.Get(ctx, j.SID)
		if _, err := s.Apply(ctx, j, sub, res); err != nil {
			t.Fatal(err)
		}
	}
	grade(10, verdict.Result{Outcome: verdict.Scored, Score: 40, MaxScore: 100})
	grade(20, verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100})
	grade(30, verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100})
	grade(40, verdict.Result{Outcome: verdict.WrongAnswer, Score: 0, MaxScore: 100})
	b, err := board.Read(ctx, "c", scoreboard.Jury)
	if err != nil {
		t.Fatal(err)
	}
	c := b.Rows[0].Challenges["p"]
	if c.Score != 100 || c.Time != 20 || c.Attempts != 4 || b.Rows[0].Total != 100 || b.Rows[0].Time != 20 {
		t.Fatalf("row = %+v", b.Rows[0])
	}
}

// TestIntegrationSystemErrorIsNoFreeAttempt: a submission that ends as a
// system error still counts against the contestant's limits and attempts.
func TestIntegrationSystemErrorIsNoFreeAttempt(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	s := NewStore(rdb)
	board := scoreboard.NewStore(rdb)
	if err := s.EnsureGroup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := board.Enroll(ctx, "c9", scoreboard.Contestant{ID: "ann", Name: "Ann"}); err != nil {
		t.Fatal(err)
	}
	for i, o := range []verdict.Outcome{verdict.SystemError, verdict.WrongAnswer} {
		sub, err := s.Submit(ctx, New{Contest: "c9", Challenge: "hello", Contestant: "ann", Language: "python3", Blob: "b", MaxScore: 100, Elapsed: int64(60 * (i + 1))})
		if err != nil {
			t.Fatal(err)
		}
		job, err := s.Take(ctx, "w1", time.Minute, time.Second)
		if err != nil || job == nil {
			t.Fatalf("take: %v, %v", job, err)
		}
		if _, err := s.Apply(ctx, job, sub, verdict.Result{Outcome: o, MaxScore: 100}); err != nil {
			t.Fatal(err)
		}
	}
	u, err := s.Usage(ctx, "c9", "ann", []string{"hello"}, "hello", 0, 86400)
	if err != nil {
		t.Fatal(err)
	}
	if u.Total != 2 || u.InWindow != 2 {
		t.Errorf("usage %+v, want both submissions counted", u)
	}
	b, err := board.Read(ctx, "c9", scoreboard.Jury)
	if err != nil {
		t.Fatal(err)
	}
	if c := b.Rows[0].Challenges["hello"]; c.Attempts != 2 {
		t.Errorf("cell %+v, want 2 attempts", c)
	}
}

// TestIntegrationWorkersOnline: a judge waiting for jobs is online by its
// own last request, whatever the consumer group's idle time says; one
// silent for longer than onlineWithin, holding nothing, is not.
func TestIntegrationWorkersOnline(t *testing.T) {
	ctx := context.Background()
	s := NewStore(testenv.StartRedis(t).Client())
	if err := s.EnsureGroup(ctx); err != nil {
		t.Fatal(err)
	}
	clock := time.Now()
	s.now = func() time.Time { return clock }
	for _, w := range []string{"judge-a", "judge-b"} {
		if job, err := s.Take(ctx, w, time.Minute, 10*time.Millisecond); err != nil || job != nil {
			t.Fatalf("take on an empty queue: %v %v", job, err)
		}
	}
	names := func() []string {
		ws, err := s.Workers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, w := range ws {
			if w.Busy || w.Jobs != 0 {
				t.Errorf("%s busy with nothing queued: %+v", w.Name, w)
			}
			out = append(out, w.Name)
		}
		slices.Sort(out)
		return out
	}
	if got := names(); !slices.Equal(got, []string{"judge-a", "judge-b"}) {
		t.Fatalf("online: %v, want both", got)
	}
	seen, err := s.rdb.HGet(ctx, judgesKey, "judge-a").Int64()
	if err != nil || seen != clock.UnixMilli() {
		t.Fatalf("judge-a last seen %d (%v), want %d", seen, err, clock.UnixMilli())
	}
	clock = clock.Add(onlineWithin + time.Second)
	if got := names(); len(got) != 0 {
		t.Fatalf("online after %v of silence: %v", onlineWithin, got)
	}
	if _, err := s.Take(ctx, "judge-b", time.Minute, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if got := names(); !slices.Equal(got, []string{"judge-b"}) {
		t.Fatalf("online: %v, want judge-b, who asked again", got)
	}
}

// TestIntegrationRecord records a submission with its known result: the
// result is applied as a judge's would be, its job leaves the queue, and a
// job queued before it stays for the judges.
func TestIntegrationRecord(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	s := NewStore(rdb)
	board := scoreboard.NewStore(rdb)
	if err := s.EnsureGroup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := board.Enroll(ctx, "c1", scoreboard.Contestant{ID: "ann", Name: "Ann"}, scoreboard.Contestant{ID: "ben", Name: "Ben"}); err != nil {
		t.Fatal(err)
	}
	waiting, err := s.Submit(ctx, New{Contest: "c1", Challenge: "hello", Contestant: "ben", Language: "python3", Blob: "b", MaxScore: 100, Elapsed: 30})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 1, 2, 30, 0, 0, time.UTC)
	sub, err := s.Record(ctx, New{Contest: "c1", Challenge: "hello", Contestant: "ann", Language: "python3", Blob: "b", MaxScore: 100,
		Elapsed: 90, At: at}, verdict.Result{Outcome: verdict.Scored, Score: 70, MaxScore: 100})
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status != Done || sub.Score != 70 || sub.Outcome != string(verdict.Scored) || !sub.SubmittedAt.Equal(at) {
		t.Fatalf("recorded %+v, want done, scored 70, submitted at %s", sub, at)
	}
	if n, _ := s.Depth(ctx); n != 1 {
		t.Fatalf("queue depth %d, want 1 (the job queued before)", n)
	}
	j, err := s.Take(ctx, "w1", time.Minute, 50*time.Millisecond)
	if err != nil || j == nil || j.SID != waiting.ID {
		t.Fatalf("took %+v, %v; want the waiting job %s", j, err, waiting.ID)
	}
	b, _ := board.Read(ctx, "c1", scoreboard.Jury)
	var total float64
	for _, r := range b.Rows {
		if r.Contestant.ID == "ann" {
			total = r.Total
		}
	}
	if total != 70 {
		t.Fatalf("ann's total %v, want 70: %+v", total, b.Rows)
	}
}
