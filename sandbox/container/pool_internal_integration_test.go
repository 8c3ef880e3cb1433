package container

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	dcontainer "github.com/docker/docker/api/types/container"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/runner"
)

// A waiting container that died or vanished before its request is
// errStale, which Run answers with a fresh container; one that died after
// the request reached it is the request's own result.
func TestIntegrationServeStale(t *testing.T) {
	cli := testenv.Docker(t)
	const image = "skillarena/python3:latest"
	testenv.Image(t, cli, image)
	r := NewWithClient(cli, nil)
	req := runner.Request{
		Files: []runner.File{{Name: "main.py", Data: []byte("print('hi')\n")}},
		Run:   runner.Step{Command: []string{"python3", "main.py"}, Limits: runner.Limits{CPUTimeMS: 1000, WallTimeMS: 2000}},
		Tests: []runner.Test{{Name: "a"}},
	}
	cfg := Config{Image: image, Labels: map[string]string{"skillarena.test": "serve-stale"}}.WithDefaults(req).sized()
	s, err := r.spec(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	payload := []byte(`{"files":[],"run":{"command":["true"]},"tests":[{"name":"a"}]}`)
	gone := map[string]func(b *box) error{
		"killed": func(b *box) error { return cli.ContainerKill(ctx, b.id, "KILL") },
		"removed": func(b *box) error {
			return cli.ContainerRemove(ctx, b.id, dcontainer.RemoveOptions{Force: true})
		},
	}
	for name, kill := range gone {
		t.Run(name, func(t *testing.T) {
			b, err := r.start(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			if err := kill(b); err != nil {
				t.Fatal(err)
			}
			select {
			case <-b.exited:
			case <-time.After(30 * time.Second):
				t.Fatal("container did not stop")
			}
			if _, err := r.serve(ctx, b, cfg, req, payload, true); !errors.Is(err, errStale) {
				t.Fatalf("serve on a dead container: %v, want errStale", err)
			}
			if r.isLive(b.id) {
				t.Error("dead container still held")
			}
		})
	}
	t.Run("cold", func(t *testing.T) {
		// Not from the pool: the same failure is the platform's error.
		b, err := r.start(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if err := cli.ContainerKill(ctx, b.id, "KILL"); err != nil {
			t.Fatal(err)
		}
		<-b.exited
		if _, err := r.serve(ctx, b, cfg, req, payload, false); err == nil || errors.Is(err, errStale) {
			t.Fatalf("serve on a dead cold container: %v", err)
		}
	})
	t.Run("alive", func(t *testing.T) {
		b, err := r.start(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		full, _ := json.Marshal(req)
		res, err := r.serve(ctx, b, cfg, req, full, true)
		if err != nil || len(res.Tests) != 1 || string(res.Tests[0].Stdout) != "hi\n" {
			t.Fatalf("%+v %v", res, err)
		}
	})
}
