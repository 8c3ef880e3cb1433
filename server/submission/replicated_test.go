package submission

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
)

func TestConnectedReplicas(t *testing.T) {
	for _, tc := range []struct {
		info string
		want int
	}{
		{"# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=127.0.0.1\r\n", 2},
		{"# Replication\r\nrole:master\r\nconnected_slaves:0\r\n", 0},
		{"# Replication\r\nrole:slave\r\nmaster_link_status:up\r\n", 0},
		{"", 0},
	} {
		if got := connectedReplicas(tc.info); got != tc.want {
			t.Errorf("connectedReplicas(%q) = %d, want %d", tc.info, got, tc.want)
		}
	}
}

// TestIntegrationFailoverKeepsAcknowledged: submissions flow while the
// Redis master is killed; the sentinel promotes the replica, submitting
// carries on, and every submission that was acknowledged is still there.
func TestIntegrationFailoverKeepsAcknowledged(t *testing.T) {
	ctx := context.Background()
	sen := testenv.StartSentinel(t)
	s := NewStore(sen.Client())
	if err := s.EnsureGroup(ctx); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var acked []string
	var failed int
	var lastFail time.Time
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				sub, err := s.Submit(sctx, New{Contest: "run", Challenge: "hello", Contestant: fmt.Sprintf("c%d", w),
					Language: "python3", FileName: "a.py", Blob: fmt.Sprintf("%064d", i), MaxScore: 100})
				cancel()
				mu.Lock()
				if err == nil {
					acked = append(acked, sub.ID)
				} else {
					failed++
					lastFail = time.Now()
					time.Sleep(20 * time.Millisecond)
				}
				mu.Unlock()
			}
		}()
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	time.Sleep(time.Second)
	before := count()
	if before == 0 {
		t.Fatal("nothing acknowledged before the kill")
	}
	killed := time.Now()
	sen.Master.Kill()
	sen.WaitPromoted(30 * time.Second)
	promoted := time.Since(killed)
	deadline := time.Now().Add(30 * time.Second)
	for count() < before+20 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if len(acked) < before+20 {
		t.Fatalf("submitting did not carry on after the failover: %d acknowledged before, %d in all", before, len(acked))
	}
	t.Logf("%d acknowledged (%d before the kill), %d refused meanwhile; replica promoted %v after the kill, last refusal %v after it",
		len(acked), before, failed, promoted.Round(time.Millisecond), lastFail.Sub(killed).Round(time.Millisecond))

	for _, sid := range acked {
		if _, err := s.Get(ctx, sid); err != nil {
			t.Errorf("acknowledged %s: %v", sid, err)
		}
	}
	depth, err := s.Depth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if depth < int64(len(acked)) {
		t.Errorf("%d jobs queued for %d acknowledged submissions", depth, len(acked))
	}
}

// TestIntegrationUnconfirmed: with a replica that stalls, a submission is
// not acknowledged but reported unconfirmed; once the replica is back, it is.
func TestIntegrationUnconfirmed(t *testing.T) {
	ctx := context.Background()
	master := testenv.StartRedis(t)
	replica := testenv.StartReplica(t, master)
	s := NewStore(master.Client())
	n := New{Contest: "run", Challenge: "hello", Contestant: "ann", Language: "python3", FileName: "a.py",
		Blob: fmt.Sprintf("%064d", 1), MaxScore: 100}
	if _, err := s.Submit(ctx, n); err != nil {
		t.Fatalf("with the replica in sync: %v", err)
	}
	replica.Pause()
	if _, err := s.Submit(ctx, n); !errors.Is(err, ErrUnconfirmed) {
		replica.Resume()
		t.Fatalf("with the replica stalled: %v, want ErrUnconfirmed", err)
	}
	replica.Resume()
	if _, err := s.Submit(ctx, n); err != nil {
		t.Fatalf("with the replica back: %v", err)
	}
}
