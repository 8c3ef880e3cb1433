package runner

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// readerGrace is how long output readers may keep draining after the process
// group was killed, before their pipes are closed under them (a process that
// escaped the group may still hold the write end).
const readerGrace = 500 * time.Millisecond

// orphanDeadline bounds how long the runner, as PID 1, waits for killed
// orphans to be reaped between tests.
const orphanDeadline = 2 * time.Second

// processGroup kills a started process's group until the leader is reaped;
// after that the group id may be reused and must not be signalled.
type processGroup struct {
	mu     sync.Mutex
	pid    int
	reaped bool
}

func (g *processGroup) kill() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.reaped {
		_ = syscall.Kill(-g.pid, syscall.SIGKILL)
	}
}

func (g *processGroup) markReaped() {
	g.mu.Lock()
	g.reaped = true
	g.mu.Unlock()
}

// procAttr is how a step of identity as is started: in a process group of
// its own, and, when the runner isolates, under that identity's uid with no
// supplementary groups.
func (e *executor) procAttr(as identity) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if !e.isolate {
		return attr
	}
	switch as {
	case asContestant:
		attr.Credential = &syscall.Credential{Uid: ContestantUID, Gid: ContestantUID, Groups: []uint32{}}
	case asGrader:
		attr.Credential = &syscall.Credential{Uid: GraderUID, Gid: GraderUID, Groups: []uint32{}}
	}
	return attr
}

// usage is what a test's processes used, all of them together.
type usage struct {
	cpuNanos  int64 // summed over every process reaped
	maxRSS    int64 // bytes, the largest single process
	peakBytes int64 // bytes, all processes at once (sampled; 0 without counters)
}

// add counts one reaped process (and the descendants it reaped itself).
func (u *usage) add(ru *syscall.Rusage) {
	u.cpuNanos += ru.Utime.Nano() + ru.Stime.Nano()
	u.maxRSS = max(u.maxRSS, ru.Maxrss*1024)
}

