package account

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/alexedwards/argon2id"
)

// ErrBusy is returned when too many password checks are already waiting.
var ErrBusy = errors.New("too many password checks waiting")

// DefaultParams are the argon2id parameters new hashes get: 8 MiB, one
// pass, one lane. See the package documentation for why.
func DefaultParams() argon2id.Params {
	return argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// maxMemory refuses stored hashes asking for more memory than the
// largest SkillArena ever made (64 MiB, the earlier default), so one hash
// cannot break the bound.
const maxMemory = 64 * 1024

// DefaultMaxWaiting is how many hash requests may wait for a slot: a
// contest hall logging in at once, with room to spare.
const DefaultMaxWaiting = 2048

// Hasher hashes and checks passwords with argon2id, at most Slots at a
// time, so memory stays within Slots × the largest hash's memory however many
// logins arrive. Requests beyond the slots wait their turn (or until their
// context ends); beyond MaxWaiting waiting ones, ErrBusy.
type Hasher struct {
	params  argon2id.Params
	slots   chan struct{}
	waiting atomic.Int64
	// MaxWaiting bounds the requests waiting for a slot.
	MaxWaiting int64
	// kdf hashes or compares; tests replace it to watch the slots.
	kdf func(func() error) error
}

// NewHasher returns a hasher making new hashes with params, slots at a time
// (GOMAXPROCS if slots < 1).
func NewHasher(params argon2id.Params, slots int) *Hasher {
	if slots < 1 {
		slots = runtime.GOMAXPROCS(0)
	}
	return &Hasher{params: params, slots: make(chan struct{}, slots), MaxWaiting: DefaultMaxWaiting,
		kdf: func(f func() error) error { return f() }}
}

// Slots is how many hashes run at once.
func (h *Hasher) Slots() int { return cap(h.slots) }

// Params are the parameters of new hashes.
func (h *Hasher) Params() argon2id.Params { return h.params }

// run runs f in a slot, waiting for one if all are taken.
func (h *Hasher) run(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("hash a password: %w", err)
	}
	select {
	case h.slots <- struct{}{}:
	default:
		if h.waiting.Add(1) > h.MaxWaiting {
			h.waiting.Add(-1)
			return ErrBusy
		}
		select {
		case h.slots <- struct{}{}:
			h.waiting.Add(-1)
		case <-ctx.Done():
			h.waiting.Add(-1)
			return fmt.Errorf("wait for a password slot: %w", ctx.Err())
		}
	}
	defer func() { <-h.slots }()
	return h.kdf(f)
}

// Hash returns the encoded argon2id hash of password, with its parameters.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	var hash string
	err := h.run(ctx, func() error {
		var err error
		hash, err = argon2id.CreateHash(password, &h.params)
		return err
	})
	return hash, err
}

// Verify reports whether password matches the encoded hash, whatever
// parameters the hash was made with.
func (h *Hasher) Verify(ctx context.Context, password, hash string) (bool, error) {
	p, _, _, err := argon2id.DecodeHash(hash)
	if err != nil {
		return false, fmt.Errorf("decode password hash: %w", err)
	}
	if p.Memory > maxMemory {
		return false, fmt.Errorf("password hash wants %d KiB, more than %d", p.Memory, maxMemory)
	}
	var ok bool
	err = h.run(ctx, func() error {
		var err error
		ok, err = argon2id.ComparePasswordAndHash(password, hash)
		return err
	})
	return ok, err
}
