package events_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

func ptr(f float64) *float64 { return &f }

var (
	row = events.Row{Contestant: events.Contestant{ID: "ann", Name: "Ann", Organization: "X"}, Total: 150.5,
		Penalty: 20, Time: 600, Challenges: map[string]events.Cell{
			"a": {Score: 100, Attempts: 2, Time: 600, Solved: true, Penalty: 20},
			"b": {Score: 50.5, Attempts: 1, Pending: 1, Time: 60},
		}}
	at      = time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
	clarVal = events.Clarification{ID: 3, Contest: "c", Challenge: "a", From: "ann", Question: "Is n ≥ 1?",
		Answer: "Yes", Public: true, AnsweredBy: "jury", CreatedAt: at, AnsweredAt: &at}
)

// samples holds one value of every type of the spine's data.
var samples = []struct {
	name string
	v    any
}{
	{"attempt queued", events.Attempt{N: 7, Status: events.Queued, MaxScore: 100, Elapsed: 60}},
	{"attempt done", events.Attempt{N: 7, Status: events.Done, Score: 40, PublicScore: ptr(35.25), MaxScore: 100,
		Elapsed: 60, Outcome: verdict.Scored}},
	{"row", row},
	{"submission", events.SubmissionData{Submission: events.Submission{ID: "c-7", Challenge: "a", Contestant: "ann",
		Status: events.Queued}, Rows: events.Rows{Row: &row, PublicRow: &row}}},
	{"judging", events.SubmissionData{Submission: events.Submission{ID: "c-7", Challenge: "a", Contestant: "ann",
		Status: events.Judging}}},
	{"verdict", events.SubmissionData{Submission: events.Submission{ID: "c-7", Challenge: "a", Contestant: "ann",
		Status: events.Done, Outcome: verdict.Scored, Score: 40, PublicScore: ptr(35)}, Rows: events.Rows{Row: &row, PublicRow: &row}}},
	{"reveal", events.RevealData{Reveal: events.Reveal{Contestant: "ann", Challenge: "a"}, Rows: events.Rows{PublicRow: &row}}},
	{"clarification", events.ClarificationData{Clarification: clarVal}},
	{"reset", events.ResetData{}},
}

// decodeAs decodes s into a new value of v's type.
func decodeAs(t *testing.T, s string, v any) any {
	t.Helper()
	p := reflect.New(reflect.TypeOf(v))
	if err := json.Unmarshal([]byte(s), p.Interface()); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return p.Elem().Interface()
}

// TestRoundTrip: every type decodes to what was encoded, also after a
// script's cjson decoded and encoded it again (as withRows does).
func TestRoundTrip(t *testing.T) {
	rdb := testenv.StartRedis(t).Client()
	reencode := redis.NewScript(`return cjson.encode(cjson.decode(ARGV[1]))`)
	for _, tt := range samples {
		t.Run(tt.name, func(t *testing.T) {
			s, err := events.Encode(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.v, decodeAs(t, s, tt.v)); d != "" {
				t.Errorf("Go round trip (-want +got):\n%s", d)
			}
			lua, err := reencode.Run(context.Background(), rdb, nil, s).Text()
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.v, decodeAs(t, lua, tt.v)); d != "" {
				t.Errorf("through cjson %s (-want +got):\n%s", lua, d)
			}
		})
	}
}

