// Package telemetry is SkillArena's Prometheus metrics: it owns each
// process's registry and every metric name, and serves them at /metrics on a
// listener of their own (--metrics-addr), never on the public one.
//
// One *Metrics is made per process and handed to whoever observes: the HTTP
// app (HTTP), the sessions (Login), the judge worker (Graded), the
// submission store (Judged), the websockets (SocketOpened, EventSent, ...)
// and the Redis client (RedisHook). Every method is safe on a nil *Metrics,
// which observes nothing, so tests and tools need not make one.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Path is where the metrics are served on the metrics listener.
const Path = "/metrics"

// Login results, the values of arena_login_attempts_total's result label.
const (
	LoginAccepted      = "accepted"
	LoginWrongPassword = "wrong_password"
	LoginRateLimited   = "rate_limited"
	LoginBusy          = "busy"
	LoginDisabled      = "disabled"
	LoginError         = "error"
)

// GradeFailed is the outcome label of a grading that ended in an error of
// the platform (no verdict; the job is graded again).
const GradeFailed = "failed"

// Metrics is one process's registry and the metrics SkillArena observes.
type Metrics struct {
	reg   *prometheus.Registry
	names []string

	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
	logins        *prometheus.CounterVec
	grading       *prometheus.HistogramVec
	judged        *prometheus.CounterVec
	sockets       *prometheus.GaugeVec
	eventsSent    *prometheus.CounterVec
	eventsDropped prometheus.Counter
	redisErrors   *prometheus.CounterVec
}

// New makes a registry with the Go runtime and process collectors and every
// SkillArena metric but the queue's (WatchQueue adds those).
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.httpRequests = register(m, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "arena_http_requests_total",
		Help: "HTTP requests answered, by method, route pattern and status code.",
	}, []string{"method", "route", "status"}), "arena_http_requests_total")
	m.httpDuration = register(m, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "arena_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by method and route pattern (a websocket: until the upgrade).",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"method", "route"}), "arena_http_request_duration_seconds")
	m.logins = register(m, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "arena_login_attempts_total",
		Help: "Login attempts by result: accepted, wrong_password, rate_limited, busy, error.",
	}, []string{"result"}), "arena_login_attempts_total")
	m.grading = register(m, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "arena_grading_duration_seconds",
		Help:    "Time a judge worker took to grade one submission, by challenge kind and outcome (failed: no verdict).",
		Buckets: []float64{.25, .5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600},
	}, []string{"kind", "outcome"}), "arena_grading_duration_seconds")
	m.judged = register(m, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "arena_submissions_judged_total",
		Help: "Results applied to submissions, by outcome (counted by the process that applies them).",
	}, []string{"outcome"}), "arena_submissions_judged_total")
	m.sockets = register(m, prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "arena_websocket_connections",
		Help: "Open websockets, by channel.",
	}, []string{"channel"}), "arena_websocket_connections")
	m.eventsSent = register(m, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "arena_websocket_events_sent_total",
		Help: "Contest events written to websockets, by channel.",
	}, []string{"channel"}), "arena_websocket_events_sent_total")
	m.eventsDropped = register(m, prometheus.NewCounter(prometheus.CounterOpts{
		Name: "arena_websocket_events_dropped_total",
		Help: "Events not delivered to a websocket listener that fell too far behind (it is dropped and resumes by id).",
	}), "arena_websocket_events_dropped_total")
	m.redisErrors = register(m, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "arena_redis_errors_total",
		Help: "Redis commands that failed, by command (a missing key, redis.Nil, is no error).",
	}, []string{"command"}), "arena_redis_errors_total")
	return m
}

// register adds c to m's registry under name and returns it.
func register[C prometheus.Collector](m *Metrics, c C, name string) C {
	m.reg.MustRegister(c)
	m.names = append(m.names, name)
	return c
}

// Registry is the process's registry, for tests and for Handler.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Names lists the name of every metric the process may export: SkillArena's
// own (the queue's too, registered or not) and those of the Go runtime and
// process collectors. Histograms are listed by their base name.
func (m *Metrics) Names() ([]string, error) {
	out := append(slices.Clone(m.names), queueNames()...)
	mfs, err := m.reg.Gather()
	if err != nil {
		return nil, fmt.Errorf("gather metrics: %w", err)
	}
	for _, mf := range mfs {
		out = append(out, mf.GetName())
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Handler serves the registry in the Prometheus text format. A collector
// that fails (the queue's, when Redis does not answer) is logged and left
// out; the other metrics are still served.
func (m *Metrics) Handler(log *slog.Logger) http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog: promLogger{log}, ErrorHandling: promhttp.ContinueOnError, Registry: m.reg,
	})
}

type promLogger struct{ log *slog.Logger }

func (l promLogger) Println(v ...any) { l.log.Warn("metrics", "err", fmt.Sprint(v...)) }

// Serve answers /metrics (and nothing else) on ln until ctx is done.
func (m *Metrics) Serve(ctx context.Context, ln net.Listener, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("GET "+Path, m.Handler(log))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve metrics on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down metrics listener: %w", err)
	}
	return nil
}

// Login counts one login attempt by result (LoginAccepted, ...).
func (m *Metrics) Login(result string) {
	if m != nil {
		m.logins.WithLabelValues(result).Inc()
	}
}

// Graded observes one grading by a judge worker: the challenge's kind, the
// outcome (or GradeFailed) and how long it took.
func (m *Metrics) Graded(kind, outcome string, took time.Duration) {
	if m != nil {
		m.grading.WithLabelValues(kind, outcome).Observe(took.Seconds())
	}
}

// Judged counts a result applied to a submission.
func (m *Metrics) Judged(outcome string) {
	if m != nil {
		m.judged.WithLabelValues(outcome).Inc()
	}
}

// SocketOpened counts a websocket of channel (board, submissions, feed,
// clarifications: a checked name, never one taken from the URL as is) as open.
func (m *Metrics) SocketOpened(channel string) {
	if m != nil {
		m.sockets.WithLabelValues(channel).Inc()
	}
}

// SocketClosed counts a websocket of channel as closed.
func (m *Metrics) SocketClosed(channel string) {
	if m != nil {
		m.sockets.WithLabelValues(channel).Dec()
	}
}

// EventSent counts an event written to a websocket of channel.
func (m *Metrics) EventSent(channel string) {
	if m != nil {
		m.eventsSent.WithLabelValues(channel).Inc()
	}
}

// EventDropped counts n events the hub could not deliver to a listener too
// far behind (the one that did not fit when it drops the listener: n = 1).
func (m *Metrics) EventDropped(n int) {
	if m != nil {
		m.eventsDropped.Add(float64(n))
	}
}

// observeHTTP counts one answered request.
func (m *Metrics) observeHTTP(method, route string, status int, took time.Duration) {
	m.httpRequests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(method, route).Observe(took.Seconds())
}
