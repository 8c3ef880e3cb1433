package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/frontend"
	"github.com/skillarena/arena/internal/demo"
	"github.com/skillarena/arena/internal/telemetry"
	"github.com/skillarena/arena/judge"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/grader"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/api"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/ratelimit"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
	"github.com/skillarena/arena/server/web"
)

// storeFlags are what every platform role needs: Redis and the data dir.
type storeFlags struct {
	redisAddr string
	dataDir   string
	blobs     string
	// publicURL is where certificate links point (see registerPublicURL).
	publicURL string
}

// registerPublicURL adds --public-url, the address contestants and the
// agency reach the server at: the QR codes and verification links of
// certificates point under it (serve, up, export winners).
func (f *storeFlags) registerPublicURL(fs *flag.FlagSet) {
	fs.StringVar(&f.publicURL, "public-url", "", "the server's public address, e.g. https://arena.example.org: certificate QR codes and verification links point under it "+
		"(default: the listen address, which only this machine may reach)")
}

// checkPublicURL checks --public-url, when given, and drops a trailing slash.
func (f *storeFlags) checkPublicURL() error {
	if f.publicURL == "" {
		return nil
	}
	u, err := url.Parse(f.publicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("--public-url: %q is not an http(s) address such as https://arena.example.org (no query, no fragment)", f.publicURL)
	}
	f.publicURL = strings.TrimRight(u.String(), "/")
	return nil
}

// listenURL is the address a server listening on addr answers at on this
// machine: where links point without --public-url.
func listenURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return certificate.DefaultPublicURL
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// noPublicURL says where links point when --public-url is not given.
func noPublicURL(u string) string {
	return fmt.Sprintf("no --public-url: certificate QR codes and verification links point to %s; set --public-url (ARENA_PUBLIC_URL) to the address contestants and the agency use", u)
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.redisAddr, "redis", "127.0.0.1:6379", redisHelp)
	fs.StringVar(&f.dataDir, "data", "data", "data directory: blobs (unless --blobs), unpacked packages, signing keys")
	fs.StringVar(&f.blobs, "blobs", "", "where submission files and packages are kept: a directory (default DATA/blobs) or "+
		"s3://BUCKET?endpoint=HOST:PORT&tls=false (credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); shared by every server and judge")
}

// blobsAt is where the blob store is: --blobs, or DATA/blobs.
func (f *storeFlags) blobsAt() string {
	if f.blobs != "" {
		return f.blobs
	}
	return filepath.Join(f.dataDir, "blobs")
}

type serveFlags struct {
	addr          string
	maxSubmission int
	submitPerMin  int64
	loginFree     int64
	loginAddrMin  int64
	asksPerHour   int64
	proxies       string
	sessionTTL    time.Duration
	secureCookies bool
	sockets       api.SocketLimits
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "HTTP listen address")
	fs.IntVar(&f.maxSubmission, "max-submission-bytes", 256<<10, "largest submission accepted, in bytes")
	fs.Int64Var(&f.submitPerMin, "submit-per-minute", 12, "submissions per contestant per minute (0: unlimited)")
	fs.Int64Var(&f.loginFree, "login-failures", 5, "failed logins per username before each further attempt waits (1 s, doubling, up to 5 min; 0: no wait)")
	fs.Int64Var(&f.loginAddrMin, "login-failures-per-address", 50, "failed logins allowed per client address per minute")
	fs.StringVar(&f.proxies, "trusted-proxies", "", "reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client")
	fs.Int64Var(&f.asksPerHour, "questions-per-hour", clarification.AsksPerHour, "clarification questions per contestant per contest and hour (0: unlimited)")
	fs.DurationVar(&f.sessionTTL, "session-ttl", 12*time.Hour, "how long a login lasts")
	fs.BoolVar(&f.secureCookies, "secure-cookies", false, "mark cookies Secure (when served over HTTPS)")
	def := api.DefaultSocketLimits()
	def.Total = socketTotal(def.Total)
	fs.IntVar(&f.sockets.PerAddress, "ws-per-address", def.PerAddress, "websockets of visitors not logged in per client address, an IPv6 /64 counting as one (0: unlimited)")
	fs.IntVar(&f.sockets.PerUser, "ws-per-user", def.PerUser, "websockets per logged-in account, from any address: a hall behind one NAT is many accounts (0: unlimited)")
	fs.IntVar(&f.sockets.Total, "ws-total", def.Total, "websockets this server holds in all (0: unlimited; mind the open-file limit)")
	fs.IntVar(&f.sockets.Replay, "ws-replay", def.Replay, "most events a reconnecting client is replayed (?since=); further behind it reloads (0: unlimited)")
}

