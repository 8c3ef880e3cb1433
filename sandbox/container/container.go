// Package container runs a runner.Request inside a Docker sandbox container:
// one short-lived container per request, under every sandbox rule of
// SkillArena (no network, non-root, read-only root, capped tmpfs, memory,
// swap, pids, CPU and wall time, no capabilities, no new privileges), with
// the in-image arena-runner doing the per-test work. A container serves one
// request and is removed after it; with a pool (Runner.UsePool) it is
// started before the request comes, so that its start is off the path.
package container

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"
	"github.com/docker/go-units"

	"github.com/skillarena/arena/sandbox/runner"
)

// Sandbox constants shared by every container.
const (
	// Label marks every sandbox container (value "1").
	Label = "skillarena.sandbox"
	// WorkerLabel names the judge worker that started a container.
	WorkerLabel = "skillarena.worker"
	// User is who the runner starts as: root, but with no capability
	// beyond runnerCaps. It runs every step under a uid of its own
	// (runner.ContestantUID, runner.GraderUID), so that nothing a step
	// starts can signal, trace or read the runner.
	User = "0:0"
	// WorkDir is the size-capped tmpfs the request's files go to.
	WorkDir = "/work"
	// RunnerPath is the runner binary inside the sandbox images.
	RunnerPath = "/usr/local/bin/arena-runner"

	// RunnerOverheadBytes is the memory added to the contestant's limit for
	// the runner itself when the container memory is derived.
	RunnerOverheadBytes = 64 << 20
	DefaultPidsLimit    = 64
	DefaultNanoCPUs     = 1_000_000_000
	DefaultTmpfsBytes   = 64 << 20
	DefaultReplyCap     = 64 << 20
	// WallSlack is added to the derived wall timeout for the runner's own
	// work (the timeout counts from the request, not the container start).
	WallSlack = 5 * time.Second

	// stderrCap bounds how much of the runner's own stderr is kept.
	stderrCap = 64 << 10
	// cleanupTimeout bounds the removal of a container after use.
	cleanupTimeout = 30 * time.Second
)

// runnerCaps are the only capabilities in the sandbox: the runner's, to
// switch each step to its uid, give it the files and kill what it leaves.
// A step starts with none (a grader keeps SETUID, SETGID and KILL to start
// contestant steps), and no-new-privileges keeps it so.
func runnerCaps() []string { return []string{"CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_CHOWN"} }

// Config sets the container for one request. Zero fields take defaults
// (see WithDefaults).
type Config struct {
	// Image is the sandbox image, e.g. "skillarena/python3:latest". Required.
	Image string
	// MemoryBytes caps the container's memory, swap included (no swap).
	// Default: the largest step memory limit plus RunnerOverheadBytes plus
	// room for the runner's copy of the request's data and the outputs.
	MemoryBytes int64
	// PidsLimit caps the number of processes and threads. Default 64.
	PidsLimit int64
	// NanoCPUs is the CPU quota in billionths of a CPU. Default one CPU.
	NanoCPUs int64
	// TmpfsBytes caps each of the /work and /tmp tmpfs. Default 64 MiB.
	TmpfsBytes int64
	// WallTimeout kills the whole container. Default: the sum of the
	// per-test wall limits plus the compile wall limit plus WallSlack.
	WallTimeout time.Duration
	// ReplyCap caps the runner's JSON reply. Default 64 MiB.
	ReplyCap int64
	// Labels are added to the container's labels, next to Label=1. They
	// are part of what decides the container: requests whose labels differ
	// never share a pool, so nothing per request (a submission id) belongs
	// here; log it instead.
	Labels map[string]string
}

