package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Target is the server a scenario measures.
type Target struct {
	URL   string
	PID   int
	Redis string
	Arena string
	// Dir is this scenario's own directory.
	Dir string
	// Viewers is how many websockets the websocket rows open (0: their default).
	Viewers int
	Client  *http.Client
	maxRSS  int64
	log     *slog.Logger
	mu      sync.Mutex // guards procs: the memory watch may kill them
	procs   []*exec.Cmd
}

// openTarget returns cfg's running server, or starts redis-server and arena
// serve on free loopback ports for scenario name.
func openTarget(ctx context.Context, cfg Config, name string) (*Target, error) {
	dir := filepath.Join(cfg.Dir, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("scenario directory: %w", err)
	}
	t := &Target{URL: strings.TrimSuffix(cfg.Server, "/"), PID: cfg.ServerPID, Redis: cfg.Redis, Arena: cfg.Arena,
		Dir: dir, Viewers: cfg.Viewers, maxRSS: cfg.MaxRSS, log: cfg.Log,
		Client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024, DisableCompression: true}}}
	if t.URL != "" {
		return t, nil
	}
	if err := t.start(ctx); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (t *Target) spawn(name string, args ...string) (*exec.Cmd, error) {
	return t.spawnEnv(nil, name, args...)
}

// spawnEnv starts name with env added to this process's environment.
func (t *Target) spawnEnv(env []string, name string, args ...string) (*exec.Cmd, error) {
	cmd := exec.Command(name, args...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	logf, err := os.Create(filepath.Join(t.Dir, filepath.Base(name)+".log"))
	if err != nil {
		return nil, fmt.Errorf("log of %s: %w", name, err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	t.mu.Lock()
	t.procs = append(t.procs, cmd)
	t.mu.Unlock()
	return cmd, nil
}

func (t *Target) start(ctx context.Context) error {
	rport, err := freePort()
	if err != nil {
		return err
	}
	t.Redis = "127.0.0.1:" + strconv.Itoa(rport)
	if _, err := t.spawn("redis-server", "--port", strconv.Itoa(rport), "--bind", "127.0.0.1", "--dir", t.Dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--maxclients", "4096"); err != nil {
		return err
	}
	rdb := redis.NewClient(&redis.Options{Addr: t.Redis})
	defer rdb.Close()
	if err := waitFor(ctx, func(ctx context.Context) error { return rdb.Ping(ctx).Err() }); err != nil {
		return fmt.Errorf("redis-server on %s: %w", t.Redis, err)
	}
	aport, err := freePort()
	if err != nil {
		return err
	}
	t.URL = "http://127.0.0.1:" + strconv.Itoa(aport)
	srv, err := t.spawn(t.Arena, "serve", "--addr", "127.0.0.1:"+strconv.Itoa(aport), "--redis", t.Redis,
		"--data", filepath.Join(t.Dir, "data"))
	if err != nil {
		return err
	}
	t.PID = srv.Process.Pid
	return waitFor(ctx, func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, "GET", t.URL+"/readyz", nil)
		resp, err := t.Client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("readyz: %s", resp.Status)
		}
		return nil
	})
}

// waitFor retries check for up to 20 s.
func waitFor(ctx context.Context, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for {
		cctx, ccancel := context.WithTimeout(ctx, time.Second)
		err := check(cctx)
		ccancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not up within 20 s: %w", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Close kills what the target started, server first.
func (t *Target) Close() {
	t.Client.CloseIdleConnections()
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := len(t.procs) - 1; i >= 0; i-- {
		p := t.procs[i]
		_ = syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
		_ = p.Wait()
	}
	t.procs = nil
}

// kill kills one process the target started.
func (t *Target) kill(cmd *exec.Cmd) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if i := slices.Index(t.procs, cmd); i >= 0 {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		t.procs = slices.Delete(t.procs, i, i+1)
	}
}

// started reports whether the target runs a server this tool started.
func (t *Target) started() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.procs) > 0
}

// RSS returns the server's resident memory in bytes (VmRSS).
func (t *Target) RSS() (int64, error) { return rssOf(t.PID) }

// rssOf returns the resident memory of process pid in bytes (VmRSS); 0 for pid 0.
func rssOf(pid int) (int64, error) {
	if pid == 0 {
		return 0, nil
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("server memory: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("server memory %q: %w", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("server memory: no VmRSS in /proc/%d/status", pid)
}

// Memory follows the server's resident memory while a scenario runs.
type Memory struct {
	Base, Peak int64
	// Over says the ceiling was passed (and a server the tool started was
	// killed), OverAfter how long after the start of the watch.
	Over      bool
	OverAfter time.Duration

	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}
}

// Watch samples the server's memory every 10 ms until Stop; cancel is called
// when it passes the ceiling.
func (t *Target) Watch(cancel func()) (*Memory, error) { return t.WatchPID(t.PID, cancel) }

// WatchPID is Watch on process pid, one the target started or the server.
func (t *Target) WatchPID(pid int, cancel func()) (*Memory, error) {
	base, err := rssOf(pid)
	if err != nil {
		return nil, err
	}
	m := &Memory{Base: base, Peak: base, stop: make(chan struct{}), done: make(chan struct{})}
	start := time.Now()
	go func() {
		defer close(m.done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-tick.C:
			}
			rss, err := rssOf(pid)
			if err != nil {
				return // the server is gone; the scenario sees why
			}
			m.mu.Lock()
			m.Peak = max(m.Peak, rss)
			over := t.maxRSS > 0 && rss > t.maxRSS && !m.Over
			if over {
				m.Over, m.OverAfter = true, time.Since(start)
			}
			m.mu.Unlock()
			if over {
				t.log.Warn("server memory over the ceiling", "rss_mib", rss>>20, "ceiling_mib", t.maxRSS>>20)
				if t.started() {
					t.Close()
				}
				cancel()
			}
		}
	}()
	return m, nil
}

// Stop ends the sampling.
func (m *Memory) Stop() {
	close(m.stop)
	<-m.done
}

// String is the figure: peak and growth over the start.
func (m *Memory) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := fmt.Sprintf("peak RSS %s (+%s)", mib(m.Peak), mib(m.Peak-m.Base))
	if m.Over {
		s += fmt.Sprintf(", over the ceiling after %.1f s: server killed", m.OverAfter.Seconds())
	}
	return s
}

// Growth is the peak over the start, in bytes.
func (m *Memory) Growth() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.Peak - m.Base
}

func mib(b int64) string {
	if b >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	}
	return fmt.Sprintf("%d MiB", b>>20)
}
