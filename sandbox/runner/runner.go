package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// DefaultPath is the PATH contestant processes get when the runner has none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Options tune Execute. The zero value suits the sandbox container: the
// current directory is the work directory and the running binary is the exec
// shim.
type Options struct {
	// WorkDir receives the request's files and is every process's working
	// directory. Default: the current directory.
	WorkDir string
	// Self is the arena-runner binary re-executed as the exec shim.
	// Default: the running executable.
	Self string
	// Env is the environment of contestant processes. Default: PATH (the
	// runner's own, else DefaultPath), HOME=WorkDir, LANG=C.UTF-8, TMPDIR=/tmp.
	Env []string
	// Log receives the runner's own diagnostics. Default: discarded.
	Log *slog.Logger
	// Isolate runs contestant steps as ContestantUID and a grader's run step
	// as GraderUID, and gives the request's files to that uid. The runner
	// must then run as root with CAP_SETUID, CAP_SETGID, CAP_KILL and
	// CAP_CHOWN; Main sets it when it runs as root.
	Isolate bool
}

// executor holds what running processes needs for one request.
type executor struct {
	workDir string
	self    string
	env     []string
	log     *slog.Logger
	oomFile string
	pidOne  bool
	isolate bool
	// reaper: orphans come to the runner (PID 1), which kills and reaps
	// them after each step, counting what they used.
	reaper bool
	// contestantOnly: the executor runs a grader's contestant steps, and
	// kills and reaps only processes of ContestantUID.
	contestantOnly bool
	// counters are the sandbox cgroup's, read while a test runs; nil
	// outside a container, where the cgroup holds other processes too.
	counters *sandboxCounters
}

// identity is who a step runs as.
type identity int

const (
	asRunner     identity = iota // the runner's own uid: outside the sandbox (tests)
	asContestant                 // ContestantUID
	asGrader                     // GraderUID, able to start contestant steps
)

// launch is one process run: a compile step, a test, or a grader's
// contestant step.
type launch struct {
	name    string
	command []string
	limits  Limits   // already defaulted
	stdin   *os.File // nil: /dev/null
	as      identity
	dir     string   // working directory; "" is the work directory
	env     []string // added to the executor's environment
	// afterExit runs once the process has exited and every process of the
	// step was killed, before any is reaped.
	afterExit func()
	// passStdout and passStderr, when set, are given to the process as they
	// are instead of being captured (a grader's contestant step writes to
	// its grader); the output cap then does not apply.
	passStdout, passStderr *os.File
}

func newExecutor(opts Options) (*executor, error) {
	e := &executor{workDir: opts.WorkDir, self: opts.Self, env: opts.Env, log: opts.Log, isolate: opts.Isolate}
	if e.workDir == "" {
		e.workDir = "."
	}
	abs, err := filepath.Abs(e.workDir)
	if err != nil {
		return nil, fmt.Errorf("work directory: %w", err)
	}
	e.workDir = abs
	if e.self == "" {
		self, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("find the runner binary: %w", err)
		}
		e.self = self
	}
	if e.env == nil {
		path := os.Getenv("PATH")
		if path == "" {
			path = DefaultPath
		}
		e.env = []string{"PATH=" + path, "HOME=" + e.workDir, "LANG=C.UTF-8", "TMPDIR=/tmp"}
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	e.oomFile = oomKillFile()
	e.pidOne = os.Getpid() == 1
	if e.pidOne {
		e.reaper = true
		e.counters = findSandboxCounters()
	}
	return e, nil
}

// owner is the uid the request's files are given to, or -1 to leave them
// to the runner.
func (e *executor) owner(req Request) int {
	switch {
	case !e.isolate:
		return -1
	case req.Grader:
		return GraderUID
	}
	return ContestantUID
}

// oomKills is the OOM-kill counter of the runner's memory cgroup, or -1 when
// it cannot be read.
func (e *executor) oomKills() int64 {
	if e.oomFile == "" {
		return -1
	}
	n, err := readOOMKills(e.oomFile)
	if err != nil {
		return -1
	}
	return n
}

// Validate checks a request before anything runs: commands present, file
// names safe and unique, limits not negative.
func (req Request) Validate() error {
	if len(req.Run.Command) == 0 {
		return errors.New("run step has no command")
	}
	if err := req.Run.Limits.validate(); err != nil {
		return fmt.Errorf("run step: %w", err)
	}
	if req.Compile != nil {
		if req.Grader {
			return errors.New("a grader's request has no compile step")
		}
		if len(req.Compile.Command) == 0 {
			return errors.New("compile step has no command")
		}
		if err := req.Compile.Limits.validate(); err != nil {
			return fmt.Errorf("compile step: %w", err)
		}
	}
	seen := make(map[string]bool, len(req.Files))
	for _, f := range req.Files {
		if err := ValidateName(f.Name); err != nil {
			return err
		}
		if seen[f.Name] {
			return fmt.Errorf("file %q given twice", f.Name)
		}
		seen[f.Name] = true
	}
	return nil
}