// WithDefaults fills the zero fields of c for req.
func (c Config) WithDefaults(req runner.Request) Config {
	run := req.Run.Limits.WithDefaults()
	if c.ReplyCap <= 0 {
		c.ReplyCap = DefaultReplyCap
	}
	if c.MemoryBytes <= 0 {
		mem := run.MemoryBytes
		if req.Compile != nil {
			mem = max(mem, req.Compile.Limits.WithDefaults().MemoryBytes)
		}
		c.MemoryBytes = mem + RunnerOverheadBytes + runnerDataBytes(req, run, c.ReplyCap)
	}
	if c.PidsLimit <= 0 {
		c.PidsLimit = DefaultPidsLimit
	}
	if c.NanoCPUs <= 0 {
		c.NanoCPUs = DefaultNanoCPUs
	}
	if c.TmpfsBytes <= 0 {
		c.TmpfsBytes = DefaultTmpfsBytes
	}
	if c.WallTimeout <= 0 {
		wall := time.Duration(len(req.Tests)) * run.Wall()
		if req.Compile != nil {
			wall += req.Compile.Limits.WithDefaults().Wall()
		}
		c.WallTimeout = wall + WallSlack
	}
	return c
}

// runnerDataBytes estimates the memory the runner holds for the request's
// data beyond RunnerOverheadBytes: the JSON request and its decoded files
// and inputs, then the kept outputs and their JSON encoding. Without it a
// request with big inputs would push the container to its cap, and the OOM
// killer would take the contestant's process for the runner's hoarding.
func runnerDataBytes(req runner.Request, run runner.Limits, replyCap int64) int64 {
	var data int64
	for _, f := range req.Files {
		data += int64(len(f.Data))
	}
	for _, t := range req.Tests {
		data += int64(len(t.Input))
	}
	outputs := min(int64(len(req.Tests))*run.OutputBytes, replyCap)
	// Base64 in JSON is 4/3 of the data, decoded once more: about 2.4x; 3x
	// leaves room for the decoder's buffers. Outputs are kept once and
	// encoded once.
	return 3*data + 2*outputs
}

// Runner runs requests in sandbox containers on one Docker engine. It is
// safe for concurrent use.
type Runner struct {
	cli     *client.Client
	log     *slog.Logger
	ownsCli bool
	// Labels go on every container this runner starts (e.g. the judge
	// worker's name, so its leftovers can be told apart). Set before use.
	Labels map[string]string

	pool *pool          // nil: no container waits for a request
	bg   sync.WaitGroup // removals and pool starts, which Close waits for

	mu     sync.Mutex
	closed bool
	live   map[string]struct{} // ids of the containers held, which Sweep spares
}

// New connects to the Docker engine from the environment (DOCKER_HOST etc.),
// negotiating the API version, and checks that it answers.
func New(ctx context.Context, log *slog.Logger) (*Runner, error) {
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, fmt.Errorf("docker client: %w", err)
	}
	r := NewWithClient(cli, log)
	r.ownsCli = true
	if err := r.Ping(ctx); err != nil {
		cli.Close()
		return nil, err
	}
	return r, nil
}

// NewWithClient runs sandboxes through an existing client, which the caller
// keeps ownership of.
func NewWithClient(cli *client.Client, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{cli: cli, log: log, live: map[string]struct{}{}}
}

// UsePool keeps containers started and waiting, per container spec, as c
// sizes them (c.PerKey 0: none). Call it before the first Run, and Close
// the Runner to remove them.
func (r *Runner) UsePool(c PoolConfig) {
	if c.PerKey <= 0 {
		return
	}
	r.pool = newPool(c)
	r.bg.Add(1)
	go r.pool.janitor(r)
}

// Ping checks that the Docker engine answers.
func (r *Runner) Ping(ctx context.Context) error {
	if _, err := r.cli.Ping(ctx); err != nil {
		return fmt.Errorf("docker engine does not answer: %w", err)
	}
	return nil
}

