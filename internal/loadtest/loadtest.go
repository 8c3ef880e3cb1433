// Package loadtest measures SkillArena under a contest's load, on loopback
// only: each scenario reproduces one row of docs/performance.md (what |
// figure | goal) against a server it starts itself (arena serve with a fresh
// redis-server, both on 127.0.0.1) or one already running. Every scenario is
// bounded in count and time and stops by itself; a server it started is
// killed when its memory passes a ceiling, so a regression cannot take the
// machine down. New rows (board, websockets) are new entries of Scenarios.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Config says what to measure and against what.
type Config struct {
	// Arena is the arena binary: it serves (unless Server is set) and imports.
	Arena string
	// Server is the URL of a running server; empty: each scenario starts
	// its own. ServerPID (for memory figures) and Redis go with it.
	Server    string
	ServerPID int
	Redis     string
	// Only names the scenarios to run; all when empty.
	Only []string
	// MaxRSS stops a scenario (and kills a server it started) when the
	// server's resident memory passes it, in bytes.
	MaxRSS int64
	// Viewers is how many websockets the websocket rows open (0: 10,000).
	Viewers int
	// Dir holds the scenarios' files (lists, login slips, Redis data).
	Dir string
	Log *slog.Logger
}

// Row is one line of the result table.
type Row struct {
	What, Figure, Goal string
	// Met says the figure reaches the goal.
	Met bool
}

// Scenario is one measured row.
type Scenario struct {
	// Name selects the scenario on the command line.
	Name string
	What string
	Goal string
	// Timeout bounds the whole scenario, setup included.
	Timeout time.Duration
	// Run measures against t and returns the figure and whether it meets the goal.
	Run func(ctx context.Context, t *Target) (figure string, met bool, err error)
}

// Scenarios are the rows, in table order.
func Scenarios() []Scenario {
	return []Scenario{
		{Name: "login", What: fmt.Sprintf("%d contestants logging in at once, right passwords", hallSize),
			Goal: "all done ≤ 20 s, ≤ 1 GiB growth", Timeout: 5 * time.Minute, Run: rightLogins},
		{Name: "login-wrong", What: fmt.Sprintf("%d wrong logins at once", wrongLogins),
			Goal: "≤ 20 s, ≤ 1 GiB growth", Timeout: 5 * time.Minute, Run: wrongLoginsScenario},
		{Name: "import", What: fmt.Sprintf("import %d contestants (arena users import)", importSize),
			Goal: "≤ 30 s", Timeout: 10 * time.Minute, Run: importScenario},
		{Name: "board-page", What: boardPageWhat, Goal: "≥ 100 pages/s at 32 viewers", Timeout: 5 * time.Minute, Run: boardPageScenario},
		{Name: "board-json", What: boardJSONWhat, Goal: "gzip; ETag → 304; encoded once per event", Timeout: 5 * time.Minute, Run: boardJSONScenario},
		{Name: "ws", What: "board websockets, a verdict to every viewer (-viewers)", Goal: "p99 ≤ 1.5 × bare, every viewer every event, ≤ 20 KB per socket", Timeout: 10 * time.Minute, Run: boardSockets},
		{Name: "bare", What: "bare websocket broadcaster, same viewers (the floor)", Goal: "every viewer every event", Timeout: 5 * time.Minute, Run: bareSockets},
	}
}

// Run runs the scenarios cfg selects, one after another, and writes the
// table to w. A scenario that fails gets its error as its figure; Run goes on.
func Run(ctx context.Context, cfg Config, w io.Writer) ([]Row, error) {
	if err := checkLoopback(cfg); err != nil {
		return nil, err
	}
	all := Scenarios()
	for _, name := range cfg.Only {
		if !slices.ContainsFunc(all, func(s Scenario) bool { return s.Name == name }) {
			return nil, fmt.Errorf("no scenario %q", name)
		}
	}
	var rows []Row
	for _, sc := range all {
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, sc.Name) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		cfg.Log.Info("scenario", "name", sc.Name)
		fig, met, err := runOne(ctx, cfg, sc)
		if err != nil {
			fig, met = "failed: "+err.Error(), false
			cfg.Log.Warn("scenario failed", "name", sc.Name, "err", err)
		}
		rows = append(rows, Row{What: sc.What, Figure: fig, Goal: sc.Goal, Met: met})
	}
	WriteTable(w, rows)
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(w, "\nload average at the end (1, 5, 15 min): %s; %d CPUs\n", strings.Join(strings.Fields(string(load))[:3], " "), runtime.NumCPU())
	}
	return rows, nil
}

func runOne(ctx context.Context, cfg Config, sc Scenario) (string, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, sc.Timeout)
	defer cancel()
	t, err := openTarget(ctx, cfg, sc.Name)
	if err != nil {
		return "", false, err
	}
	defer t.Close()
	fig, met, err := sc.Run(ctx, t)
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("did not finish within %v: %w", sc.Timeout, err)
	}
	return fig, met, err
}

// WriteTable writes rows as a Markdown table.
func WriteTable(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', tabwriter.Debug)
	fmt.Fprintln(tw, "| what\t figure\t goal\t met |")
	fmt.Fprintln(tw, "|---\t---\t---\t--- |")
	for _, r := range rows {
		met := "no"
		if r.Met {
			met = "yes"
		}
		fmt.Fprintf(tw, "| %s\t %s\t %s\t %s |\n", r.What, r.Figure, r.Goal, met)
	}
	tw.Flush()
}

// checkLoopback refuses any address off this machine.
func checkLoopback(cfg Config) error {
	if cfg.Server != "" {
		u, err := url.Parse(cfg.Server)
		if err != nil || u.Scheme != "http" {
			return fmt.Errorf("server %q: give an http:// URL", cfg.Server)
		}
		if !loopback(u.Hostname()) {
			return fmt.Errorf("server %s: only loopback addresses are load-tested", cfg.Server)
		}
		if cfg.Redis == "" {
			return errors.New("a running server needs its Redis address too (for the accounts)")
		}
	}
	if cfg.Redis != "" {
		host, _, err := net.SplitHostPort(cfg.Redis)
		if err != nil || !loopback(host) {
			return fmt.Errorf("Redis %q: only loopback addresses are load-tested", cfg.Redis)
		}
	}
	return nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
