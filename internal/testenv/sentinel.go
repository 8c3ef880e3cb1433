package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Sentinel is a Redis master, one replica of it and a sentinel watching
// both (redis-server --sentinel, the program Debian's redis-sentinel runs),
// all on loopback, for failover tests.
type Sentinel struct {
	Master, Replica *Redis
	// Addr is the sentinel's address; Name the master's name there.
	Addr, Name string
	tb         testing.TB
	cmd        *exec.Cmd
}

// StartSentinel starts a master, a replica in sync with it and a sentinel
// that fails over a second after the master stops answering; all are
// killed when the test ends.
func StartSentinel(tb testing.TB) *Sentinel {
	tb.Helper()
	master := StartRedis(tb)
	s := &Sentinel{Master: master, Replica: StartReplica(tb, master), Name: "arena", tb: tb}

	port := freePort(tb)
	s.Addr = "127.0.0.1:" + strconv.Itoa(port)
	dir := tb.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	if err := os.WriteFile(conf, []byte(sentinelConf(port, dir, s.Name, master.port)), 0o600); err != nil {
		tb.Fatalf("write sentinel.conf: %v", err)
	}
	s.cmd = exec.Command("redis-server", conf, "--sentinel")
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		tb.Fatalf("start the sentinel: %v", err)
	}
	tb.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		_, _ = s.cmd.Process.Wait()
	})
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addr})
	tb.Cleanup(func() { sc.Close() })
	waitFor(tb, 30*time.Second, "the sentinel to see the replica", func(ctx context.Context) bool {
		reps, err := sc.Replicas(ctx, s.Name).Result()
		return err == nil && len(reps) > 0
	})
	return s
}

func sentinelConf(port int, dir, name string, masterPort int) string {
	return fmt.Sprintf("port %d\nbind 127.0.0.1\ndaemonize no\ndir %s\nlogfile %s\n"+
		"sentinel monitor %s 127.0.0.1 %d 1\n"+
		"sentinel down-after-milliseconds %s 1000\nsentinel failover-timeout %s 10000\nsentinel parallel-syncs %s 1\n",
		port, dir, filepath.Join(dir, "sentinel.log"), name, masterPort, name, name, name)
}

// URL is the sentinel deployment as arena's --redis takes it.
func (s *Sentinel) URL() string { return "redis-sentinel://" + s.Addr + "/" + s.Name }

// Client returns a failover client that follows the sentinel's master,
// closed when the test ends.
func (s *Sentinel) Client() *redis.Client {
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: s.Name, SentinelAddrs: []string{s.Addr}})
	s.tb.Cleanup(func() { c.Close() })
	return c
}

// WaitPromoted waits until the sentinel names the replica as master.
func (s *Sentinel) WaitPromoted(timeout time.Duration) {
	s.tb.Helper()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addr})
	defer sc.Close()
	waitFor(s.tb, timeout, "the replica promoted", func(ctx context.Context) bool {
		addr, err := sc.GetMasterAddrByName(ctx, s.Name).Result()
		return err == nil && len(addr) == 2 && addr[0]+":"+addr[1] == s.Replica.Addr
	})
}

func waitFor(tb testing.TB, timeout time.Duration, what string, ok func(context.Context) bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		done := ok(ctx)
		cancel()
		if done {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("waited %s for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