// Close removes the waiting containers, waits for the removal of used
// ones, and releases the Docker client if New created it. Runs still in
// flight remove their containers themselves.
func (r *Runner) Close() error {
	r.pool.close(r)
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.bg.Wait()
	if !r.ownsCli {
		return nil
	}
	if err := r.cli.Close(); err != nil {
		return fmt.Errorf("close docker client: %w", err)
	}
	return nil
}

// Run executes req in a fresh sandbox container and returns the runner's
// Result. What the contestant's program did is in the Result: when the
// whole container had to be killed (wall timeout, OOM) before the runner
// could reply, the tests are reported as time_limit or memory_limit. An
// error means the platform failed (engine, image, runner): the grade is a
// system error. A Result whose Error is set is returned together with an
// error. The container serves this request alone and is removed after it.
//
// With a pool (UsePool), the container was started before the request
// and waited for it; one that turns out to have died before the request
// reached it is replaced by a container started for the request, at no
// cost to the contestant.
func (r *Runner) Run(ctx context.Context, cfg Config, req runner.Request) (runner.Result, error) {
	cfg = cfg.WithDefaults(req).sized()
	if cfg.Image == "" {
		return runner.Result{}, errors.New("sandbox: no image given")
	}
	payload, err := json.Marshal(req)
	if err != nil {
		return runner.Result{}, fmt.Errorf("sandbox: encode request: %w", err)
	}
	s, err := r.spec(cfg)
	if err != nil {
		return runner.Result{}, err
	}
	defer r.pool.replenish(r, s)
	if b := r.pool.take(r, s); b != nil {
		res, err := r.serve(ctx, b, cfg, req, payload, true)
		if !errors.Is(err, errStale) {
			return res, err
		}
		b.log.Warn("waiting sandbox container died before the request reached it; starting a fresh one", "error", err)
	}
	start := time.Now()
	b, err := r.start(ctx, s)
	if err != nil {
		return runner.Result{}, err
	}
	b.log.Debug("sandbox started", "took", time.Since(start).Round(time.Millisecond))
	return r.serve(ctx, b, cfg, req, payload, false)
}

// spec is the container for cfg, with the runner's labels.
func (r *Runner) spec(cfg Config) (spec, error) {
	if len(r.Labels) > 0 {
		merged := make(map[string]string, len(r.Labels)+len(cfg.Labels))
		for k, v := range r.Labels {
			merged[k] = v
		}
		for k, v := range cfg.Labels {
			merged[k] = v
		}
		cfg.Labels = merged
	}
	return newSpec(containerSpec(cfg))
}

// errStale is serve's answer when a waiting container was gone before the
// whole request reached its runner: nothing of the request ran.
var errStale = errors.New("container stopped before the request")