// runProcess runs p and measures it together with every process it starts.
// An error means the runner could not run it at all; anything the process
// itself did is in the StepResult.
func (e *executor) runProcess(ctx context.Context, p launch) (StepResult, error) {
	res := StepResult{Name: p.name}
	stdin := p.stdin
	if stdin == nil {
		null, err := os.Open(os.DevNull)
		if err != nil {
			return res, fmt.Errorf("open %s: %w", os.DevNull, err)
		}
		defer null.Close()
		stdin = null
	}
	out, err := openOutputs(p)
	if err != nil {
		return res, err
	}
	defer out.close()

	oomBefore := e.oomKills()
	dir := cmp.Or(p.dir, e.workDir)
	start := time.Now()
	pid, err := syscall.ForkExec(e.self, shimArgs(e.self, p.limits, p.command), &syscall.ProcAttr{
		Dir:   dir,
		Env:   append(slices.Clip(e.env), p.env...),
		Files: []uintptr{stdin.Fd(), out.outW.Fd(), out.errW.Fd()},
		Sys:   e.procAttr(p.as),
	})
	out.closeChildEnds()
	if err != nil {
		return res, fmt.Errorf("start %s: %w", p.name, err)
	}
	group := &processGroup{pid: pid}
	var wallKilled atomic.Bool
	out.read(p.limits.OutputBytes, group.kill)
	wall := time.AfterFunc(p.limits.Wall(), func() { wallKilled.Store(true); group.kill() })
	stopCtx := context.AfterFunc(ctx, group.kill)
	watch := e.watch(p.limits, e.killTest(group))

	status, used, err := e.finish(group, p.afterExit, func() { wall.Stop(); stopCtx() })
	res.WallTimeMS = time.Since(start).Milliseconds()
	sampled := watch.stop()
	if err != nil {
		return res, fmt.Errorf("wait for %s: %w", p.name, err)
	}
	used.peakBytes = sampled.peakBytes
	used.cpuNanos = max(used.cpuNanos, sampled.cpuNanos)
	out.wait()

	o := Outcome{
		Exited:      status.Exited(),
		ExitCode:    status.ExitStatus(),
		CPUTimeMS:   used.cpuNanos / int64(time.Millisecond),
		MemoryBytes: max(used.maxRSS, used.peakBytes),
		WallKilled:  wallKilled.Load(),
		OutputKill:  out.exceeded.Load(),
		CPUKilled:   sampled.cpuKilled,
		MemoryKill:  sampled.memoryKilled,
	}
	if status.Signaled() {
		o.Signal = status.Signal()
		o.ExitCode = -1
		res.Signal = unix.SignalName(o.Signal)
		if res.Signal == "" {
			res.Signal = "signal " + strconv.Itoa(int(o.Signal))
		}
		if o.Signal == syscall.SIGKILL && !o.WallKilled && !o.OutputKill && ctx.Err() == nil {
			if after := e.oomKills(); after >= 0 && oomBefore >= 0 && after > oomBefore {
				o.OOMKilled = true
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("run %s: %w", p.name, err)
	}
	res.Status = Classify(o, p.limits)
	res.ExitCode = o.ExitCode
	res.CPUTimeMS = o.CPUTimeMS
	res.MemoryBytes = o.MemoryBytes
	res.Stdout = out.stdout.buf
	res.Stderr = out.stderr.buf
	return res, nil
}

// finish waits for the leader of group to exit, ends every process of the
// step, and reaps them all, summing what they used. It waits without
// reaping first, so that the group id stays the step's while stragglers are
// killed. exited runs as soon as the leader has exited, afterExit once
// everything was killed and before anything is reaped.
func (e *executor) finish(group *processGroup, afterExit, exited func()) (syscall.WaitStatus, usage, error) {
	var err error
	for {
		var info unix.Siginfo
		err = unix.Waitid(unix.P_PID, group.pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	exited()
	e.killTest(group)()
	if afterExit != nil {
		afterExit()
	}
	group.markReaped()
	var status syscall.WaitStatus
	var ru syscall.Rusage
	for {
		_, err = syscall.Wait4(group.pid, &status, 0, &ru)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	var used usage
	if err != nil {
		return status, used, err
	}
	used.add(&ru)
	if e.reaper {
		e.reapOrphans(&used)
	}
	return status, used, nil
}

// outputs captures a step's stdout and stderr, or passes them through.
type outputs struct {
	outR, outW, errR, errW *os.File
	passOut, passErr       bool
	stdout, stderr         *cappedBuffer
	readers                sync.WaitGroup
	exceeded               atomic.Bool // stdout passed its cap
}

func openOutputs(p launch) (*outputs, error) {
	o := &outputs{passOut: p.passStdout != nil, passErr: p.passStderr != nil,
		stdout: &cappedBuffer{limit: p.limits.OutputBytes}, stderr: &cappedBuffer{limit: StderrCap}}
	var err error
	if o.outR, o.outW, err = pipeOr(p.passStdout); err != nil {
		return nil, fmt.Errorf("stdout pipe: %w", err)
	}
	if o.errR, o.errW, err = pipeOr(p.passStderr); err != nil {
		o.closeChildEnds()
		o.outR.Close()
		return nil, fmt.Errorf("stderr pipe: %w", err)
	}
	return o, nil
}

// closeChildEnds closes the write ends the runner made for the child.
func (o *outputs) closeChildEnds() {
	if !o.passOut && o.outW != nil {
		o.outW.Close()
	}
	if !o.passErr && o.errW != nil {
		o.errW.Close()
	}
}

// read drains both pipes in the background; past limit bytes of stdout it
// calls exceed.
func (o *outputs) read(limit int64, exceed func()) {
	o.readers.Add(2)
	go func() {
		defer o.readers.Done()
		// Read one byte past the cap to know it was exceeded.
		_, _ = io.Copy(o.stdout, io.LimitReader(o.outR, limit+1))
		if o.stdout.total > limit {
			o.exceeded.Store(true)
			exceed()
		}
	}()
	go func() {
		defer o.readers.Done()
		_, _ = io.Copy(o.stderr, o.errR)
	}()
}

// wait lets the readers drain for readerGrace, then closes the pipes under
// them: a process that escaped may still hold a write end.
func (o *outputs) wait() {
	done := make(chan struct{})
	go func() { o.readers.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(readerGrace):
		o.outR.Close()
		o.errR.Close()
		<-done
	}
}

func (o *outputs) close() {
	o.outR.Close()
	o.errR.Close()
}

// pipeOr returns a new pipe, or, when pass is set, an already closed read
// end and pass itself as the write end, which the caller must not close.
func pipeOr(pass *os.File) (r, w *os.File, err error) {
	if pass == nil {
		return os.Pipe()
	}
	r, w, err = os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	w.Close()
	return r, pass, nil
}

// killTest returns what ends every process of a test: its group, and,
// where the runner reaps orphans, every process that left the group.
func (e *executor) killTest(group *processGroup) func() {
	return func() {
		group.kill()
		if e.reaper {
			e.killAll()
		}
	}
}

// killAll ends every process the runner does not need: as PID 1 of the
// sandbox, all of them; for a grader's contestant step, every process of
// ContestantUID, so that the grader lives on. The runner kills those one by
// one: a kill that needs no new process works under a fork bomb too.
func (e *executor) killAll() {
	switch {
	case e.contestantOnly:
		forEachProcess(func(pid int) {
			if uid, ok := processUID(pid); ok && uid == ContestantUID {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		})
	case e.pidOne:
		_ = syscall.Kill(-1, syscall.SIGKILL)
	}
}

// forEachProcess calls f with the pid of every process in /proc.
func forEachProcess(f func(pid int)) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, ent := range entries {
		if pid, err := strconv.Atoi(ent.Name()); err == nil {
			f(pid)
		}
	}
}

// processUID is the real uid of process pid.
func processUID(pid int) (int64, bool) {
	uid, err := readKeyed("/proc/"+strconv.Itoa(pid)+"/status", "Uid")
	return uid, err == nil
}

// reapOrphans kills and collects every remaining process of the step,
// counting what each used: as PID 1 the runner inherits the contestant's
// orphans, and each step must end with none left over (unreaped zombies
// would also count against the pids limit). It kills again on every round,
// in case something forked during the previous kill, and gives up after
// orphanDeadline.
func (e *executor) reapOrphans(used *usage) {
	deadline := time.Now().Add(orphanDeadline)
	for {
		e.killAll()
		var status syscall.WaitStatus
		var ru syscall.Rusage
		var pid int
		var err error
		if e.contestantOnly {
			pid, err = reapContestantChild(&ru)
		} else {
			pid, err = syscall.Wait4(-1, &status, syscall.WNOHANG, &ru)
		}
		switch {
		case errors.Is(err, syscall.EINTR):
		case err != nil: // ECHILD: nothing left
			return
		case pid == 0: // children alive: dying, give them a moment
			if time.Now().After(deadline) {
				return
			}
			time.Sleep(time.Millisecond)
		default:
			used.add(&ru)
		}
	}
}

// reapContestantChild reaps one child of the runner that runs as
// ContestantUID, leaving its other children (a grader) alone. It returns
// ECHILD when there is none, and 0 when they are all still alive.
func reapContestantChild(ru *syscall.Rusage) (int, error) {
	self := os.Getpid()
	found, reaped := false, 0
	forEachProcess(func(pid int) {
		if reaped != 0 || !isChildOf(pid, self) {
			return
		}
		if uid, ok := processUID(pid); !ok || uid != ContestantUID {
			return
		}
		found = true
		var ws syscall.WaitStatus
		if got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, ru); err == nil && got == pid {
			reaped = pid
		}
	})
	switch {
	case reaped != 0:
		return reaped, nil
	case !found:
		return 0, syscall.ECHILD
	}
	return 0, nil
}

// isChildOf reports whether process pid is parent's child.
func isChildOf(pid, parent int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// pid (comm) state ppid ...: comm may hold anything, so cut at the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return false
	}
	fields := strings.Fields(string(stat[i+1:]))
	return len(fields) >= 2 && fields[1] == strconv.Itoa(parent)
}

// sampleEvery is how often a running test's cgroup counters are read.
const sampleEvery = 5 * time.Millisecond

// sampled is what the watcher saw while a test ran.
type sampled struct {
	cpuNanos     int64
	peakBytes    int64
	cpuKilled    bool
	memoryKilled bool
}

// watcher samples the sandbox's cgroup while one test runs.
type watcher struct {
	stopCh chan struct{}
	done   chan sampled
}

// stop ends the sampling and returns what was seen.
func (w *watcher) stop() sampled {
	if w.stopCh == nil {
		return sampled{}
	}
	close(w.stopCh)
	return <-w.done
}

// watch samples, while a test runs, the CPU time and memory of every
// process in the sandbox's cgroup less the runner's own, and kills the test
// once all its processes together pass the CPU or memory limit: RLIMIT_CPU
// and the rusage of each process only bound one process at a time. Without
// counters (outside a container) it does nothing.
func (e *executor) watch(l Limits, kill func()) *watcher {
	c := e.counters
	if c == nil {
		return &watcher{}
	}
	w := &watcher{stopCh: make(chan struct{}), done: make(chan sampled, 1)}
	cpu0, err1 := c.cpuNanos()
	mem0, err2 := c.memoryBytes()
	if err1 != nil || err2 != nil {
		return &watcher{}
	}
	var self0 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self0)
	anon0 := selfAnonBytes()
	go func() {
		var s sampled
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		sample := func() {
			cpu, err1 := c.cpuNanos()
			mem, err2 := c.memoryBytes()
			if err1 != nil || err2 != nil {
				return
			}
			var self syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
			selfCPU := self.Utime.Nano() + self.Stime.Nano() - self0.Utime.Nano() - self0.Stime.Nano()
			s.cpuNanos = max(s.cpuNanos, cpu-cpu0-selfCPU)
			s.peakBytes = max(s.peakBytes, mem-mem0-(selfAnonBytes()-anon0))
			switch {
			case s.cpuKilled || s.memoryKilled:
			case l.CPUTimeMS > 0 && s.cpuNanos > l.CPUTimeMS*int64(time.Millisecond):
				s.cpuKilled = true
				kill()
			case l.MemoryBytes > 0 && s.peakBytes > l.MemoryBytes:
				s.memoryKilled = true
				kill()
			}
		}
		for {
			select {
			case <-w.stopCh:
				sample()
				w.done <- s
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return w
}

// oomKillFile finds the memory cgroup file that counts OOM kills for the
// cgroup this process is in: cgroup v2 memory.events or v1
// memory.oom_control. It returns "" when there is none.
func oomKillFile() string {
	ok := func(p string) bool { _, err := readOOMKills(p); return err == nil }
	if f := cgroupFile("", "memory.events", ok); f != "" {
		return f
	}
	return cgroupFile("memory", "memory.oom_control", ok)
}

// readOOMKills reads the "oom_kill N" counter from a memory cgroup file.
func readOOMKills(path string) (int64, error) {
	return readKeyed(path, "oom_kill")
}

// memfdWith returns an anonymous in-memory file holding data, positioned at
// its start, for use as a process's stdin: it has no path another test's
// process could tamper with, and programs may seek or mmap it like a regular
// file.
func memfdWith(data []byte) (*os.File, error) {
	fd, err := unix.MemfdCreate("stdin", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "stdin")
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, fmt.Errorf("write test input: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("rewind test input: %w", err)
	}
	return f, nil
}
