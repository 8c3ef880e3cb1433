// Package testenv starts and finds the real services integration tests need.
// Outside CI a missing service skips the test; under CI=true it fails it,
// because a test that skips is a test that did not run.
package testenv

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/client"
	"github.com/redis/go-redis/v9"
)

// InCI reports whether the tests run under CI, where nothing may be skipped.
func InCI() bool { return os.Getenv("CI") == "true" }

// Missing fails the test under CI and skips it elsewhere.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		tb.Fatalf("required under CI=true: %s", msg)
	}
	tb.Skipf("skipped (not in CI): %s", msg)
}

// Redis is a private redis-server started for one test, with AOF on.
type Redis struct {
	Addr string
	Dir  string
	port int
	args []string // beyond the defaults: a replica's --replicaof, a sentinel's config
	cmd  *exec.Cmd
	tb   testing.TB
}

// StartRedis starts a fresh redis-server on a free loopback port with its data
// in a temporary directory; it is killed when the test ends. args are more
// options for redis-server.
func StartRedis(tb testing.TB, args ...string) *Redis {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		Missing(tb, "redis-server not installed (run deploy/setup.sh)")
	}
	port := freePort(tb)
	r := &Redis{Addr: "127.0.0.1:" + strconv.Itoa(port), Dir: tb.TempDir(), port: port, args: args, tb: tb}
	r.Start()
	tb.Cleanup(func() { r.Kill() })
	return r
}

// FreeAddr returns a loopback address with a port free at the moment.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	return "127.0.0.1:" + strconv.Itoa(freePort(tb))
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start (re)starts the server on the same port and data directory.
func (r *Redis) Start() {
	r.tb.Helper()
	r.cmd = exec.Command("redis-server", append([]string{
		"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--dir", r.Dir, "--appendonly", "yes", "--appendfsync", "always",
		"--save", "", "--daemonize", "no", "--logfile", filepath.Join(r.Dir, "redis.log")}, r.args...)...)
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := r.cmd.Start(); err != nil {
		r.tb.Fatalf("start redis-server: %v", err)
	}
	c := redis.NewClient(&redis.Options{Addr: r.Addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			r.tb.Fatalf("redis-server on %s did not answer: %v", r.Addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill stops the server with SIGKILL, as a crash would.
func (r *Redis) Kill() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_, _ = r.cmd.Process.Wait()
	r.cmd = nil
}

// Pause stops the server's process without ending it (SIGSTOP): its
// connections stay open and it answers nothing, as a stalled host would.
func (r *Redis) Pause() { _ = r.cmd.Process.Signal(syscall.SIGSTOP) }

// Resume lets a paused server go on.
func (r *Redis) Resume() { _ = r.cmd.Process.Signal(syscall.SIGCONT) }

// StartReplica starts a replica of master and waits until it is in sync.
func StartReplica(tb testing.TB, master *Redis) *Redis {
	tb.Helper()
	replica := StartRedis(tb, "--replicaof", "127.0.0.1", strconv.Itoa(master.port))
	waitFor(tb, 20*time.Second, "the replica in sync", func(ctx context.Context) bool {
		info, err := replica.Client().Info(ctx, "replication").Result()
		return err == nil && strings.Contains(info, "master_link_status:up")
	})
	return replica
}

// Client returns a client for the server, closed when the test ends.
func (r *Redis) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: r.Addr})
	r.tb.Cleanup(func() { c.Close() })
	return c
}

// Docker returns a client for the local Docker engine, or fails/skips when none answers.
func Docker(tb testing.TB) *client.Client {
	tb.Helper()
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		Missing(tb, "docker client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := cli.Ping(ctx); err != nil {
		cli.Close()
		Missing(tb, "no Docker engine answers (run deploy/setup.sh): %v", err)
	}
	tb.Cleanup(func() { cli.Close() })
	return cli
}

// Image checks that a sandbox image exists locally.
func Image(tb testing.TB, cli *client.Client, ref string) {
	tb.Helper()
	if _, err := cli.ImageInspect(context.Background(), ref); err != nil {
		Missing(tb, "sandbox image %s is not built (run: arena images build): %v", ref, err)
	}
}