func (l Limits) validate() error {
	if l.CPUTimeMS < 0 || l.WallTimeMS < 0 || l.MemoryBytes < 0 || l.OutputBytes < 0 {
		return fmt.Errorf("negative limit in %+v", l)
	}
	return nil
}

// Execute runs a request: it writes the files into the work directory, runs
// the compile step once, then the run step once per test with the test's
// input on stdin. It always returns a Result; when the runner itself fails
// (bad request, unwritable work directory) Result.Error says why, and the
// steps that did run keep their results.
func Execute(ctx context.Context, req Request, opts Options) Result {
	res := Result{Tests: make([]StepResult, len(req.Tests))}
	for i, t := range req.Tests {
		res.Tests[i] = StepResult{Name: t.Name, Status: StatusSkipped}
	}
	fail := func(err error) Result {
		res.Error = err.Error()
		return res
	}
	e, err := newExecutor(opts)
	if err != nil {
		return fail(err)
	}
	if err := req.Validate(); err != nil {
		return fail(fmt.Errorf("invalid request: %w", err))
	}
	if err := writeFiles(e.workDir, req.Files, e.owner(req), req.Grader); err != nil {
		return fail(err)
	}
	budget := req.OutputBudget
	if budget <= 0 {
		budget = DefaultOutputBudget
	}
	// spend narrows a step's output cap to what is left of the budget.
	spend := func(l Limits) Limits {
		l.OutputBytes = max(min(l.OutputBytes, budget), 0)
		return l
	}
	if req.Compile != nil {
		l := spend(req.Compile.Limits.WithDefaults())
		sr, err := e.runProcess(ctx, launch{name: "compile", command: req.Compile.Command, limits: l, as: asContestant})
		budget -= int64(len(sr.Stdout) + len(sr.Stderr))
		if err != nil {
			return fail(fmt.Errorf("compile: %w", err))
		}
		res.Compile = &sr
		e.log.Debug("step done", "step", "compile", "status", sr.Status, "cpu_ms", sr.CPUTimeMS, "wall_ms", sr.WallTimeMS)
		if sr.Status != StatusOK {
			return res
		}
	}
	l := req.Run.Limits.WithDefaults()
	for i, t := range req.Tests {
		var sr StepResult
		var err error
		if req.Grader {
			sr, err = e.runGrader(ctx, t, req.Run.Command, spend(l))
		} else {
			sr, err = e.runTest(ctx, t, req.Run.Command, spend(l), asContestant)
		}
		budget -= int64(len(sr.Stdout) + len(sr.Stderr))
		if err != nil {
			return fail(fmt.Errorf("test %q: %w", t.Name, err))
		}
		res.Tests[i] = sr
		e.log.Debug("step done", "step", t.Name, "status", sr.Status, "cpu_ms", sr.CPUTimeMS, "wall_ms", sr.WallTimeMS)
		if sr.Status != StatusOK && req.StopOnFailure {
			break
		}
	}
	return res
}

func (e *executor) runTest(ctx context.Context, t Test, command []string, l Limits, as identity) (StepResult, error) {
	stdin, err := memfdWith(t.Input)
	if err != nil {
		return StepResult{Name: t.Name}, err
	}
	defer stdin.Close()
	return e.runProcess(ctx, launch{name: t.Name, command: command, limits: l, stdin: stdin, as: as})
}

// runGrader runs a grader's step. Isolated, it serves the grader's
// contestant steps (ContestantFlag) while it runs; they end with it.
func (e *executor) runGrader(ctx context.Context, t Test, command []string, l Limits) (StepResult, error) {
	stdin, err := memfdWith(t.Input)
	if err != nil {
		return StepResult{Name: t.Name}, err
	}
	defer stdin.Close()
	p := launch{name: t.Name, command: command, limits: l, stdin: stdin, as: asGrader, env: []string{ContestantEnv + "=" + e.self}}
	if e.isolate && e.pidOne {
		srv, err := e.serveContestantSteps(ctx)
		if err != nil {
			return StepResult{Name: t.Name}, err
		}
		defer srv.close()
		p.env = append(p.env, SocketEnv+"="+srv.socket)
		p.afterExit = srv.close
	}
	return e.runProcess(ctx, p)
}

