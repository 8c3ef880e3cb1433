package container_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	dcontainer "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"

	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
)

// whoAmI prints the id of the container it runs in, then whether /tmp/used
// was there already, and leaves it behind: a container serving a second
// request would say so.
const whoAmI = `import os, re
print(re.search(r"[0-9a-f]{64}", open("/proc/self/cgroup").read()).group(0))
print("reused" if os.path.exists("/tmp/used") else "fresh")
open("/tmp/used", "w").write("x")
`

// pooled is a sandbox whose runner keeps containers waiting; they are
// removed before the test looks for leftovers.
func pooled(t *testing.T, c container.PoolConfig) *sandbox {
	t.Helper()
	sb := setup(t)
	sb.r.UsePool(c)
	t.Cleanup(func() {
		if err := sb.r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return sb
}

// served runs whoAmI and returns the id of the container that ran it.
func (sb *sandbox) served(t *testing.T, cfg container.Config) string {
	t.Helper()
	id, err := sb.serve(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// serve is served for any goroutine.
func (sb *sandbox) serve(cfg container.Config) (string, error) {
	cfg.Image = image
	cfg.Labels = map[string]string{testLabel: sb.tag}
	req := runner.Request{
		Files: []runner.File{{Name: "main.py", Data: []byte(whoAmI)}},
		Run:   runner.Step{Command: []string{"python3", "main.py"}, Limits: limits},
		Tests: []runner.Test{{Name: "a"}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := sb.r.Run(ctx, cfg, req)
	if err != nil {
		return "", fmt.Errorf("Run: %w", err)
	}
	sr := res.Tests[0]
	id, fresh, _ := strings.Cut(strings.TrimSpace(string(sr.Stdout)), "\n")
	if sr.Status != runner.StatusOK || len(id) != 64 {
		return "", fmt.Errorf("whoAmI: %s %q %q", sr.Status, sr.Stdout, sr.Stderr)
	}
	if fresh != "fresh" {
		return "", fmt.Errorf("container %s served a second request", id[:12])
	}
	return id, nil
}

// running lists the test's containers that are up: those waiting, and any
// still serving or on their way out.
func (sb *sandbox) running(t *testing.T) []string {
	t.Helper()
	list, err := sb.cli.ContainerList(context.Background(), dcontainer.ListOptions{
		Filters: filters.NewArgs(filters.Arg("label", testLabel+"="+sb.tag), filters.Arg("status", "running"))})
	if err != nil {
		t.Fatalf("list containers: %v", err)
	}
	ids := make([]string, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	return ids
}

// awaitWaiting waits until n containers wait in the pool, and lists them.
func (sb *sandbox) awaitWaiting(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ids := sb.r.WaitingIDs()
		if len(ids) == n {
			return ids
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d containers waiting, want %d", len(ids), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestIntegrationPoolSameResultsAsCold(t *testing.T) {
	program := "import sys\ns = input()\nif s == 'boom':\n    print('oops', file=sys.stderr)\n    sys.exit(3)\nprint(s.upper())\n"
	inputs := []string{"hello\n", "boom\n", "world\n"}
	cold := setup(t).python(t, container.Config{}, limits, program, inputs...)
	sb := pooled(t, container.PoolConfig{PerKey: 2})
	for i := 0; i < 3; i++ {
		if i > 0 {
			sb.awaitWaiting(t, 2)
		}
		got := sb.python(t, container.Config{}, limits, program, inputs...)
		for j, c := range cold.Tests {
			g := got.Tests[j]
			if g.Name != c.Name || g.Status != c.Status || string(g.Stdout) != string(c.Stdout) ||
				string(g.Stderr) != string(c.Stderr) || g.ExitCode != c.ExitCode {
				t.Errorf("run %d test %s: pooled %+v, cold %+v", i, c.Name, g, c)
			}
		}
	}
	if cold.Tests[1].ExitCode != 3 || string(cold.Tests[0].Stdout) != "HELLO\n" {
		t.Errorf("cold run: %+v", cold.Tests)
	}
}

func TestIntegrationPoolContainerServesOneRequest(t *testing.T) {
	sb := pooled(t, container.PoolConfig{PerKey: 2})
	seen := map[string]bool{sb.served(t, container.Config{}): true}
	fromPool := 0
	for i := 0; i < 4; i++ {
		waiting := sb.awaitWaiting(t, 2)
		id := sb.served(t, container.Config{})
		if seen[id] {
			t.Fatalf("container %s served twice", id[:12])
		}
		seen[id] = true
		if slices.Contains(waiting, id) {
			fromPool++
		}
	}
	if fromPool != 4 {
		t.Errorf("%d of 4 requests found their container waiting", fromPool)
	}

	// Slots grading at once never share a container either.
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := sb.serve(container.Config{})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
			} else if seen[id] {
				t.Errorf("container %s served twice", id[:12])
			}
			seen[id] = true
		}()
	}
	wg.Wait()
}

func TestIntegrationPoolContainerGoneBehindItsBack(t *testing.T) {
	sb := pooled(t, container.PoolConfig{PerKey: 2})
	sb.served(t, container.Config{})
	waiting := sb.awaitWaiting(t, 2)
	ctx := context.Background()
	if err := sb.cli.ContainerKill(ctx, waiting[0], "KILL"); err != nil {
		t.Fatal(err)
	}
	if err := sb.cli.ContainerRemove(ctx, waiting[1], dcontainer.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		id := sb.served(t, container.Config{})
		if slices.Contains(waiting, id) {
			t.Fatalf("served by %s, which was gone", id[:12])
		}
	}
}

func TestIntegrationPoolCloseRemovesEveryContainer(t *testing.T) {
	sb := setup(t)
	sb.r.UsePool(container.PoolConfig{PerKey: 2})
	sb.served(t, container.Config{})
	sb.served(t, container.Config{TmpfsBytes: 32 << 20}) // a second spec, a second pool
	sb.awaitWaiting(t, 4)
	if up := sb.running(t); len(up) < 4 {
		t.Fatalf("%d containers up, want at least 4", len(up))
	}
	if err := sb.r.Close(); err != nil {
		t.Fatal(err)
	}
	list, err := sb.cli.ContainerList(context.Background(), dcontainer.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", container.Label+"=1"), filters.Arg("label", testLabel+"="+sb.tag))})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		t.Errorf("container %s (%s) left after Close", c.ID[:12], c.State)
	}
}

func TestIntegrationPoolWallTimeoutCountsFromTheRequest(t *testing.T) {
	sb := pooled(t, container.PoolConfig{PerKey: 1})
	sb.served(t, container.Config{})
	waiting := sb.awaitWaiting(t, 1)
	time.Sleep(3 * time.Second) // longer than the wall timeout below

	l := runner.Limits{CPUTimeMS: 1000, WallTimeMS: 20000, MemoryBytes: 64 << 20, OutputBytes: 1 << 20}
	sleep := func(s float64) string {
		return fmt.Sprintf("import time, re\ntime.sleep(%g)\nprint(re.search(r'[0-9a-f]{64}', open('/proc/self/cgroup').read()).group(0))\n", s)
	}
	sr := sb.python(t, container.Config{WallTimeout: 2 * time.Second}, l, sleep(0.5), "").Tests[0]
	want(t, sr, runner.StatusOK, waiting[0]+"\n")

	// And the timeout still ends a request that outlasts it.
	sb.awaitWaiting(t, 1)
	start := time.Now()
	sr = sb.python(t, container.Config{WallTimeout: 2 * time.Second}, l, sleep(30), "").Tests[0]
	want(t, sr, runner.StatusTimeLimit, "*")
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("killed after %v", took)
	}
}

func TestIntegrationPoolExpiry(t *testing.T) {
	sb := pooled(t, container.PoolConfig{PerKey: 1, MaxIdle: time.Second, KeyIdle: 4 * time.Second})
	sb.served(t, container.Config{})
	first := sb.awaitWaiting(t, 1)[0]
	deadline := time.Now().Add(20 * time.Second)
	for {
		if ids := sb.r.WaitingIDs(); len(ids) == 1 && ids[0] != first {
			break // replaced after waiting its second
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s waiting past its time: %v", first[:12], sb.r.WaitingIDs())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Unused for KeyIdle: nothing waits any more.
	deadline = time.Now().Add(20 * time.Second)
	for len(sb.running(t)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("containers still waiting for an unused spec: %v", sb.running(t))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
