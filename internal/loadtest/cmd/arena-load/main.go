// Command arena-load measures a SkillArena server under a contest's load and
// prints the table of docs/performance.md. By default each scenario starts
// its own arena serve and redis-server on loopback.
//
//	go run ./internal/loadtest/cmd/arena-load [flags] [scenario...]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/skillarena/arena/internal/loadtest"
)

func main() {
	var cfg loadtest.Config
	flag.StringVar(&cfg.Arena, "arena", "bin/arena", "the arena binary (serves and imports)")
	flag.StringVar(&cfg.Server, "server", "", "URL of a running server on loopback (default: start one per scenario)")
	flag.IntVar(&cfg.ServerPID, "server-pid", 0, "process id of the running server, for its memory")
	flag.StringVar(&cfg.Redis, "redis", "", "Redis address of the running server")
	maxRSS := flag.Int64("max-rss-mib", 6144, "stop a scenario, killing a server it started, when the server's memory passes this")
	flag.IntVar(&cfg.Viewers, "viewers", 10000, "websockets the ws and bare rows open (1000, 5000, 10000)")
	keep := flag.Bool("keep", false, "keep the scenarios' directory (logs, lists, login slips)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: arena-load [flags] [scenario...]\n\nscenarios:\n")
		for _, s := range loadtest.Scenarios() {
			fmt.Fprintf(flag.CommandLine.Output(), "  %-12s %s (goal: %s)\n", s.Name, s.What, s.Goal)
		}
		fmt.Fprintln(flag.CommandLine.Output(), "\nflags:")
		flag.PrintDefaults()
	}
	flag.Parse()
	if loadtest.ServeBareIfAsked(context.Background(), slog.Default()) {
		return
	}
	cfg.Only = flag.Args()
	cfg.MaxRSS = *maxRSS << 20
	cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(cfg, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "arena-load:", err)
		os.Exit(1)
	}
}

func run(cfg loadtest.Config, keep bool) error {
	raiseFileLimit(cfg.Log)
	dir, err := os.MkdirTemp("", "arena-load-")
	if err != nil {
		return fmt.Errorf("scenario directory: %w", err)
	}
	if keep {
		cfg.Log.Info("keeping the scenarios' files", "dir", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	cfg.Dir = dir
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_, err = loadtest.Run(ctx, cfg, os.Stdout)
	return err
}

// raiseFileLimit lifts the open-file limit to its hard maximum: hundreds of
// connections at once, for this process and the servers it starts.
func raiseFileLimit(log *slog.Logger) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		log.Warn("open-file limit", "err", err)
		return
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			log.Warn("raise the open-file limit", "err", err)
		}
	}
}