// writeFiles creates the request's files inside dir; names were validated,
// and os.Root keeps every write inside dir even through symlinks. With
// owner >= 0 the files, their directories and dir itself are then given to
// that uid (last, since the runner may not write into what it gave away);
// for a grader (private) only Shared files are readable by others, and
// directories can be passed through but not listed.
func writeFiles(dir string, files []File, owner int, private bool) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("open work directory: %w", err)
	}
	defer root.Close()
	dirMode := os.FileMode(0o755)
	if private {
		dirMode = 0o711
	}
	modes := make(map[string]os.FileMode, len(files))
	var dirs []string
	for _, f := range files {
		if parent := filepath.Dir(f.Name); parent != "." {
			if err := root.MkdirAll(parent, dirMode); err != nil {
				return fmt.Errorf("create directory for %q: %w", f.Name, err)
			}
			for d := parent; d != "." && !slices.Contains(dirs, d); d = filepath.Dir(d) {
				dirs = append(dirs, d)
			}
		}
		mode := os.FileMode(0o644)
		if f.Exec {
			mode = 0o755
		}
		if private && !f.Shared {
			mode &= 0o700
		}
		modes[f.Name] = mode
		w, err := root.OpenFile(f.Name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if err != nil {
			return fmt.Errorf("create %q: %w", f.Name, err)
		}
		if _, err := w.Write(f.Data); err != nil {
			w.Close()
			return fmt.Errorf("write %q: %w", f.Name, err)
		}
		if err := w.Close(); err != nil {
			return fmt.Errorf("close %q: %w", f.Name, err)
		}
	}
	if owner < 0 {
		return nil
	}
	give := func(name string, mode os.FileMode) error {
		// Chmod first (past the umask): the runner has no CAP_FOWNER to
		// change what it no longer owns.
		if err := root.Chmod(name, mode); err != nil {
			return fmt.Errorf("set the mode of %q: %w", name, err)
		}
		if err := root.Chown(name, owner, owner); err != nil {
			return fmt.Errorf("give %q to uid %d: %w", name, owner, err)
		}
		return nil
	}
	for _, f := range files {
		if err := give(f.Name, modes[f.Name]); err != nil {
			return err
		}
	}
	// Deepest first: a directory given away can no longer be changed inside.
	slices.SortFunc(dirs, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
	for _, d := range append(dirs, ".") {
		if err := give(d, dirMode); err != nil {
			return err
		}
	}
	return nil
}

// Main is the arena-runner program. With ShimFlag first in args it is the
// exec shim (see RunShim). Otherwise it reads one JSON Request from stdin,
// executes it in the current directory and writes one JSON Result to stdout,
// returning 0 even when Result.Error is set: only a Result that cannot be
// written makes it return non-zero. Its own diagnostics go to stderr as JSON
// log lines; "-v" adds one line per step.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == ShimFlag {
		return RunShim(args, stderr)
	}
	if len(args) > 0 && args[0] == ContestantFlag {
		return RunContestant(ctx, args[1:], stderr)
	}
	// Isolated as the sandbox's PID 1 started as root; elsewhere (a test on
	// a host) steps run as the runner's own user.
	isolate := os.Getuid() == 0 && os.Getpid() == 1
	if isolate {
		// Nothing a step starts may open /proc/1/* or attach to the
		// runner, whatever its uid.
		if err := setNotDumpable(); err != nil {
			fmt.Fprintf(stderr, "arena-runner: %v\n", err)
			return 1
		}
	}
	if os.Getpid() == 1 {
		defer catchSignals()()
		reserveThreads(spareThreads)
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if slices.Contains(args, "-v") {
		log = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	var res Result
	var req Request
	if err := json.NewDecoder(stdin).Decode(&req); err != nil {
		res = Result{Error: fmt.Sprintf("decode request: %v", err)}
	} else {
		res = Execute(ctx, req, Options{Log: log, Isolate: isolate})
	}
	if res.Error != "" {
		log.Warn("runner failed", "error", res.Error)
	}
	if err := json.NewEncoder(stdout).Encode(res); err != nil {
		log.Error("write result", "error", err)
		return 1
	}
	return 0
}

// catchSignals catches every signal until the returned function is called.
// As PID 1 of the sandbox the runner receives from the contestant's
// processes only the signals it handles (SIGKILL and SIGSTOP never arrive),
// and Go's default handlers would end it on SIGTERM, SIGINT, SIGHUP or
// SIGQUIT: catching them all keeps kill(1, sig) and kill(-1, sig) from
// ending the runner. Handlers do not survive exec, so contestant processes
// still start with the default dispositions.
func catchSignals() (stop func()) {
	sigs := make(chan os.Signal, 64)
	signal.Notify(sigs)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sigs:
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// spareThreads is how many OS threads the runner, as PID 1, makes ahead of
// need. The Go runtime starts a thread whenever it wants one, and failing to
// start one is fatal: a fork bomb that has used up the sandbox's pids limit
// would end the runner. Threads made ahead wait idle until the runtime uses
// them.
const spareThreads = 12

// reserveThreads makes the Go runtime start n more OS threads and keep them
// idle: n goroutines each hold a thread of their own until all are running,
// then let go (a thread let go before its goroutine ends stays in the
// runtime's pool).
func reserveThreads(n int) {
	var running, done sync.WaitGroup
	release := make(chan struct{})
	running.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer done.Done()
			runtime.LockOSThread()
			running.Done()
			<-release
			runtime.UnlockOSThread()
		}()
	}
	running.Wait()
	close(release)
	done.Wait()
}

// cappedBuffer keeps the first limit bytes written to it and counts the rest.
type cappedBuffer struct {
	limit int64
	buf   []byte
	total int64
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	b.total += int64(len(p))
	if room := b.limit - int64(len(b.buf)); room > 0 {
		b.buf = append(b.buf, p[:min(int64(len(p)), room)]...)
	}
	return len(p), nil
}
