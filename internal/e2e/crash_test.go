package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	dcontainer "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/submission"
)

// startJudge runs `arena judge` as a separate process.
func startJudge(t *testing.T, p *platform, id string) *exec.Cmd {
	t.Helper()
	args := []string{"judge", "--redis", p.Redis.Addr, "--data", p.DataDir, "--lease", "2s", "--slots", "1", "--worker-id", id}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", "ARENA_E2E_ARGS="+strings.Join(args, "\x1f"))
	cmd.Stderr = testWriter{t}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd
}

// TestIntegrationWorkerKilled: a worker killed with SIGKILL while grading
// loses nothing; another worker grades the job, and the submission gets
// exactly one result.
func TestIntegrationWorkerKilled(t *testing.T) {
	p := startPlatform(t, "--slots", "0") // serve only: the judges are processes of their own
	a := startJudge(t, p, "judge-a")
	alice := p.login("alice")
	sid := p.submit(alice, "hello", helloSlow)

	deadline := time.Now().Add(30 * time.Second)
	for p.submission(alice, sid).Status != "judging" {
		if time.Now().After(deadline) {
			t.Fatal("judge-a never started grading")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // mid-grading: the slow solution takes ~3 s
	if err := a.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = a.Wait()
	t.Cleanup(func() { removeOrphans(t, "judge-a") })
	if st := p.submission(alice, sid).Status; st != "judging" {
		t.Fatalf("killed mid-job, yet status is %s", st)
	}

	startJudge(t, p, "judge-b")
	got := p.waitDone(alice, sid, 60*time.Second)
	if got.Outcome != "accepted" || got.Score != 100 {
		t.Fatalf("after takeover: %s %v", got.Outcome, got.Score)
	}
	time.Sleep(3 * time.Second) // longer than a lease: nothing else may arrive

	rdb := redis.NewClient(&redis.Options{Addr: p.Redis.Addr})
	defer rdb.Close()
	ctx := context.Background()
	evs, err := events.NewLog(rdb).Since(ctx, "demo", "0-0", 1000)
	if err != nil {
		t.Fatal(err)
	}
	verdicts := 0
	for _, e := range evs {
		if e.Type != events.TypeVerdict {
			continue
		}
		d, err := events.Decode[events.SubmissionData](e)
		if err != nil {
			t.Fatal(err)
		}
		if d.Submission.ID == sid {
			verdicts++
		}
	}
	if verdicts != 1 {
		t.Fatalf("%d verdict events for %s, want exactly 1", verdicts, sid)
	}
	r, _ := p.board().row("alice")
	if c := r.Challenges["hello"]; c.Attempts != 1 || c.Pending != 0 || r.Total != 100 {
		t.Fatalf("alice's row = %+v, want one attempt, 100 points", r)
	}
	if n, _ := rdb.XLen(ctx, submission.JobsKey).Result(); n != 0 {
		t.Fatalf("%d jobs left in the queue", n)
	}
	pend, err := rdb.XPending(ctx, submission.JobsKey, submission.Group).Result()
	if err != nil || pend.Count != 0 {
		t.Fatalf("pending jobs = %+v, %v; want none", pend, err)
	}
}

// TestIntegrationRedisKilled: Redis killed with SIGKILL and restarted keeps
// every submission that got a 202, and its job is still queued.
func TestIntegrationRedisKilled(t *testing.T) {
	p := startPlatform(t, "--slots", "0")
	alice := p.login("alice")
	var sids []string
	for i := 0; i < 20; i++ {
		sids = append(sids, p.submit(alice, "hello", helloAccepted))
	}
	p.Redis.Kill()
	p.Redis.Start()

	rdb := redis.NewClient(&redis.Options{Addr: p.Redis.Addr})
	defer rdb.Close()
	ctx := context.Background()
	subs := submission.NewStore(rdb)
	for _, sid := range sids {
		sub, err := subs.Get(ctx, sid)
		if err != nil {
			t.Fatalf("after the crash, %s: %v", sid, err)
		}
		if sub.Status != submission.Queued || sub.Contestant != "alice" || sub.Challenge != "hello" {
			t.Fatalf("after the crash, %s = %+v", sid, sub)
		}
	}
	n, err := rdb.XLen(ctx, submission.JobsKey).Result()
	if err != nil || n != int64(len(sids)) {
		t.Fatalf("after the crash the queue holds %d jobs (%v), want %d", n, err, len(sids))
	}
	evs, err := events.NewLog(rdb).Since(ctx, "demo", "0-0", 1000)
	if err != nil {
		t.Fatal(err)
	}
	queued := 0
	for _, e := range evs {
		if e.Type == events.TypeSubmission {
			queued++
		}
	}
	if queued != len(sids) {
		t.Fatalf("after the crash the event log holds %d submission events, want %d", queued, len(sids))
	}
	// And the board still shows them pending, over HTTP from the same server.
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, _ := p.board().row("alice")
		if r.Challenges["hello"].Pending == len(sids) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("board after the crash: %+v", r)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// removeOrphans removes the sandbox containers a killed worker left behind
// (a judge sweeps such leftovers only once they are old); the worker label
// keeps other tests' containers out of it.
func removeOrphans(t *testing.T, worker string) {
	cli := testenv.Docker(t)
	ctx := context.Background()
	list, err := cli.ContainerList(ctx, dcontainer.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", container.Label+"=1"), filters.Arg("label", container.WorkerLabel+"="+worker))})
	if err != nil {
		t.Errorf("list leftover containers: %v", err)
		return
	}
	if len(list) == 0 {
		t.Errorf("no container of the killed worker %s found: is the worker label set?", worker)
	}
	for _, c := range list {
		_ = cli.ContainerRemove(ctx, c.ID, dcontainer.RemoveOptions{Force: true})
	}
}
