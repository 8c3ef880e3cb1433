package judge

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/telemetry"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/submission"
)

// fakeQueue records what the worker does with jobs.
type fakeQueue struct {
	mu         sync.Mutex
	subs       map[string]submission.Submission
	heartbeat  error
	applied    []verdict.Result
	rejudged   []verdict.Result
	acked      int
	judging    int
	heartbeats int
}

func (q *fakeQueue) EnsureGroup(context.Context) error { return nil }
func (q *fakeQueue) Take(context.Context, string, time.Duration, time.Duration) (*submission.Job, error) {
	return nil, nil
}
func (q *fakeQueue) Heartbeat(context.Context, *submission.Job, string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.heartbeats++
	return q.heartbeat
}
func (q *fakeQueue) Ack(context.Context, *submission.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.acked++
	return nil
}
func (q *fakeQueue) Get(_ context.Context, sid string) (submission.Submission, error) {
	sub, ok := q.subs[sid]
	if !ok {
		return submission.Submission{}, submission.ErrNotFound
	}
	return sub, nil
}
func (q *fakeQueue) MarkJudging(context.Context, *submission.Job, string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.judging++
	return nil
}
func (q *fakeQueue) Apply(_ context.Context, _ *submission.Job, _ submission.Submission, res verdict.Result) (bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.applied = append(q.applied, res)
	return true, nil
}
func (q *fakeQueue) StoreRejudge(_ context.Context, _ *submission.Job, res verdict.Result) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.rejudged = append(q.rejudged, res)
	return nil
}

type fakeChallenges map[string]Challenge

func (c fakeChallenges) Challenge(_ context.Context, cid, slug string) (Challenge, error) {
	ch, ok := c[cid+"/"+slug]
	if !ok {
		return Challenge{}, errors.New("no such challenge")
	}
	return ch, nil
}

type fakeBlobs map[string][]byte

func (b fakeBlobs) Get(_ context.Context, hash string) ([]byte, error) {
	data, ok := b[hash]
	if !ok {
		return nil, errors.New("no such blob")
	}
	return data, nil
}

type fakePackages struct{}

func (fakePackages) Get(context.Context, string) (*challenges.Package, error) {
	return &challenges.Package{Spec: challenges.Spec{ID: "sum"}}, nil
}

// graderFunc grades with a function.
type graderFunc func(ctx context.Context, source []byte) (verdict.Result, error)

func (f graderFunc) Grade(ctx context.Context, _ *challenges.Package, _ string, source []byte) (verdict.Result, error) {
	return f(ctx, source)
}

func newTestWorker(q *fakeQueue, g Grader, lease time.Duration) *Worker {
	chs := fakeChallenges{"c1/sum": {Package: "pkg", Points: 50}}
	return New(Config{ID: "w1", Lease: lease}, q, chs, fakeBlobs{"src": []byte("print(1)")}, fakePackages{}, g, slog.New(slog.DiscardHandler))
}

func TestHandle(t *testing.T) {
	sub := submission.Submission{ID: "c1-1", Contest: "c1", Challenge: "sum", Language: "python3", Blob: "src", MaxScore: 50}
	accepted := graderFunc(func(context.Context, []byte) (verdict.Result, error) {
		return verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100}, nil
	})
	tests := []struct {
		name    string
		job     submission.Job
		subs    map[string]submission.Submission
		grader  Grader
		wantErr bool
		check   func(t *testing.T, q *fakeQueue)
	}{
		{
			name: "graded and scaled to the contest's points", job: submission.Job{SID: "c1-1", Deliveries: 1},
			subs: map[string]submission.Submission{"c1-1": sub}, grader: accepted,
			check: func(t *testing.T, q *fakeQueue) {
				if len(q.applied) != 1 || q.applied[0].Score != 50 || q.applied[0].MaxScore != 50 || q.applied[0].Worker != "w1" || q.judging != 1 {
					t.Errorf("applied %+v, judging %d", q.applied, q.judging)
				}
			},
		},
		{
			name: "unknown submission is acknowledged and dropped", job: submission.Job{SID: "c1-9", Deliveries: 1},
			subs: map[string]submission.Submission{}, grader: accepted,
			check: func(t *testing.T, q *fakeQueue) {
				if q.acked != 1 || len(q.applied) != 0 {
					t.Errorf("acked %d, applied %+v", q.acked, q.applied)
				}
			},
		},
		{
			name: "given up after too many deliveries, without grading", job: submission.Job{SID: "c1-1", Deliveries: submission.MaxDeliveries + 1},
			subs: map[string]submission.Submission{"c1-1": sub},
			grader: graderFunc(func(context.Context, []byte) (verdict.Result, error) {
				return verdict.Result{}, errors.New("must not grade")
			}),
			check: func(t *testing.T, q *fakeQueue) {
				if len(q.applied) != 1 || q.applied[0].Outcome != verdict.SystemError || q.applied[0].MaxScore != 50 {
					t.Errorf("applied %+v", q.applied)
				}
			},
		},
		{
			name: "a platform error leaves the job to its lease", job: submission.Job{SID: "c1-1", Deliveries: 1},
			subs: map[string]submission.Submission{"c1-1": sub},
			grader: graderFunc(func(context.Context, []byte) (verdict.Result, error) {
				return verdict.Result{}, errors.New("docker engine gone")
			}),
			wantErr: true,
			check: func(t *testing.T, q *fakeQueue) {
				if len(q.applied) != 0 || q.acked != 0 {
					t.Errorf("applied %+v, acked %d", q.applied, q.acked)
				}
			},
		},
		{
			name: "a rejudge goes to its batch", job: submission.Job{SID: "c1-1", Deliveries: 1, Rejudge: "r1"},
			subs: map[string]submission.Submission{"c1-1": sub}, grader: accepted,
			check: func(t *testing.T, q *fakeQueue) {
				if len(q.rejudged) != 1 || len(q.applied) != 0 || q.judging != 0 {
					t.Errorf("rejudged %+v, applied %+v, judging %d", q.rejudged, q.applied, q.judging)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &fakeQueue{subs: tt.subs}
			w := newTestWorker(q, tt.grader, time.Minute)
			job := tt.job
			err := w.handle(context.Background(), &job)
			if (err != nil) != tt.wantErr {
				t.Fatalf("handle: %v, want error %v", err, tt.wantErr)
			}
			tt.check(t, q)
		})
	}
}

