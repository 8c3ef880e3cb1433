// Package judge is the judge worker: it takes jobs from the queue under a
// lease, grades them in the sandbox, and applies each result in one atomic
// step (the spine's steps 2 and 3, README.md). It reaches the platform's
// stores only through the small interfaces below, so the grading side
// (sandbox/) needs nothing of the server.
package judge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/internal/telemetry"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/submission"
)

// Queue is the judging queue and the submission records it serves
// (server/submission.Store).
type Queue interface {
	EnsureGroup(ctx context.Context) error
	Take(ctx context.Context, worker string, lease, block time.Duration) (*submission.Job, error)
	Heartbeat(ctx context.Context, job *submission.Job, worker string) error
	Ack(ctx context.Context, job *submission.Job) error
	Get(ctx context.Context, sid string) (submission.Submission, error)
	MarkJudging(ctx context.Context, job *submission.Job, worker string) error
	Apply(ctx context.Context, job *submission.Job, sub submission.Submission, res verdict.Result) (bool, error)
	StoreRejudge(ctx context.Context, job *submission.Job, res verdict.Result) error
}

// Challenge is what the worker needs of a contest's challenge.
type Challenge struct {
	// Package is the blob hash of the challenge package archive.
	Package string
	// Points is what the contest gives for the challenge.
	Points float64
}

// Challenges finds a contest's challenge (server/contest, through ContestChallenges).
type Challenges interface {
	Challenge(ctx context.Context, contest, slug string) (Challenge, error)
}

// Blobs fetches submission files and package archives (server/blob.Store).
type Blobs interface {
	Get(ctx context.Context, hash string) ([]byte, error)
}

// PackageSource gives the loaded challenge package of an archive hash (Packages).
type PackageSource interface {
	Get(ctx context.Context, hash string) (*challenges.Package, error)
}

// Grader grades one submission.
type Grader interface {
	Grade(ctx context.Context, pkg *challenges.Package, lang string, source []byte) (verdict.Result, error)
}

// Config tunes a worker.
type Config struct {
	// ID names the worker in the queue and in results; unique per process.
	ID string
	// Slots is how many submissions it grades at once.
	Slots int
	// Lease is how long a job stays with a worker that stops renewing it.
	Lease time.Duration
	// Metrics observes each grading's time by kind and outcome; nil observes nothing.
	Metrics *telemetry.Metrics
}

// Worker grades submissions.
type Worker struct {
	cfg         Config
	submissions Queue
	contests    Challenges
	blobs       Blobs
	packages    PackageSource
	grader      Grader
	log         *slog.Logger
}

// New returns a worker.
func New(cfg Config, subs Queue, contests Challenges, blobs Blobs, pkgs PackageSource, g Grader, log *slog.Logger) *Worker {
	if cfg.Slots < 1 {
		cfg.Slots = 1
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	return &Worker{cfg: cfg, submissions: subs, contests: contests, blobs: blobs, packages: pkgs, grader: g, log: log.With("worker", cfg.ID)}
}

// Run grades jobs until ctx is done.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.submissions.EnsureGroup(ctx); err != nil {
		return err
	}
	w.log.Info("judge worker started", "slots", w.cfg.Slots, "lease", w.cfg.Lease)
	var wg sync.WaitGroup
	for i := 0; i < w.cfg.Slots; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.loop(ctx)
		}()
	}
	wg.Wait()
	return nil
}

func (w *Worker) loop(ctx context.Context) {
	for ctx.Err() == nil {
		job, err := w.submissions.Take(ctx, w.cfg.ID, w.cfg.Lease, 2*time.Second)
		if err != nil {
			if ctx.Err() == nil {
				w.log.Warn("take job", "err", err)
				sleep(ctx, time.Second)
			}
			continue
		}
		if job == nil {
			continue
		}
		if err := w.handle(ctx, job); err != nil && ctx.Err() == nil {
			// Left unacknowledged: its lease runs out and a worker grades it again.
			w.log.Error("grade submission", "submission", job.SID, "delivery", job.Deliveries, "err", err)
			sleep(ctx, time.Second)
		}
	}
}

