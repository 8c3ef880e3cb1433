package container

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/bits"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
)

// Pool defaults (see PoolConfig).
const (
	DefaultPoolPerKey  = 2
	DefaultPoolMaxIdle = 3 * time.Minute
	DefaultPoolKeyIdle = 10 * time.Minute
)

// PoolConfig sizes the containers a Runner keeps started and waiting, so
// that a request finds its container up instead of paying for its start.
// A waiting container serves one request only, and is removed after it.
type PoolConfig struct {
	// PerKey is how many containers wait per container spec (image and
	// limits). 0 or less: no pool, every request starts its own container.
	PerKey int
	// Total caps the waiting containers over all specs. Default 4×PerKey.
	Total int
	// MaxIdle is how long a container may wait before it is replaced:
	// a bound on how stale its image may be after a rebuild under the same
	// name. Keep it well under the age at which Sweep removes containers.
	// Default 3 minutes.
	MaxIdle time.Duration
	// KeyIdle is how long a spec may go unused before its containers are
	// removed and not replaced (a contest's challenge no longer submitted
	// to). Default 10 minutes.
	KeyIdle time.Duration
}

func (c PoolConfig) withDefaults() PoolConfig {
	if c.Total <= 0 {
		c.Total = 4 * c.PerKey
	}
	if c.MaxIdle <= 0 {
		c.MaxIdle = DefaultPoolMaxIdle
	}
	if c.KeyIdle <= 0 {
		c.KeyIdle = DefaultPoolKeyIdle
	}
	return c
}

// spec is what decides a container: two requests with equal keys may be
// served by either of two containers started from it.
type spec struct {
	config *container.Config
	host   *container.HostConfig
	key    string
}

// specJSON is a spec as its key holds it.
type specJSON struct {
	Config *container.Config
	Host   *container.HostConfig
}

func newSpec(config *container.Config, host *container.HostConfig) (spec, error) {
	key, err := json.Marshal(specJSON{config, host})
	if err != nil {
		return spec{}, fmt.Errorf("sandbox: encode container spec: %w", err)
	}
	return spec{config: config, host: host, key: string(key)}, nil
}

// copies returns a copy of the spec's configuration for one create: the
// Docker client changes what it is given (it sorts capabilities), and
// containers of one spec are created concurrently.
func (s spec) copies() (*container.Config, *container.HostConfig, error) {
	var c specJSON
	if err := json.Unmarshal([]byte(s.key), &c); err != nil {
		return nil, nil, fmt.Errorf("sandbox: decode container spec: %w", err)
	}
	return c.Config, c.Host, nil
}

// sizeClass rounds n up to the next of eight steps between powers of two
// (at most 12.5% more): the memory a request's data adds and the tmpfs
// sized after its files vary from submission to submission by a few bytes,
// and the submissions of one challenge should share one spec, so one pool.
func sizeClass(n int64) int64 {
	if n <= 8 {
		return n
	}
	step := int64(1) << (bits.Len64(uint64(n)) - 4)
	return (n + step - 1) / step * step
}

// sized puts the memory and tmpfs caps in their size classes.
func (c Config) sized() Config {
	c.MemoryBytes = sizeClass(c.MemoryBytes)
	c.TmpfsBytes = sizeClass(c.TmpfsBytes)
	return c
}

// box is one sandbox container: created, attached and started, its runner
// reading stdin for the one request it will ever serve.
type box struct {
	id      string
	key     string
	started time.Time
	hj      types.HijackedResponse
	log     *slog.Logger
	// exited is closed once the container stopped; exitCode and waitErr
	// are set before.
	exited   chan struct{}
	exitCode int64
	waitErr  error
	unwatch  context.CancelFunc
}

// dead reports whether the container stopped already.
func (b *box) dead() bool {
	select {
	case <-b.exited:
		return true
	default:
		return false
	}
}