func TestHandleLeaseLost(t *testing.T) {
	// Another worker took the job: grading stops, and nothing is applied.
	sub := submission.Submission{ID: "c1-1", Contest: "c1", Challenge: "sum", Blob: "src", MaxScore: 50}
	q := &fakeQueue{subs: map[string]submission.Submission{"c1-1": sub}, heartbeat: submission.ErrLeaseLost}
	stopped := make(chan struct{})
	g := graderFunc(func(ctx context.Context, _ []byte) (verdict.Result, error) {
		select {
		case <-ctx.Done():
			close(stopped)
			return verdict.Result{}, ctx.Err()
		case <-time.After(10 * time.Second):
			return verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100}, nil
		}
	})
	w := newTestWorker(q, g, 90*time.Millisecond)
	start := time.Now()
	err := w.handle(context.Background(), &submission.Job{SID: "c1-1", Deliveries: 1})
	if err == nil {
		t.Fatal("handle returned no error after the lease was lost")
	}
	select {
	case <-stopped:
	default:
		t.Fatal("grading was not cancelled")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to notice the lost lease", d)
	}
	if len(q.applied) != 0 || q.heartbeats == 0 {
		t.Errorf("applied %+v after %d heartbeats", q.applied, q.heartbeats)
	}
}

type kindPackages string

func (k kindPackages) Get(context.Context, string) (*challenges.Package, error) {
	return &challenges.Package{Spec: challenges.Spec{ID: "sum", Kind: string(k)}}, nil
}

// TestHandleMetrics checks that each grading is observed by kind and
// outcome, a platform error as failed.
func TestHandleMetrics(t *testing.T) {
	sub := submission.Submission{ID: "c1-1", Contest: "c1", Challenge: "sum", Language: "python3", Blob: "src", MaxScore: 50}
	m := telemetry.New()
	for _, g := range []graderFunc{
		func(context.Context, []byte) (verdict.Result, error) {
			return verdict.Result{Outcome: verdict.WrongAnswer, MaxScore: 100}, nil
		},
		func(context.Context, []byte) (verdict.Result, error) {
			return verdict.Result{}, errors.New("docker engine gone")
		},
	} {
		q := &fakeQueue{subs: map[string]submission.Submission{"c1-1": sub}}
		w := New(Config{ID: "w1", Lease: time.Minute, Metrics: m}, q, fakeChallenges{"c1/sum": {Package: "pkg", Points: 50}},
			fakeBlobs{"src": []byte("print(1)")}, kindPackages(challenges.KindProgram), g, slog.New(slog.DiscardHandler))
		_ = w.handle(context.Background(), &submission.Job{SID: "c1-1", Deliveries: 1})
	}
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]uint64{}
	for _, mf := range mfs {
		if mf.GetName() != "arena_grading_duration_seconds" {
			continue
		}
		for _, s := range mf.GetMetric() {
			var kind, outcome string
			for _, l := range s.GetLabel() {
				switch l.GetName() {
				case "kind":
					kind = l.GetValue()
				case "outcome":
					outcome = l.GetValue()
				}
			}
			got[kind+"/"+outcome] = s.GetHistogram().GetSampleCount()
		}
	}
	want := map[string]uint64{"program/wrong_answer": 1, "program/" + telemetry.GradeFailed: 1}
	if !maps.Equal(got, want) {
		t.Errorf("gradings observed %v, want %v", got, want)
	}
}
