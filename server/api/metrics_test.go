package api

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/skillarena/arena/internal/telemetry"
	"github.com/skillarena/arena/sandbox/verdict"
)

// scrape fetches url and parses it as the Prometheus text format.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse %s: %v", url, err)
	}
	return mfs
}

// sum adds up the samples of name whose labels include labels (pairs);
// a histogram counts its observations.
func sum(mfs map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	var total float64
	mf, ok := mfs[name]
	if !ok {
		return 0
	}
next:
	for _, m := range mf.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			total += m.GetCounter().GetValue()
		case m.Gauge != nil:
			total += m.GetGauge().GetValue()
		case m.Histogram != nil:
			total += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return total
}

func TestIntegrationMetrics(t *testing.T) {
	f := newFixture(t, time.Now())
	m := f.Metrics
	if err := m.WatchQueue(f.Subs); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, ln, f.Log) }()
	url := "http://" + ln.Addr().String() + telemetry.Path

	// The app itself never answers /metrics: it is on its own listener.
	if code, _, _ := f.Call(t, "GET", "/metrics", "", ""); code != 404 {
		t.Errorf("GET /metrics on the app: %d, want 404", code)
	}
	if resp, err := http.Get("http://" + ln.Addr().String() + "/other"); err != nil || resp.StatusCode != 404 {
		t.Errorf("metrics listener answers other paths: %v %v", resp, err)
	}

	if code := f.JSON(t, "POST", "/api/auth/login", "", `{"username":"ann","password":"wrong"}`, nil); code != 401 {
		t.Fatalf("wrong password: %d", code)
	}
	for _, path := range []string{"/api/contests/run", "/api/contests/nosuch", "/api/nosuch"} {
		f.Call(t, "GET", path, "ann", "")
	}
	mfs := scrape(t, url)
	checks := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"arena_http_requests_total", []string{"route", "/api/contests/:cid", "status", "200"}, 1},
		{"arena_http_requests_total", []string{"route", "/api/contests/:cid", "status", "404"}, 1},
		{"arena_http_requests_total", []string{"route", "/api/auth/login", "status", "401"}, 1},
		{"arena_http_requests_total", []string{"route", telemetry.Unmatched, "status", "404"}, 2}, // /metrics and /api/nosuch
		{"arena_http_request_duration_seconds", []string{"method", "GET", "route", "/api/contests/:cid"}, 2},
		{"arena_login_attempts_total", []string{"result", telemetry.LoginAccepted}, 8}, // the fixture's users
		{"arena_login_attempts_total", []string{"result", telemetry.LoginWrongPassword}, 1},
		{"arena_queue_jobs", nil, 0},
		{"arena_judges_online", nil, 0},
	}
	for _, c := range checks {
		if got := sum(mfs, c.name, c.labels...); got != c.want {
			t.Errorf("before submitting: %s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}

	f.Submit(t, "ann", "print(1)")
	mfs = scrape(t, url)
	if got := sum(mfs, "arena_queue_jobs"); got != 1 {
		t.Errorf("queue after a submission: %v jobs, want 1", got)
	}
	if got := sum(mfs, "arena_http_requests_total", "route", "/api/contests/:cid/submissions", "status", "202"); got != 1 {
		t.Errorf("submissions answered 202: %v, want 1", got)
	}
	if _, ok := mfs["arena_queue_oldest_job_age_seconds"]; !ok {
		t.Error("no arena_queue_oldest_job_age_seconds")
	}

	f.Grade(t, verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100})
	mfs = scrape(t, url)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"arena_queue_jobs", nil, 0},
		{"arena_queue_oldest_job_age_seconds", nil, 0},
		{"arena_judges_online", nil, 1}, // the fixture's test-worker took the job
		{"arena_judges_busy", nil, 0},
		{"arena_submissions_judged_total", []string{"outcome", string(verdict.Accepted)}, 1},
		{"arena_redis_errors_total", nil, 0},
	} {
		if got := sum(mfs, c.name, c.labels...); got != c.want {
			t.Errorf("after grading: %s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}

	// A key of the wrong type: the command fails, the request answers 500.
	if err := f.Redis.Set(ctx, "arena:contests", "not a set", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := f.Call(t, "GET", "/api/contests", "", ""); code != 500 {
		t.Fatalf("contests on a broken key: %d %s", code, body)
	}
	mfs = scrape(t, url)
	if got := sum(mfs, "arena_redis_errors_total", "command", "smembers"); got != 1 {
		t.Errorf("Redis errors of smembers after a WRONGTYPE: %v, want 1", got)
	}
	if got := sum(mfs, "arena_http_requests_total", "route", "/api/contests", "status", "500"); got != 1 {
		t.Errorf("500s of /api/contests: %v, want 1", got)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("metrics listener: %v", err)
	}
}