// serve sends req to the runner waiting in b, reads its Result (see Run)
// and removes b in the background. The wall timeout counts from here, not
// from the container's start. With pooled, errStale means that b was dead
// before the request reached it.
func (r *Runner) serve(ctx context.Context, b *box, cfg Config, req runner.Request, payload []byte, pooled bool) (runner.Result, error) {
	defer r.discard(b)
	log := b.log
	var (
		mu         sync.Mutex
		wallKilled bool
	)
	wall := time.AfterFunc(cfg.WallTimeout, func() {
		mu.Lock()
		wallKilled = true
		mu.Unlock()
		log.Info("sandbox wall timeout: killing the container", "timeout", cfg.WallTimeout)
		r.kill(b.id, log)
	})
	defer wall.Stop()
	stopOnCancel := context.AfterFunc(ctx, func() {
		r.kill(b.id, log)
		b.hj.Close()
	})
	defer stopOnCancel()

	sent := time.Now()
	type written struct {
		n   int
		err error
	}
	writeDone := make(chan written, 1)
	go func() {
		n, err := b.hj.Conn.Write(payload)
		if cerr := b.hj.CloseWrite(); err == nil {
			err = cerr
		}
		writeDone <- written{n, err}
	}()

	rp := readReply(b.hj.Reader, cfg.ReplyCap)
	var res runner.Result
	decodeErr := rp.decode(&res)
	if errors.Is(decodeErr, errReplyTooBig) {
		r.kill(b.id, log)
	}
	if err := ctx.Err(); err != nil {
		return runner.Result{}, fmt.Errorf("sandbox: run cancelled: %w", err)
	}
	if decodeErr == nil && len(res.Tests) == len(req.Tests) {
		// The reply is whole: the container's exit, tens of milliseconds
		// later, is no longer the request's business.
		log.Debug("sandbox replied", "pooled", pooled,
			"waited", sent.Sub(b.started).Round(time.Millisecond), "run", time.Since(sent).Round(time.Millisecond))
		go rp.logStderr(log)
		if res.Error != "" {
			return res, fmt.Errorf("sandbox runner failed: %s", res.Error)
		}
		return res, nil
	}
	copyErr := rp.wait()
	exitErr := r.awaitExit(ctx, b)
	mu.Lock()
	timedOut := wallKilled
	mu.Unlock()
	log.Debug("sandbox finished without a reply", "exit_code", b.exitCode, "wall_killed", timedOut, "pooled", pooled,
		"waited", sent.Sub(b.started).Round(time.Millisecond), "run", time.Since(sent).Round(time.Millisecond))
	rp.logStderr(log)
	if errors.Is(copyErr, errReplyTooBig) {
		return runner.Result{}, fmt.Errorf("sandbox: runner reply exceeds %d bytes", cfg.ReplyCap)
	}

	// No usable reply: the container was killed under the runner, the
	// runner broke, or, waiting in the pool, the container was gone before
	// the request.
	b.hj.Close() // ends a write still in flight: what it did not send, the runner never read
	w := <-writeDone
	state, inspectErr := r.inspect(ctx, b.id)
	if pooled && !timedOut && (w.n < len(payload) || cerrdefs.IsNotFound(inspectErr) ||
		inspectErr == nil && stoppedBefore(state, sent)) {
		return runner.Result{}, fmt.Errorf("sandbox: %w (sent %d of %d bytes, exit code %d)", errStale, w.n, len(payload), b.exitCode)
	}
	if exitErr != nil {
		return runner.Result{}, exitErr
	}
	if inspectErr != nil {
		return runner.Result{}, inspectErr
	}
	switch {
	case timedOut:
		return wholeContainer(req, runner.StatusTimeLimit, fmt.Sprintf("the sandbox was killed after %v of wall time", cfg.WallTimeout)), nil
	case state.OOMKilled:
		return wholeContainer(req, runner.StatusMemoryLimit, fmt.Sprintf("the sandbox ran out of memory (%s)", units.BytesSize(float64(cfg.MemoryBytes)))), nil
	}
	if copyErr != nil {
		return runner.Result{}, fmt.Errorf("sandbox: read runner output: %w", copyErr)
	}
	if w.err != nil {
		return runner.Result{}, fmt.Errorf("sandbox: send request to runner (exit code %d): %w; runner stderr: %s", b.exitCode, w.err, tail(rp.stderr.buf))
	}
	if decodeErr == nil {
		decodeErr = fmt.Errorf("%d test results for %d tests", len(res.Tests), len(req.Tests))
	}
	return runner.Result{}, fmt.Errorf("sandbox: runner exited with code %d without a valid result: %w; runner stderr: %s", b.exitCode, decodeErr, tail(rp.stderr.buf))
}

