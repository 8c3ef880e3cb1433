package e2e

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"

	"github.com/skillarena/arena/internal/cli"
)

// childEnv, when set, makes the test binary run `arena` with the arguments
// in ARENA_E2E_ARGS instead of the tests: a judge worker that a test can kill.
const childEnv = "ARENA_E2E_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		defer stop()
		env := &cli.Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: os.Stderr,
			Getenv: func(string) string { return "" }, Log: slog.New(slog.NewJSONHandler(os.Stderr, nil))}
		os.Exit(cli.Run(ctx, env, strings.Split(os.Getenv("ARENA_E2E_ARGS"), "\x1f")))
	}
	os.Exit(m.Run())
}
