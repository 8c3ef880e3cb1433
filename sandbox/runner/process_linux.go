package runner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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

// runProcess runs command under limits with stdin as its standard input (nil
// means /dev/null) and measures it. An error means the runner could not run
// it at all; anything the process itself did is in the StepResult.
func (e *executor) runProcess(ctx context.Context, name string, command []string, l Limits, stdin *os.File) (StepResult, error) {
	res := StepResult{Name: name}
	if stdin == nil {
		null, err := os.Open(os.DevNull)
		if err != nil {
			return res, fmt.Errorf("open %s: %w", os.DevNull, err)
		}
		defer null.Close()
		stdin = null
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return res, fmt.Errorf("stdout pipe: %w", err)
	}
	defer outR.Close()
	errR, errW, err := os.Pipe()
	if err != nil {
		outW.Close()
		return res, fmt.Errorf("stderr pipe: %w", err)
	}
	defer errR.Close()

	oomBefore := e.oomKills()
	argv := shimArgs(e.self, l, command)
	start := time.Now()
	pid, err := syscall.ForkExec(e.self, argv, &syscall.ProcAttr{
		Dir:   e.workDir,
		Env:   e.env,
		Files: []uintptr{stdin.Fd(), outW.Fd(), errW.Fd()},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	outW.Close()
	errW.Close()
	if err != nil {
		return res, fmt.Errorf("start %s: %w", name, err)
	}
	group := &processGroup{pid: pid}

	var (
		mu         sync.Mutex
		wallKilled bool
		outputKill bool
	)
	stdout := &cappedBuffer{limit: l.OutputBytes}
	stderr := &cappedBuffer{limit: StderrCap}
	var readers sync.WaitGroup
	readers.Add(2)
	go func() {
		defer readers.Done()
		// Read one byte past the cap to know it was exceeded.
		_, _ = io.Copy(stdout, io.LimitReader(outR, l.OutputBytes+1))
		if stdout.total > l.OutputBytes {
			mu.Lock()
			outputKill = true
			mu.Unlock()
			group.kill()
		}
	}()
	go func() {
		defer readers.Done()
		_, _ = io.Copy(stderr, errR)
	}()

	wall := time.AfterFunc(l.Wall(), func() {
		mu.Lock()
		wallKilled = true
		mu.Unlock()
		group.kill()
	})
	stopCtx := context.AfterFunc(ctx, group.kill)

	// Wait for the exit without reaping, so that the group id stays ours
	// while stragglers are killed; then reap with rusage.
	for {
		var info unix.Siginfo
		err = unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	wall.Stop()
	stopCtx()
	// Whatever the leader left behind in its group dies with it.
	group.kill()
	if e.pidOne {
		// As PID 1 of the sandbox everything else is the contestant's:
		// processes that left the group (setsid) die here too.
		_ = syscall.Kill(-1, syscall.SIGKILL)
	}
	group.markReaped()
	var status syscall.WaitStatus
	var ru syscall.Rusage
	for {
		_, err = syscall.Wait4(pid, &status, 0, &ru)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	res.WallTimeMS = time.Since(start).Milliseconds()
	if err != nil {
		return res, fmt.Errorf("wait for %s: %w", name, err)
	}
	if e.pidOne {
		reapOrphans()
	}

	done := make(chan struct{})
	go func() { readers.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(readerGrace):
		outR.Close()
		errR.Close()
		<-done
	}

	mu.Lock()
	o := Outcome{
		Exited:      status.Exited(),
		ExitCode:    status.ExitStatus(),
		CPUTimeMS:   (ru.Utime.Nano() + ru.Stime.Nano()) / int64(time.Millisecond),
		MemoryBytes: ru.Maxrss * 1024,
		WallKilled:  wallKilled,
		OutputKill:  outputKill,
	}
	mu.Unlock()
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
		return res, fmt.Errorf("run %s: %w", name, err)
	}
	res.Status = Classify(o, l)
	res.ExitCode = o.ExitCode
	res.CPUTimeMS = o.CPUTimeMS
	res.MemoryBytes = o.MemoryBytes
	res.Stdout = stdout.buf
	res.Stderr = stderr.buf
	return res, nil
}

// reapOrphans kills and collects every remaining process: as PID 1 of the
// sandbox the runner inherits the contestant's orphans, and each test must
// start with none left over (unreaped zombies would also count against the
// pids limit). It kills again on every round, in case something forked
// during the previous kill, and gives up after orphanDeadline.
func reapOrphans() {
	deadline := time.Now().Add(orphanDeadline)
	for {
		_ = syscall.Kill(-1, syscall.SIGKILL)
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		switch {
		case errors.Is(err, syscall.EINTR):
		case err != nil: // ECHILD: nothing left
			return
		case pid == 0: // children alive: dying, give them a moment
			if time.Now().After(deadline) {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// oomKillFile finds the memory cgroup file that counts OOM kills for the
// cgroup this process is in: cgroup v2 memory.events or v1
// memory.oom_control. Inside a container the cgroup is mounted at the root
// of /sys/fs/cgroup; outside, at the path /proc/self/cgroup names. It returns
// "" when there is none.
func oomKillFile() string {
	var candidates []string
	if data, err := os.ReadFile("/proc/self/cgroup"); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			parts := strings.SplitN(line, ":", 3)
			if len(parts) != 3 {
				continue
			}
			switch {
			case parts[0] == "0" && parts[1] == "":
				candidates = append(candidates, filepath.Join("/sys/fs/cgroup", parts[2], "memory.events"))
			case strings.Contains(","+parts[1]+",", ",memory,"):
				candidates = append(candidates, filepath.Join("/sys/fs/cgroup/memory", parts[2], "memory.oom_control"))
			}
		}
	}
	candidates = append(candidates, "/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events")
	for _, c := range candidates {
		if _, err := readOOMKills(c); err == nil {
			return c
		}
	}
	return ""
}

// readOOMKills reads the "oom_kill N" counter from a memory cgroup file.
func readOOMKills(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open oom counter: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), " ")
		if ok && key == "oom_kill" {
			n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse %s: %w", path, err)
			}
			return n, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	return 0, fmt.Errorf("%s has no oom_kill counter", path)
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