// start creates, attaches and starts a container of s. Its runner then
// waits for a request; nothing runs in it before. Whatever fails, nothing
// is left behind.
func (r *Runner) start(ctx context.Context, s spec) (*box, error) {
	config, host, err := s.copies()
	if err != nil {
		return nil, err
	}
	created, err := r.cli.ContainerCreate(ctx, config, host, nil, nil, "")
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return nil, fmt.Errorf("sandbox image %s is missing (run: arena images build): %w", s.config.Image, err)
		}
		return nil, fmt.Errorf("sandbox: create container from %s: %w", s.config.Image, err)
	}
	b := &box{id: created.ID, key: s.key, exited: make(chan struct{}),
		log: r.log.With("container", shortID(created.ID), "image", s.config.Image)}
	r.track(b.id, true)
	for _, w := range created.Warnings {
		b.log.Warn("docker warning on create", "warning", w)
	}
	fail := func(err error) (*box, error) {
		r.discard(b)
		return nil, err
	}
	// Attached before the start, so that not a byte of the runner's
	// output is missed.
	b.hj, err = r.cli.ContainerAttach(ctx, b.id, container.AttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		return fail(fmt.Errorf("sandbox: attach to container: %w", err))
	}
	if err := r.cli.ContainerStart(ctx, b.id, container.StartOptions{}); err != nil {
		return fail(fmt.Errorf("sandbox: start container: %w", err))
	}
	b.started = time.Now()
	r.watch(b)
	return b, nil
}

// watch follows the container until it stops, on a context of its own:
// a request's cancellation must not end the wait, and a waiting container
// that dies behind the pool's back must be noticed.
func (r *Runner) watch(b *box) {
	ctx, cancel := context.WithCancel(context.Background())
	b.unwatch = cancel
	waitCh, errCh := r.cli.ContainerWait(ctx, b.id, container.WaitConditionNotRunning)
	go func() {
		select {
		case w := <-waitCh:
			b.exitCode = w.StatusCode
			if w.Error != nil && w.Error.Message != "" {
				b.waitErr = fmt.Errorf("sandbox: wait for container: %s", w.Error.Message)
			}
		case err := <-errCh:
			b.waitErr = fmt.Errorf("sandbox: wait for container: %w", err)
		}
		close(b.exited)
		r.pool.evict(r, b)
	}()
}

// discard removes a container. With a pool, it does so in the background,
// off the request's path, and Close waits for it; without one, before it
// returns, so that a Runner nobody closes leaves nothing behind.
func (r *Runner) discard(b *box) {
	r.mu.Lock()
	inline := r.closed || r.pool == nil
	if !inline {
		r.bg.Add(1)
	}
	r.mu.Unlock()
	if inline {
		r.destroy(b)
		return
	}
	go func() {
		defer r.bg.Done()
		r.destroy(b)
	}()
}

func (r *Runner) destroy(b *box) {
	if b.hj.Conn != nil {
		b.hj.Close()
	}
	r.remove(b.id, b.log)
	if b.unwatch != nil {
		b.unwatch()
	}
	r.track(b.id, false)
}

// track keeps the ids of the containers this runner holds, which Sweep
// must leave alone whatever their age.
func (r *Runner) track(id string, live bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if live {
		r.live[id] = struct{}{}
	} else {
		delete(r.live, id)
	}
}

func (r *Runner) isLive(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.live[id]
	return ok
}

// pool holds the waiting containers of one Runner, per spec key.
type pool struct {
	cfg     PoolConfig
	ctx     context.Context // for the starts it makes; cancelled by Close
	cancel  context.CancelFunc
	done    chan struct{} // closed by Close: the janitor stops
	mu      sync.Mutex
	keys    map[string]*poolKey
	waiting int // over all keys, starting ones included
	closed  bool
}

type poolKey struct {
	spec     spec
	idle     []*box // oldest first
	starting int
	used     time.Time
}

