package telemetry

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/internal/testenv"
)

func TestHTTP(t *testing.T) {
	m := New()
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		code := fiber.StatusInternalServerError
		var fe *fiber.Error
		if errors.As(err, &fe) {
			code = fe.Code
		}
		return c.SendStatus(code)
	}})
	app.Use(m.HTTP())
	named := func(h fiber.Handler) fiber.Handler {
		return func(c *fiber.Ctx) error {
			SetRoute(c, c.Route().Method, c.Route().Path)
			return h(c)
		}
	}
	app.Get("/items/:id", named(func(c *fiber.Ctx) error {
		if c.Params("id") == "gone" {
			return fiber.ErrNotFound
		}
		return c.SendString("ok")
	}))
	app.Get("/boom", named(func(*fiber.Ctx) error { return errors.New("broken") }))
	for _, tc := range []struct {
		method, path string
		route        string
		status       string
	}{
		{"GET", "/items/1", "/items/:id", "200"},
		{"GET", "/items/2", "/items/:id", "200"},
		{"GET", "/items/gone", "/items/:id", "404"},
		{"GET", "/boom", "/boom", "500"},
		{"GET", "/no/such/path", Unmatched, "404"},
		{"BREW", "/items/1", Unmatched, "400"}, // fasthttp refuses it before any handler
	} {
		resp, err := app.Test(httptest.NewRequest(tc.method, tc.path, nil))
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Status; got[:3] != tc.status {
			t.Errorf("%s %s: %s, want %s", tc.method, tc.path, got, tc.status)
		}
	}
	for _, tc := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"GET", "/items/:id", "200"}, 2},
		{[]string{"GET", "/items/:id", "404"}, 1},
		{[]string{"GET", "/boom", "500"}, 1},
		{[]string{"GET", Unmatched, "404"}, 1},
	} {
		if got := testutil.ToFloat64(m.httpRequests.WithLabelValues(tc.labels...)); got != tc.want {
			t.Errorf("requests %v = %v, want %v", tc.labels, got, tc.want)
		}
	}
	if n := testutil.CollectAndCount(m.httpDuration); n != 3 {
		t.Errorf("%d latency series, want 3 (items, boom, unmatched)", n)
	}
}

// TestNil checks that a nil *Metrics observes nothing and does not panic.
func TestNil(t *testing.T) {
	var m *Metrics
	m.Login(LoginAccepted)
	m.Graded("program", "accepted", 1)
	m.Judged("accepted")
	m.SocketOpened("board")
	m.SocketClosed("board")
	m.EventSent("board")
	m.EventDropped(3)
	app := fiber.New()
	app.Use(m.HTTP())
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("ok") })
	if resp, err := app.Test(httptest.NewRequest("GET", "/", nil)); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
}

func TestIntegrationRedisHook(t *testing.T) {
	m := New()
	r := testenv.StartRedis(t)
	rdb := r.Client()
	rdb.AddHook(m.RedisHook())
	ctx := context.Background()
	if err := rdb.Set(ctx, "s", "x", 0).Err(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		run     func() error
		command string
		counted bool
	}{
		{"missing key is no error", func() error { return rdb.Get(ctx, "none").Err() }, "get", false},
		{"wrong type", func() error { return rdb.HGet(ctx, "s", "f").Err() }, "hget", true},
		{"script loaded on first use", func() error { return redis.NewScript(`return 1`).Run(ctx, rdb, nil).Err() }, "evalsha", false},
		{"group exists already", func() error {
			_ = rdb.XGroupCreateMkStream(ctx, "q", "g", "0").Err()
			return rdb.XGroupCreateMkStream(ctx, "q", "g", "0").Err()
		}, "xgroup", false},
		{"stream not made yet", func() error { return rdb.XInfoStream(ctx, "none").Err() }, "xinfo", false},
		{"wrong type in a pipeline", func() error {
			_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error { p.LLen(ctx, "s"); return nil })
			return err
		}, "llen", true},
		{"canceled", func() error {
			c, cancel := context.WithCancel(ctx)
			cancel()
			return rdb.Get(c, "s").Err()
		}, "get", false},
	} {
		before := testutil.ToFloat64(m.redisErrors.WithLabelValues(tc.command))
		_ = tc.run()
		got := testutil.ToFloat64(m.redisErrors.WithLabelValues(tc.command)) - before
		if want := map[bool]float64{true: 1}[tc.counted]; got != want {
			t.Errorf("%s: %v errors of %s counted, want %v", tc.name, got, tc.command, want)
		}
	}
	closed := r.Client()
	closed.AddHook(m.RedisHook())
	closed.Close()
	before := testutil.ToFloat64(m.redisErrors.WithLabelValues("ping"))
	if closed.Ping(ctx).Err() == nil {
		t.Fatal("ping on a closed client answered")
	}
	if got := testutil.ToFloat64(m.redisErrors.WithLabelValues("ping")) - before; got != 1 {
		t.Errorf("command on a closed client: %v errors counted, want 1", got)
	}
	if got := testutil.ToFloat64(m.redisErrors.WithLabelValues("client")); got != 0 {
		t.Errorf("the connection handshake counted %v errors", got)
	}
}
