// Package container runs a runner.Request inside a Docker sandbox container:
// one short-lived container per request, under every sandbox rule of
// SkillArena (no network, non-root, read-only root, capped tmpfs, memory,
// swap, pids, CPU and wall time, no capabilities, no new privileges), with
// the in-image arena-runner doing the per-test work.
package container

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	// WallSlack is added to the derived wall timeout for container start
	// and the runner's own work.
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
	// Labels are added to the container's labels (e.g. a submission id),
	// next to Label=1.
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
	return &Runner{cli: cli, log: log}
}

// Ping checks that the Docker engine answers.
func (r *Runner) Ping(ctx context.Context) error {
	if _, err := r.cli.Ping(ctx); err != nil {
		return fmt.Errorf("docker engine does not answer: %w", err)
	}
	return nil
}

// Close releases the Docker client if New created it.
func (r *Runner) Close() error {
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
// error. The container is removed in every case.
func (r *Runner) Run(ctx context.Context, cfg Config, req runner.Request) (runner.Result, error) {
	cfg = cfg.WithDefaults(req)
	if cfg.Image == "" {
		return runner.Result{}, errors.New("sandbox: no image given")
	}
	payload, err := json.Marshal(req)
	if err != nil {
		return runner.Result{}, fmt.Errorf("sandbox: encode request: %w", err)
	}
	start := time.Now()

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
	config, hostConfig := containerSpec(cfg)
	created, err := r.cli.ContainerCreate(ctx, config, hostConfig, nil, nil, "")
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return runner.Result{}, fmt.Errorf("sandbox image %s is missing (run: arena images build): %w", cfg.Image, err)
		}
		return runner.Result{}, fmt.Errorf("sandbox: create container from %s: %w", cfg.Image, err)
	}
	id := created.ID
	createdAt := time.Now()
	log := r.log.With("container", shortID(id), "image", cfg.Image)
	for _, w := range created.Warnings {
		log.Warn("docker warning on create", "warning", w)
	}
	defer r.remove(id, log)

	hj, err := r.cli.ContainerAttach(ctx, id, container.AttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		return runner.Result{}, fmt.Errorf("sandbox: attach to container: %w", err)
	}
	defer hj.Close()

	var (
		mu         sync.Mutex
		wallKilled bool
	)
	wall := time.AfterFunc(cfg.WallTimeout, func() {
		mu.Lock()
		wallKilled = true
		mu.Unlock()
		log.Info("sandbox wall timeout: killing the container", "timeout", cfg.WallTimeout)
		r.kill(id, log)
	})
	defer wall.Stop()
	stopOnCancel := context.AfterFunc(ctx, func() {
		r.kill(id, log)
		hj.Close()
	})
	defer stopOnCancel()

	if err := r.cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return runner.Result{}, fmt.Errorf("sandbox: start container: %w", err)
	}
	started := time.Now()

	writeErr := make(chan error, 1)
	go func() {
		_, err := hj.Conn.Write(payload)
		if cerr := hj.CloseWrite(); err == nil {
			err = cerr
		}
		writeErr <- err
	}()

	stdout := &capWriter{limit: cfg.ReplyCap}
	stderr := &capWriter{limit: stderrCap, truncate: true}
	_, copyErr := stdcopy.StdCopy(stdout, stderr, hj.Reader)
	if errors.Is(copyErr, errReplyTooBig) {
		r.kill(id, log)
	}

	if err := ctx.Err(); err != nil {
		return runner.Result{}, fmt.Errorf("sandbox: run cancelled: %w", err)
	}
	exitCode, state, err := r.waitExit(ctx, id)
	if err != nil {
		return runner.Result{}, err
	}
	mu.Lock()
	timedOut := wallKilled
	mu.Unlock()
	log.Debug("sandbox finished", "exit_code", exitCode, "oom_killed", state.OOMKilled, "wall_killed", timedOut,
		"create", createdAt.Sub(start).Round(time.Millisecond), "start", started.Sub(createdAt).Round(time.Millisecond),
		"run", time.Since(started).Round(time.Millisecond))
	if s := strings.TrimSpace(string(stderr.buf)); s != "" {
		log.Debug("runner stderr", "stderr", s)
	}

	if errors.Is(copyErr, errReplyTooBig) {
		return runner.Result{}, fmt.Errorf("sandbox: runner reply exceeds %d bytes", cfg.ReplyCap)
	}
	var res runner.Result
	decodeErr := json.Unmarshal(stdout.buf, &res)
	if decodeErr == nil && len(res.Tests) == len(req.Tests) {
		if res.Error != "" {
			return res, fmt.Errorf("sandbox runner failed: %s", res.Error)
		}
		return res, nil
	}
	// No usable reply: the container was killed under the runner, or the
	// runner broke.
	switch {
	case timedOut:
		return wholeContainer(req, runner.StatusTimeLimit, fmt.Sprintf("the sandbox was killed after %v of wall time", cfg.WallTimeout)), nil
	case state.OOMKilled:
		return wholeContainer(req, runner.StatusMemoryLimit, fmt.Sprintf("the sandbox ran out of memory (%s)", units.BytesSize(float64(cfg.MemoryBytes)))), nil
	}
	if copyErr != nil {
		return runner.Result{}, fmt.Errorf("sandbox: read runner output: %w", copyErr)
	}
	if err := <-writeErr; err != nil {
		return runner.Result{}, fmt.Errorf("sandbox: send request to runner (exit code %d): %w; runner stderr: %s", exitCode, err, tail(stderr.buf))
	}
	if decodeErr == nil {
		decodeErr = fmt.Errorf("%d test results for %d tests", len(res.Tests), len(req.Tests))
	}
	return runner.Result{}, fmt.Errorf("sandbox: runner exited with code %d without a valid result: %w; runner stderr: %s", exitCode, decodeErr, tail(stderr.buf))
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