func newPool(cfg PoolConfig) *pool {
	ctx, cancel := context.WithCancel(context.Background())
	return &pool{cfg: cfg.withDefaults(), ctx: ctx, cancel: cancel, done: make(chan struct{}), keys: map[string]*poolKey{}}
}

// take hands out a waiting container of s, or nil if none is ready. The
// container is the caller's from then on. When none is left waiting,
// replacements start at once; otherwise after the request (see
// replenish), so that a container's start does not take the CPU from the
// request it would not serve anyway.
func (p *pool) take(r *Runner, s spec) *box {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	k := p.keys[s.key]
	if k == nil {
		k = &poolKey{spec: s}
		p.keys[s.key] = k
	}
	k.used = time.Now()
	var b *box
	for b == nil && len(k.idle) > 0 {
		b, k.idle = k.idle[0], k.idle[1:]
		p.waiting--
		if b.dead() {
			r.discard(b)
			b = nil
		}
	}
	if len(k.idle) == 0 {
		p.refill(r, k)
	}
	return b
}

// replenish starts the containers s lacks, once a request is done.
func (p *pool) replenish(r *Runner, s spec) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if k := p.keys[s.key]; k != nil && !p.closed {
		p.refill(r, k)
	}
}

// refill starts containers for k up to the limits. p.mu is held.
func (p *pool) refill(r *Runner, k *poolKey) {
	for len(k.idle)+k.starting < p.cfg.PerKey && p.waiting < p.cfg.Total {
		k.starting++
		p.waiting++
		r.bg.Add(1)
		go p.fill(r, k)
	}
}

// fill starts one container for k and adds it to the waiting ones, unless
// the pool closed or dropped k meanwhile.
func (p *pool) fill(r *Runner, k *poolKey) {
	defer r.bg.Done()
	b, err := r.start(p.ctx, k.spec)
	p.mu.Lock()
	defer p.mu.Unlock()
	k.starting--
	switch {
	case err != nil:
		p.waiting--
		if p.ctx.Err() == nil {
			r.log.Warn("start a waiting sandbox container", "image", k.spec.config.Image, "error", err)
		}
	case p.closed || p.keys[k.spec.key] != k:
		p.waiting--
		r.discard(b)
	default:
		k.idle = append(k.idle, b)
	}
}

// evict drops b if it is still waiting: it stopped behind the pool's back.
func (p *pool) evict(r *Runner, b *box) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	k := p.keys[b.key]
	if k == nil {
		return
	}
	for i, w := range k.idle {
		if w == b {
			k.idle = append(k.idle[:i], k.idle[i+1:]...)
			p.waiting--
			b.log.Warn("waiting sandbox container stopped", "exit_code", b.exitCode)
			r.discard(b)
			return
		}
	}
}

// janitor replaces the containers that waited too long and drops the
// specs no longer used, until Close.
func (p *pool) janitor(r *Runner) {
	defer r.bg.Done()
	t := time.NewTicker(max(min(p.cfg.MaxIdle, p.cfg.KeyIdle)/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case now := <-t.C:
			p.expire(r, now)
		}
	}
}

func (p *pool) expire(r *Runner, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for key, k := range p.keys {
		unused := now.Sub(k.used) > p.cfg.KeyIdle
		keep := k.idle[:0]
		for _, b := range k.idle {
			if unused || b.dead() || now.Sub(b.started) > p.cfg.MaxIdle {
				p.waiting--
				r.discard(b)
				continue
			}
			keep = append(keep, b)
		}
		k.idle = keep
		if unused {
			delete(p.keys, key)
			continue
		}
		p.refill(r, k)
	}
}

// close removes every waiting container and stops what would start more.
func (p *pool) close(r *Runner) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	p.cancel()
	close(p.done)
	for _, k := range p.keys {
		for _, b := range k.idle {
			r.discard(b)
		}
	}
	p.keys = map[string]*poolKey{}
	p.waiting = 0
}