// containerSpec turns the sandbox rules into the container's configuration.
func containerSpec(cfg Config) (*container.Config, *container.HostConfig) {
	labels := map[string]string{Label: "1"}
	for k, v := range cfg.Labels {
		if k != Label {
			labels[k] = v
		}
	}
	size := strconv.FormatInt(cfg.TmpfsBytes, 10)
	pids := cfg.PidsLimit
	config := &container.Config{
		Image:           cfg.Image,
		Cmd:             []string{RunnerPath},
		WorkingDir:      WorkDir,
		User:            User,
		Hostname:        "sandbox",
		Env:             []string{"LANG=C.UTF-8", "HOME=" + WorkDir, "TMPDIR=/tmp"},
		Labels:          labels,
		NetworkDisabled: true,
		AttachStdin:     true,
		AttachStdout:    true,
		AttachStderr:    true,
		OpenStdin:       true,
		StdinOnce:       true,
	}
	hostConfig := &container.HostConfig{
		NetworkMode:    "none",
		ReadonlyRootfs: true,
		Tmpfs: map[string]string{
			// The runner writes the files, then gives the directory away.
			WorkDir: "rw,exec,nosuid,nodev,size=" + size + ",uid=0,gid=0,mode=0755",
			"/tmp":  "rw,exec,nosuid,nodev,size=" + size + ",mode=1777",
		},
		CapDrop:     []string{"ALL"},
		CapAdd:      runnerCaps(),
		SecurityOpt: []string{"no-new-privileges"},
		LogConfig:   container.LogConfig{Type: "none"},
		IpcMode:     "private",
		Resources: container.Resources{
			Memory:     cfg.MemoryBytes,
			MemorySwap: cfg.MemoryBytes, // equal: no swap at all
			PidsLimit:  &pids,
			NanoCPUs:   cfg.NanoCPUs,
			Ulimits: []*container.Ulimit{
				{Name: "nofile", Soft: 1024, Hard: 1024},
				{Name: "core", Soft: 0, Hard: 0},
			},
		},
	}
	return config, hostConfig
}

// awaitExit waits for b to stop once its runner's output ended.
func (r *Runner) awaitExit(ctx context.Context, b *box) error {
	t := time.NewTimer(cleanupTimeout)
	defer t.Stop()
	select {
	case <-b.exited:
		return b.waitErr
	case <-ctx.Done():
		return fmt.Errorf("sandbox: run cancelled: %w", ctx.Err())
	case <-t.C:
		return fmt.Errorf("sandbox: container still running %v after its runner's output ended", cleanupTimeout)
	}
}

// inspect reads the container's final state (OOM kill, when it stopped).
func (r *Runner) inspect(ctx context.Context, id string) (container.State, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	info, err := r.cli.ContainerInspect(ctx, id)
	if err != nil {
		return container.State{}, fmt.Errorf("sandbox: inspect container: %w", err)
	}
	if info.State == nil {
		return container.State{}, nil
	}
	return *info.State, nil
}

// stoppedBefore reports whether the container had stopped before t.
func stoppedBefore(state container.State, t time.Time) bool {
	if state.Running {
		return false
	}
	finished, err := time.Parse(time.RFC3339Nano, state.FinishedAt)
	return err == nil && !finished.IsZero() && finished.Before(t)
}

// kill stops the container at once; errors are only logged, as removal
// follows anyway.
func (r *Runner) kill(id string, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	if err := r.cli.ContainerKill(ctx, id, "KILL"); err != nil && !cerrdefs.IsNotFound(err) && !cerrdefs.IsConflict(err) {
		log.Debug("kill sandbox container", "error", err)
	}
}

// remove deletes the container whatever happened, on a fresh context so
// that a cancelled request still cleans up. A failed removal (say, racing a
// kill in flight) is retried; what still fails is left for Sweep.
func (r *Runner) remove(id string, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	start := time.Now()
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
			}
		}
		err = r.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
		if err == nil || cerrdefs.IsNotFound(err) {
			log.Debug("sandbox removed", "took", time.Since(start).Round(time.Millisecond))
			return
		}
	}
	log.Warn("remove sandbox container", "error", err)
}