// waitExit waits for the container to stop and inspects its final state.
func (r *Runner) waitExit(ctx context.Context, id string) (int64, container.State, error) {
	ctx, cancel := context.WithTimeout(ctx, cleanupTimeout)
	defer cancel()
	waitCh, errCh := r.cli.ContainerWait(ctx, id, container.WaitConditionNotRunning)
	var code int64
	select {
	case w := <-waitCh:
		code = w.StatusCode
		if w.Error != nil && w.Error.Message != "" {
			return 0, container.State{}, fmt.Errorf("sandbox: wait for container: %s", w.Error.Message)
		}
	case err := <-errCh:
		return 0, container.State{}, fmt.Errorf("sandbox: wait for container: %w", err)
	}
	info, err := r.cli.ContainerInspect(ctx, id)
	if err != nil {
		return 0, container.State{}, fmt.Errorf("sandbox: inspect container: %w", err)
	}
	if info.State == nil {
		return code, container.State{}, nil
	}
	return code, *info.State, nil
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
// timeout, since other judges may share the engine.
func (r *Runner) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	list, err := r.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", Label+"=1"))})
	if err != nil {
		return 0, fmt.Errorf("list sandbox containers: %w", err)
	}
	removed := 0
	for _, c := range list {
		if time.Since(time.Unix(c.Created, 0)) < olderThan {
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

// capWriter keeps what is written up to limit; past it, it either fails
// with errReplyTooBig or, with truncate, drops the rest silently.
type capWriter struct {
	limit    int64
	truncate bool
	buf      []byte
}

func (w *capWriter) Write(p []byte) (int, error) {
	room := w.limit - int64(len(w.buf))
	if int64(len(p)) <= room {
		w.buf = append(w.buf, p...)
		return len(p), nil
	}
	if room > 0 {
		w.buf = append(w.buf, p[:room]...)
	}
	if w.truncate {
		return len(p), nil
	}
	return int(max(room, 0)), errReplyTooBig
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