// socketTotal is the default cap on a server's websockets: want, or less
// where the open-file limit (Go raises it to the hard limit at start) would
// not hold them with 1,000 descriptors to spare for HTTP, Redis and files.
func socketTotal(want int) int {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return want
	}
	return socketTotalFor(want, l.Cur)
}

// socketTotalFor is socketTotal under an open-file limit of files; a small
// limit keeps half its descriptors for the rest.
func socketTotalFor(want int, files uint64) int {
	if files >= uint64(want)+1000 {
		return want
	}
	return max(int(files)-1000, int(files)/2)
}

type judgeFlags struct {
	id    string
	slots int
	lease time.Duration
	pool  int
}

func (f *judgeFlags) register(fs *flag.FlagSet) {
	host, _ := os.Hostname()
	fs.StringVar(&f.id, "worker-id", fmt.Sprintf("%s-%d", host, os.Getpid()), "name of this judge worker")
	fs.IntVar(&f.slots, "slots", 2, "submissions graded at once (with up, 0 grades nothing in this process)")
	fs.DurationVar(&f.lease, "lease", 30*time.Second, "how long a job stays with a worker that stopped answering")
	fs.IntVar(&f.pool, "sandbox-pool", container.DefaultPoolPerKey, "sandbox containers kept started per image and limits, each for one submission (0: start each on demand)")
}

// metricsFlags say where a process serves its /metrics.
type metricsFlags struct {
	addr string
}

func (f *metricsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "metrics-addr", "", "listen address of /metrics for Prometheus, e.g. 127.0.0.1:9180 (serve), 127.0.0.1:9181 (judge); "+
		"a listener of its own, kept off the contestants' network (empty: no metrics)")
}

// startMetrics makes the process's metrics, counts st's Redis errors and
// results in them and serves them on f.addr until ctx is done. Without an
// address it returns nil: nothing is counted. ready, if set, gets the address.
func startMetrics(ctx context.Context, env *Env, st *stores, f metricsFlags, ready func(addr string)) (*telemetry.Metrics, error) {
	if f.addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on --metrics-addr %s: %w", f.addr, err)
	}
	m := telemetry.New()
	st.rdb.AddHook(m.RedisHook())
	st.submissions.CountResults(m)
	go func() {
		if err := m.Serve(ctx, ln, env.Log); err != nil {
			env.Log.Error("metrics listener stopped", "err", err)
		}
	}()
	env.Log.Info("serving metrics", "addr", ln.Addr().String(), "path", telemetry.Path)
	if ready != nil {
		ready(ln.Addr().String())
	}
	return m, nil
}

// stores are the Redis-backed stores shared by serve and judge.
type stores struct {
	rdb         *redis.Client
	accounts    *account.Store
	contests    *contest.Store
	submissions *submission.Store
	board       *scoreboard.Store
	blobs       *blob.Store
	audit       *audit.Log
	admin       *contest.Admin
	certs       *certificate.Service
	// publicURL is --public-url; empty: a server points links to its listen address.
	publicURL string
}

func openStores(ctx context.Context, f storeFlags) (*stores, error) {
	rdb, err := newRedis(f.redisAddr)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("Redis at %s does not answer (start it with deploy/setup.sh): %w", redactURL(f.redisAddr), err)
	}
	blobs, err := blob.OpenURL(pctx, f.blobsAt())
	if err != nil {
		rdb.Close()
		return nil, err
	}
	st := &stores{
		rdb: rdb, accounts: account.NewStore(rdb), contests: contest.NewStore(rdb),
		submissions: submission.NewStore(rdb), board: scoreboard.NewStore(rdb), blobs: blobs,
		audit: audit.New(rdb),
	}
	st.admin = &contest.Admin{Contests: st.contests, Accounts: st.accounts, Board: st.board, Audit: st.audit}
	st.certs = newCertificateService(st, f.dataDir, f.publicURL)
	st.publicURL = f.publicURL
	st.admin.Finalized = st.certs.Finalized
	return st, nil
}

