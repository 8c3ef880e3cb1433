package cli

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/telemetry"
	"github.com/skillarena/arena/internal/testenv"
)

// TestIntegrationServeMetrics runs serve as the command wires it, with
// --metrics-addr: /metrics answers there, with the queue read from Redis,
// and not on the public listener.
func TestIntegrationServeMetrics(t *testing.T) {
	r := testenv.StartRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	st, err := openStores(ctx, storeFlags{redisAddr: r.Addr, dataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.rdb.Close()
	metricsAt := make(chan string, 1)
	m, err := startMetrics(ctx, env, st, metricsFlags{addr: "127.0.0.1:0"}, func(addr string) { metricsAt <- addr })
	if err != nil {
		t.Fatal(err)
	}
	publicAt := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serveHTTP(ctx, env, st, serveFlags{addr: "127.0.0.1:0"}, m, func(addr string) { publicAt <- addr })
	}()
	public, metrics := "http://"+<-publicAt, "http://"+<-metricsAt

	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get(public + "/healthz"); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
	if code, _ := get(public + telemetry.Path); code != 404 {
		t.Errorf("the public listener answers %s: %d", telemetry.Path, code)
	}
	code, body := get(metrics + telemetry.Path)
	if code != 200 {
		t.Fatalf("metrics: %d %s", code, body)
	}
	for _, want := range []string{
		`arena_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		"arena_queue_jobs 0", "arena_judges_online 0", "go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