func (w *Worker) handle(ctx context.Context, job *submission.Job) error {
	sub, err := w.submissions.Get(ctx, job.SID)
	if errors.Is(err, submission.ErrNotFound) {
		w.log.Warn("job for unknown submission dropped", "submission", job.SID)
		return w.submissions.Ack(ctx, job)
	}
	if err != nil {
		return err
	}
	if job.Deliveries > submission.MaxDeliveries {
		w.log.Error("giving up on submission", "submission", job.SID, "deliveries", job.Deliveries)
		res := verdict.Result{Outcome: verdict.SystemError, MaxScore: sub.MaxScore, Worker: w.cfg.ID}
		res.Say(message.New("judge.gave_up"))
		return w.finish(ctx, job, sub, res)
	}
	// A rejudge leaves the current result in place until the batch is applied.
	if job.Rejudge == "" {
		if err := w.submissions.MarkJudging(ctx, job, w.cfg.ID); err != nil {
			return err
		}
	}

	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go w.heartbeat(gctx, cancel, job)

	started := time.Now()
	res, err := w.grade(gctx, sub)
	if err != nil {
		return err
	}
	if gctx.Err() != nil {
		return fmt.Errorf("grading %s stopped: %w", sub.ID, context.Cause(gctx))
	}
	res.Worker = w.cfg.ID
	if err := w.finish(ctx, job, sub, res); err != nil {
		return err
	}
	w.log.Info("graded", "submission", sub.ID, "outcome", res.Outcome, "score", res.Score,
		"took_ms", time.Since(started).Milliseconds(), "rejudge", job.Rejudge)
	return nil
}

// finish hands a result to the submission, or to the rejudge batch it is for.
func (w *Worker) finish(ctx context.Context, job *submission.Job, sub submission.Submission, res verdict.Result) error {
	if job.Rejudge != "" {
		return w.submissions.StoreRejudge(ctx, job, res)
	}
	_, err := w.submissions.Apply(ctx, job, sub, res)
	return err
}

func (w *Worker) grade(ctx context.Context, sub submission.Submission) (verdict.Result, error) {
	ch, err := w.contests.Challenge(ctx, sub.Contest, sub.Challenge)
	if err != nil {
		return verdict.Result{}, err
	}
	pkg, err := w.packages.Get(ctx, ch.Package)
	if err != nil {
		return verdict.Result{}, err
	}
	source, err := w.blobs.Get(ctx, sub.Blob)
	if err != nil {
		return verdict.Result{}, err
	}
	started := time.Now()
	res, err := w.grader.Grade(ctx, pkg, sub.Language, source)
	outcome := string(res.Outcome)
	if err != nil || ctx.Err() != nil {
		outcome = telemetry.GradeFailed
	}
	w.cfg.Metrics.Graded(pkg.Spec.Kind, outcome, time.Since(started))
	if err != nil {
		return verdict.Result{}, err
	}
	// The contest's points for the challenge win over the package's own.
	if res.MaxScore > 0 && ch.Points != res.MaxScore {
		scale := ch.Points / res.MaxScore
		res.Score *= scale
		if res.PublicScore != nil {
			ps := *res.PublicScore * scale
			res.PublicScore = &ps
		}
	}
	res.MaxScore = ch.Points
	return res, nil
}

// heartbeat renews the lease until grading ends; if the lease is lost,
// grading stops, since another worker now owns the job.
func (w *Worker) heartbeat(ctx context.Context, cancel context.CancelFunc, job *submission.Job) {
	t := time.NewTicker(w.cfg.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			err := w.submissions.Heartbeat(ctx, job, w.cfg.ID)
			if errors.Is(err, submission.ErrLeaseLost) {
				w.log.Warn("lease lost; another worker took the job", "submission", job.SID)
				cancel()
				return
			}
			if err != nil && ctx.Err() == nil {
				w.log.Warn("renew lease", "submission", job.SID, "err", err)
			}
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