// Sweep removes sandbox containers (Label=1) created more than olderThan
// ago: what a crashed judge left behind. Pick olderThan well above any wall
// timeout plus the pool's MaxIdle, since other judges may share the engine.
// The containers this Runner holds are spared whatever their age.
func (r *Runner) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	list, err := r.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", Label+"=1"))})
	if err != nil {
		return 0, fmt.Errorf("list sandbox containers: %w", err)
	}
	removed := 0
	for _, c := range list {
		if !r.leftover(c, olderThan) {
			continue
		}
		if err := r.cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !cerrdefs.IsNotFound(err) {
			return removed, fmt.Errorf("remove sandbox container %s: %w", shortID(c.ID), err)
		}
		removed++
	}
	if removed > 0 {
		r.log.Info("removed leftover sandbox containers", "count", removed)
	}
	return removed, nil
}

// leftover reports whether Sweep should remove c: old enough, and not
// one this Runner holds (a container waiting in its pool is old, not lost).
func (r *Runner) leftover(c container.Summary, olderThan time.Duration) bool {
	return time.Since(time.Unix(c.Created, 0)) >= olderThan && !r.isLive(c.ID)
}

// wholeContainer is the Result when the container died before the runner
// replied: every test gets status, with msg as its stderr. Compile stays
// nil, since the runner never said how it went.
func wholeContainer(req runner.Request, status runner.Status, msg string) runner.Result {
	res := runner.Result{Tests: make([]runner.StepResult, len(req.Tests))}
	for i, t := range req.Tests {
		res.Tests[i] = runner.StepResult{Name: t.Name, Status: status, ExitCode: -1, Signal: "SIGKILL", Stderr: []byte(msg)}
	}
	return res
}

var errReplyTooBig = errors.New("runner reply too big")

// reply reads a runner's output: its one JSON Result on stdout, capped,
// and its stderr, kept for the log.
type reply struct {
	stdout *io.PipeReader
	stderr *capWriter
	done   chan struct{} // closed when the stream ended; err and stderr are final then
	err    error
}

func readReply(stream io.Reader, limit int64) *reply {
	pr, pw := io.Pipe()
	rp := &reply{stdout: pr, stderr: &capWriter{limit: stderrCap}, done: make(chan struct{})}
	go func() {
		_, err := stdcopy.StdCopy(&limitWriter{w: pw, left: limit}, rp.stderr, stream)
		pw.CloseWithError(err)
		rp.err = err
		close(rp.done)
	}()
	return rp
}

// decode reads the Result as soon as it is whole, without waiting for the
// end of the stream, which comes only once the container stopped.
func (rp *reply) decode(res *runner.Result) error {
	err := json.NewDecoder(rp.stdout).Decode(res)
	// Whatever follows is read and dropped, so the stream can reach its end.
	go func() { _, _ = io.Copy(io.Discard, rp.stdout) }()
	return err
}

// wait waits for the end of the stream.
func (rp *reply) wait() error {
	<-rp.done
	return rp.err
}

func (rp *reply) logStderr(log *slog.Logger) {
	<-rp.done
	if s := strings.TrimSpace(string(rp.stderr.buf)); s != "" {
		log.Debug("runner stderr", "stderr", s)
	}
}

// limitWriter passes on up to left bytes, then fails with errReplyTooBig.
type limitWriter struct {
	w    io.Writer
	left int64
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > w.left {
		n, err := w.w.Write(p[:max(w.left, 0)])
		w.left -= int64(n)
		if err == nil {
			err = errReplyTooBig
		}
		return n, err
	}
	n, err := w.w.Write(p)
	w.left -= int64(n)
	return n, err
}

// capWriter keeps what is written up to limit and drops the rest.
type capWriter struct {
	limit int64
	buf   []byte
}

func (w *capWriter) Write(p []byte) (int, error) {
	if room := w.limit - int64(len(w.buf)); room > 0 {
		w.buf = append(w.buf, p[:min(int64(len(p)), room)]...)
	}
	return len(p), nil
}

func tail(b []byte) string {
	const n = 2048
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	if s == "" {
		return "(empty)"
	}
	return s
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
