package account

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
)

// watch makes h's hashing record how many run at once, and block until
// release is closed (if nil, for a few milliseconds).
func watch(h *Hasher, release chan struct{}) (running, peak *atomic.Int64) {
	running, peak = new(atomic.Int64), new(atomic.Int64)
	h.kdf = func(f func() error) error {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		if release != nil {
			<-release
		} else {
			time.Sleep(5 * time.Millisecond)
		}
		err := f()
		running.Add(-1)
		return err
	}
	return running, peak
}

func TestHasherBounded(t *testing.T) {
	hash := mustHash(t, DefaultParams(), "password")
	for _, slots := range []int{1, 2, 3} {
		h := NewHasher(DefaultParams(), slots)
		_, peak := watch(h, nil)
		var wg sync.WaitGroup
		errs := make(chan error, 24)
		for i := range 24 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					_, err := h.Hash(context.Background(), "password")
					errs <- err
					return
				}
				_, err := h.Verify(context.Background(), "password", hash)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := peak.Load(); got != int64(slots) {
			t.Errorf("%d slots: %d hashes ran at once", slots, got)
		}
	}
}

func TestHasherQueue(t *testing.T) {
	h := NewHasher(DefaultParams(), 1)
	h.MaxWaiting = 1
	release := make(chan struct{})
	running, _ := watch(h, release)
	first := make(chan error, 1)
	go func() {
		_, err := h.Hash(context.Background(), "password")
		first <- err
	}()
	for running.Load() == 0 {
		time.Sleep(time.Millisecond)
	}

	// One may wait; its context ending while queued returns an error.
	ctx, cancel := context.WithCancel(context.Background())
	queued := make(chan error, 1)
	go func() {
		_, err := h.Hash(ctx, "password")
		queued <- err
	}()
	for h.waiting.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	// A second waiter is one too many.
	if _, err := h.Hash(context.Background(), "password"); !errors.Is(err, ErrBusy) {
		t.Fatalf("beyond MaxWaiting: %v, want ErrBusy", err)
	}
	cancel()
	if err := <-queued; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while queued: %v, want context.Canceled", err)
	}
	if n := h.waiting.Load(); n != 0 {
		t.Fatalf("%d still counted as waiting", n)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if _, err := h.Hash(context.Background(), "password"); err != nil {
		t.Fatalf("after the queue drained: %v", err)
	}
}

func mustHash(t *testing.T, p argon2id.Params, password string) string {
	t.Helper()
	hash, err := argon2id.CreateHash(password, &p)
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

func TestHasherVerifiesOtherParams(t *testing.T) {
	h := NewHasher(DefaultParams(), 2)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		p    argon2id.Params
	}{
		{"current", DefaultParams()},
		{"earlier default", *argon2id.DefaultParams},
		{"two lanes, three passes", argon2id.Params{Memory: 4 * 1024, Iterations: 3, Parallelism: 2, SaltLength: 8, KeyLength: 16}},
	} {
		hash := mustHash(t, tt.p, "long enough")
		if ok, err := h.Verify(ctx, "long enough", hash); !ok || err != nil {
			t.Errorf("%s: right password: %v, %v", tt.name, ok, err)
		}
		if ok, err := h.Verify(ctx, "wrong", hash); ok || err != nil {
			t.Errorf("%s: wrong password: %v, %v", tt.name, ok, err)
		}
	}
	if p, _, _, err := argon2id.DecodeHash(mustHashed(t, h)); err != nil || *p != DefaultParams() {
		t.Errorf("new hash params %+v (%v), want %+v", p, err, DefaultParams())
	}

	huge := strings.Replace(mustHash(t, DefaultParams(), "x"), "m=8192", "m=4194304", 1)
	if _, err := h.Verify(ctx, "x", huge); err == nil {
		t.Error("a hash asking for 4 GiB was checked")
	}
	if _, err := h.Verify(ctx, "x", "not a hash"); err == nil {
		t.Error("a malformed hash was accepted")
	}
}

func mustHashed(t *testing.T, h *Hasher) string {
	t.Helper()
	hash, err := h.Hash(context.Background(), "long enough")
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

func TestHasherEndedContext(t *testing.T) {
	h := NewHasher(DefaultParams(), 2)
	_, peak := watch(h, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "password"); !errors.Is(err, context.Canceled) {
		t.Fatalf("ended context with free slots: %v, want context.Canceled", err)
	}
	if peak.Load() != 0 {
		t.Fatal("hashed for an ended context")
	}
}