// serveHTTP runs the HTTP server until ctx is done. ready is called once it
// listens. m (nil: none) counts its requests and reads the queue at each scrape.
func serveHTTP(ctx context.Context, env *Env, st *stores, f serveFlags, m *telemetry.Metrics, ready func(addr string)) error {
	ui, err := frontend.New()
	if err != nil {
		return err
	}
	proxies, err := request.ParseProxies(f.proxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if m != nil {
		if err := m.WatchQueue(st.submissions); err != nil {
			return err
		}
	}
	hub := events.NewHub(st.rdb, env.Log)
	defer hub.Close()
	clars := clarification.NewStore(st.rdb)
	clars.LimitAsks(f.asksPerHour)
	clars.AuditTo(st.audit)
	d := api.Deps{
		Accounts: st.accounts, Contests: st.contests, Submissions: st.submissions,
		Board: st.board, Events: events.NewLog(st.rdb), Hub: hub, Blobs: st.blobs, Log: env.Log,
		Admin: st.admin, Audit: st.audit, Clarifications: clars, Certificates: st.certs,
		Limits: api.Limits{
			MaxSubmissionBytes: f.maxSubmission,
			Submit:             ratelimit.New(st.rdb, "submit", f.submitPerMin, time.Minute),
			Login:              ratelimit.NewBackoff(st.rdb, "login", f.loginFree, time.Second, 5*time.Minute, time.Hour),
			LoginAddr:          ratelimit.New(st.rdb, "login-addr", f.loginAddrMin, time.Minute),
			SessionTTL:         f.sessionTTL,
			Sockets:            f.sockets,
		},
		Ready: func() error {
			c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			return st.rdb.Ping(c).Err()
		},
		SecureCookies:  f.secureCookies,
		TrustedProxies: proxies,
		Metrics:        m,
	}.Services()
	d.Pages = web.New(web.Deps{UI: ui, Sessions: d.Sessions, Judging: d.Judging, Admin: d.Admin, Certificates: d.Certificates,
		Clarifications: d.Clarifications, Accounts: d.Accounts, Contests: d.Contests, Submissions: d.Submissions,
		Board: d.Board, Events: d.Events, Blobs: d.Blobs, Audit: d.Audit, Log: d.Log, Now: d.Now})
	app := api.New(d)
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	if st.publicURL == "" {
		// Before the first request: without --public-url links point here.
		u := listenURL(ln.Addr().String())
		st.certs.SetPublicURL(u)
		env.Log.Warn(noPublicURL(u))
	}
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	env.Log.Info("serving", "addr", ln.Addr().String())
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	hub.Close() // ends open websockets so shutdown need not wait for them
	if err := app.ShutdownWithTimeout(10 * time.Second); err != nil {
		return fmt.Errorf("shut down HTTP: %w", err)
	}
	return nil
}

// runJudge runs a judge worker until ctx is done; m (nil: none) observes its grading.
func runJudge(ctx context.Context, env *Env, st *stores, sf storeFlags, f judgeFlags, m *telemetry.Metrics) error {
	if f.slots < 1 {
		return fmt.Errorf("--slots must be at least 1, got %d", f.slots)
	}
	sb, err := container.New(ctx, env.Log)
	if err != nil {
		return fmt.Errorf("Docker engine (start it with deploy/setup.sh): %w", err)
	}
	defer sb.Close()
	checkJudgeImages(ctx, env)
	sb.Labels = map[string]string{container.WorkerLabel: f.id}
	sb.UsePool(container.PoolConfig{PerKey: f.pool})
	// What a crashed judge left behind on this engine; well above any wall timeout.
	if n, err := sb.Sweep(ctx, 15*time.Minute); err != nil {
		env.Log.Warn("sweep old sandbox containers", "err", err)
	} else if n > 0 {
		env.Log.Info("removed old sandbox containers", "count", n)
	}
	pkgs := judge.NewPackages(st.blobs, filepath.Join(sf.dataDir, "packages"))
	w := judge.New(judge.Config{ID: f.id, Slots: f.slots, Lease: f.lease, Metrics: m},
		st.submissions, judge.ContestChallenges(st.contests), st.blobs, pkgs, grader.New(sb), env.Log)
	return w.Run(ctx)
}

// withStores runs fn with the stores open, and closes them after.
func withStores(ctx context.Context, sf storeFlags, fn func(st *stores) error) error {
	st, err := openStores(ctx, sf)
	if err != nil {
		return err
	}
	defer st.rdb.Close()
	return fn(st)
}

func serveCommand() command {
	return command{
		name: "serve", summary: "run the HTTP server: web UI, /api and /ws (stateless; run any number)",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			var sf storeFlags
			var f serveFlags
			var mf metricsFlags
			sf.register(fs)
			sf.registerPublicURL(fs)
			f.register(fs)
			mf.register(fs)
			return func(ctx context.Context, env *Env, args []string) error {
				if err := sf.checkPublicURL(); err != nil {
					return err
				}
				return withStores(ctx, sf, func(st *stores) error {
					m, err := startMetrics(ctx, env, st, mf, nil)
					if err != nil {
						return err
					}
					return serveHTTP(ctx, env, st, f, m, nil)
				})
			}
		},
	}
}