// TestIntegrationEvents runs the real scripts and decodes what they store
// and append into the types.
func TestIntegrationEvents(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	subs := submission.NewStore(rdb)
	board := scoreboard.NewStore(rdb)
	clars := clarification.NewStore(rdb)
	log := events.NewLog(rdb)
	const cid = "ev"
	if err := subs.EnsureGroup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := board.Enroll(ctx, cid, scoreboard.Contestant{ID: "ann", Name: "Ann", Organization: "X"}); err != nil {
		t.Fatal(err)
	}
	if err := board.SetParams(ctx, cid, scoreboard.Params{Scoring: scoreboard.Points, Freeze: 1000}); err != nil {
		t.Fatal(err)
	}
	sub, err := subs.Submit(ctx, submission.New{Contest: cid, Challenge: "a", Contestant: "ann", Language: "python3",
		Blob: "b", MaxScore: 100, Elapsed: 1200})
	if err != nil {
		t.Fatal(err)
	}
	job, err := subs.Take(ctx, "w", time.Minute, time.Second)
	if err != nil || job == nil {
		t.Fatalf("take: %v %v", job, err)
	}
	if err := subs.MarkJudging(ctx, job, "w"); err != nil {
		t.Fatal(err)
	}
	res := verdict.Result{Outcome: verdict.Scored, Score: 40, PublicScore: ptr(35.5), MaxScore: 100}
	if _, err := subs.Apply(ctx, job, sub, res); err != nil {
		t.Fatal(err)
	}
	raw, err := rdb.HGet(ctx, scoreboard.AttemptsKey(cid, "ann", "a"), sub.ID).Result()
	if err != nil {
		t.Fatal(err)
	}
	wantAtt := events.Attempt{N: 1, Status: events.Done, Score: 40, PublicScore: ptr(35.5), MaxScore: 100,
		Elapsed: 1200, Outcome: verdict.Scored}
	if d := cmp.Diff(wantAtt, decodeAs(t, raw, events.Attempt{})); d != "" {
		t.Errorf("attempt (-want +got):\n%s", d)
	}
	if _, err := subs.Override(ctx, sub.ID, verdict.Accepted, 100, "checker fixed"); err != nil {
		t.Fatal(err)
	}
	rv, err := board.RevealNext(ctx, cid, []string{"a"})
	if err != nil || rv == nil {
		t.Fatalf("reveal: %v %v", rv, err)
	}
	c, err := clars.Ask(ctx, cid, "ann", "a", "Is n ≥ 1?")
	if err != nil {
		t.Fatal(err)
	}

	evs, err := log.Since(ctx, cid, "0-0", 100)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, ev := range evs {
		types = append(types, ev.Type)
	}
	// The enrolment appends a reset (new rows), then the new rules another.
	want := []string{events.TypeReset, events.TypeReset, events.TypeSubmission, events.TypeJudging, events.TypeVerdict,
		events.TypeVerdict, events.TypeReveal, events.TypeClarification}
	if d := cmp.Diff(want, types); d != "" {
		t.Fatalf("event types (-want +got):\n%s", d)
	}
	if _, err := events.Decode[events.ResetData](evs[0]); err != nil {
		t.Error(err)
	}
	evs = evs[1:]
	ann := events.Contestant{ID: "ann", Name: "Ann", Organization: "X"}
	cell := func(score float64, pending int, solved bool) events.Row {
		return events.Row{Contestant: ann, Total: score, Time: 1200 * int64(min(1, int(score))),
			Challenges: map[string]events.Cell{"a": {Score: score, Attempts: 1, Pending: pending, Time: 1200 * int64(min(1, int(score))), Solved: solved}}}
	}
	pendingRow := cell(0, 1, false)
	wantSub := []events.SubmissionData{
		{Submission: events.Submission{ID: sub.ID, Challenge: "a", Contestant: "ann", Status: events.Queued},
			Rows: events.Rows{Row: &pendingRow, PublicRow: &pendingRow}},
		{Submission: events.Submission{ID: sub.ID, Challenge: "a", Contestant: "ann", Status: events.Judging}},
		{Submission: events.Submission{ID: sub.ID, Challenge: "a", Contestant: "ann", Status: events.Done,
			Outcome: verdict.Scored, Score: 40, PublicScore: ptr(35.5)},
			Rows: events.Rows{Row: ptrRow(cell(35.5, 0, false)), PublicRow: &pendingRow}},
		{Submission: events.Submission{ID: sub.ID, Challenge: "a", Contestant: "ann", Status: events.Done,
			Outcome: verdict.Accepted, Score: 100},
			Rows: events.Rows{Row: ptrRow(cell(100, 0, true)), PublicRow: &pendingRow}},
	}
	for i, w := range wantSub {
		got, err := events.Decode[events.SubmissionData](evs[1+i])
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(w, got); d != "" {
			t.Errorf("%s event (-want +got):\n%s", evs[1+i].Type, d)
		}
	}
	gotRv, err := events.Decode[events.RevealData](evs[5])
	if err != nil {
		t.Fatal(err)
	}
	wantRv := events.RevealData{Reveal: events.Reveal{Contestant: "ann", Challenge: "a"},
		Rows: events.Rows{Row: ptrRow(cell(100, 0, true)), PublicRow: ptrRow(cell(100, 0, true))}}
	if d := cmp.Diff(wantRv, gotRv); d != "" {
		t.Errorf("reveal event (-want +got):\n%s", d)
	}
	gotC, err := events.Decode[events.ClarificationData](evs[6])
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(events.ClarificationData{Clarification: c}, gotC); d != "" {
		t.Errorf("clarification event (-want +got):\n%s", d)
	}
}

func ptrRow(r events.Row) *events.Row { return &r }