func judgeCommand() command {
	return command{
		name: "judge", summary: "run a judge worker: take jobs from Redis and grade them in Docker",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			var sf storeFlags
			var f judgeFlags
			var mf metricsFlags
			sf.register(fs)
			f.register(fs)
			mf.register(fs)
			return func(ctx context.Context, env *Env, args []string) error {
				return withStores(ctx, sf, func(st *stores) error {
					m, err := startMetrics(ctx, env, st, mf, nil)
					if err != nil {
						return err
					}
					return runJudge(ctx, env, st, sf, f, m)
				})
			}
		},
	}
}

func upCommand() command {
	return command{
		name: "up", summary: "run serve and judge in one process (one-machine contest; --demo loads the demo contests)",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			var sf storeFlags
			var f serveFlags
			var jf judgeFlags
			var mf metricsFlags
			sf.register(fs)
			sf.registerPublicURL(fs)
			f.register(fs)
			jf.register(fs)
			mf.register(fs)
			withDemo := fs.Bool("demo", false, "load the demo: a contest running now for hours, a finished one ready for the certificate review ("+demo.FinalID+"), and their accounts")
			demoPassword := fs.String("demo-password", "arena-demo", "password of the demo accounts")
			return func(ctx context.Context, env *Env, args []string) error {
				if err := sf.checkPublicURL(); err != nil {
					return err
				}
				st, err := openStores(ctx, sf)
				if err != nil {
					return err
				}
				defer st.rdb.Close()
				if *withDemo {
					d := demo.Deps{Accounts: st.accounts, Admin: st.admin, Blobs: st.blobs, Submissions: st.submissions, Certificates: st.certs}
					if err := demo.Load(ctx, d, *demoPassword, time.Now()); err != nil {
						return err
					}
				}
				ctx, cancel := context.WithCancel(ctx)
				defer cancel()
				m, err := startMetrics(ctx, env, st, mf, nil)
				if err != nil {
					return err
				}
				var wg sync.WaitGroup
				var judgeErr error
				if jf.slots > 0 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if judgeErr = runJudge(ctx, env, st, sf, jf, m); judgeErr != nil && !errors.Is(judgeErr, context.Canceled) {
							cancel()
						}
					}()
				}
				err = serveHTTP(ctx, env, st, f, m, func(addr string) {
					if *withDemo {
						printDemo(env, addr, *demoPassword)
					}
				})
				cancel()
				wg.Wait()
				if judgeErr != nil && !errors.Is(judgeErr, context.Canceled) {
					return judgeErr
				}
				return err
			}
		},
	}
}

func printDemo(env *Env, addr, password string) {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, port)
	fmt.Fprintf(env.Stdout, "\nSkillArena is running at %s\n", url)
	fmt.Fprintf(env.Stdout, "Demo contest board: %s/contests/%s/board\n", url, demo.ContestID)
	fmt.Fprintf(env.Stdout, "Finished contest, certificate review (as organizer): %s/contests/%s/certificates\n\n", url, demo.FinalID)
	fmt.Fprintf(env.Stdout, "Logins (password %q):\n", password)
	for _, u := range demo.Users {
		fmt.Fprintf(env.Stdout, "  %-10s %s\n", u.Username, u.Role)
	}
	var more []string
	for _, u := range demo.Finalists {
		more = append(more, u.Username)
	}
	fmt.Fprintf(env.Stdout, "  and the finished contest's contestants %s\n", strings.Join(more, ", "))
	arena := env.program()
	fmt.Fprintf(env.Stdout, "\nSubmit as alice:\n  %s login --server %s --user alice --password %s\n  %s submit --contest %s --challenge hello --language python3 --wait hello.py\n\n",
		arena, url, password, arena, demo.ContestID)
}
