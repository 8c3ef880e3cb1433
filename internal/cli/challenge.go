package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/skillarena/arena/challenges"
	recipes "github.com/skillarena/arena/deploy/images"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/evm"
	"github.com/skillarena/arena/sandbox/grader"
	"github.com/skillarena/arena/sandbox/verdict"
)

func challengeTryCommand() command {
	return command{
		name: "challenge try", usage: "DIR FILE",
		summary: "grade FILE against the package in DIR in the local sandbox; print the result as JSON",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			lang := fs.String("language", "", "language of FILE (default: from its name, e.g. .py is python3)")
			timeout := fs.Duration("timeout", 10*time.Minute, "give up grading after this long")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 2 {
					return errors.New("give the package directory and the file to grade: arena challenge try DIR FILE")
				}
				pkg, err := loadPackageDir(args[0])
				if err != nil {
					return err
				}
				source, err := os.ReadFile(args[1])
				if err != nil {
					return fmt.Errorf("read the submission: %w", err)
				}
				g, closeSandbox, err := localGrader(ctx, env)
				if err != nil {
					return err
				}
				defer closeSandbox()
				ctx, cancel := context.WithTimeout(ctx, *timeout)
				defer cancel()
				res, err := g.Grade(ctx, pkg, languageOf(pkg, args[1], *lang), source)
				if err != nil {
					return fmt.Errorf("grade %s: %w", args[1], err)
				}
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(res)
			}
		},
	}
}

func challengeVerifyCommand() command {
	return command{
		name: "challenge verify", usage: "DIR...",
		summary: "grade each package's reference solutions (solutions/<expected>/); fail where one differs",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			parallel := fs.Int("parallel", 1, "how many solutions to grade at once")
			timeout := fs.Duration("timeout", 10*time.Minute, "give up grading one solution after this long")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) == 0 {
					return errors.New("give at least one package directory: arena challenge verify DIR...")
				}
				if *parallel < 1 {
					return fmt.Errorf("--parallel must be at least 1, got %d", *parallel)
				}
				var jobs []verifyJob
				var loadErrs []string
				for _, dir := range args {
					pkg, err := loadPackageDir(dir)
					if err != nil {
						loadErrs = append(loadErrs, err.Error())
						continue
					}
					more := verifyJobs(dir, pkg)
					if len(more) == 0 {
						fmt.Fprintf(env.Stdout, "%s: no reference solutions under solutions/<expected>/\n", pkg.Spec.ID)
					}
					jobs = append(jobs, more...)
				}
				for _, e := range loadErrs {
					fmt.Fprintln(env.Stdout, e)
				}
				if len(jobs) == 0 {
					if len(loadErrs) > 0 {
						return fmt.Errorf("%d package(s) do not load", len(loadErrs))
					}
					return nil
				}
				g, closeSandbox, err := localGrader(ctx, env)
				if err != nil {
					return err
				}
				defer closeSandbox()
				differ := runVerify(ctx, env.Stdout, g, jobs, *parallel, *timeout)
				fmt.Fprintf(env.Stdout, "\n%d reference solution(s) graded, %d differ", len(jobs), differ)
				if len(loadErrs) > 0 {
					fmt.Fprintf(env.Stdout, ", %d package(s) do not load", len(loadErrs))
				}
				fmt.Fprintln(env.Stdout)
				if differ > 0 || len(loadErrs) > 0 {
					return fmt.Errorf("%d of %d reference solutions differ from what their folder expects", differ, len(jobs))
				}
				return nil
			}
		},
	}
}

// loadPackageDir loads and validates the challenge package in dir.
func loadPackageDir(dir string) (*challenges.Package, error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a challenge package directory", dir)
	}
	pkg, err := challenges.Load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("%s:\n%w", dir, err)
	}
	return pkg, nil
}

// localGrader is a grader over the local Docker engine's sandbox.
func localGrader(ctx context.Context, env *Env) (*grader.Grader, func(), error) {
	sb, err := container.New(ctx, env.Log)
	if err != nil {
		return nil, nil, fmt.Errorf("Docker engine (start it with deploy/setup.sh): %w", err)
	}
	return grader.New(sb), func() { sb.Close() }, nil
}

// languageOf is the language to grade file in: the one given, else the
// one its name ending says (the image recipes' extensions; for evm
// challenges .json, .hex, .sol), else the challenge's only language, else
// "" (kinds that take data files).
func languageOf(pkg *challenges.Package, file, given string) string {
	if given != "" {
		return given
	}
	if pkg.Spec.Kind == challenges.KindEVM {
		if l := evm.LanguageForFile(file); l != "" {
			return l
		}
	}
	if langs, err := recipes.Languages(); err == nil {
		if l, ok := recipes.ForFile(langs, file); ok {
			return l.ID
		}
	}
	if len(pkg.Spec.Languages) == 1 {
		return pkg.Spec.Languages[0]
	}
	return ""
}

// verifyJob is one reference solution to grade.
type verifyJob struct {
	dir, file, expected string
	pkg                 *challenges.Package
}

func verifyJobs(dir string, pkg *challenges.Package) []verifyJob {
	var jobs []verifyJob
	for expected, files := range pkg.Solutions {
		for _, f := range files {
			jobs = append(jobs, verifyJob{dir: dir, file: f, expected: expected, pkg: pkg})
		}
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].file < jobs[j].file })
	return jobs
}

// expectation is what a solutions/<expected>/ folder asks for: an outcome,
// or a score.
func expectation(name string) (verdict.Outcome, *float64, error) {
	if o, err := verdict.Parse(name); err == nil {
		return o, nil, nil
	}
	if v, err := strconv.ParseFloat(name, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return "", &v, nil
	}
	return "", nil, fmt.Errorf("solutions/%s: the folder must be named after an outcome (accepted, wrong_answer, time_limit, ...) or a score", name)
}

// verifyRow is one line of the verify table.
type verifyRow struct {
	job    verifyJob
	got    string
	score  string
	took   time.Duration
	differ bool
	note   string
}

// runVerify grades the jobs, parallel at a time, printing a row as each
// finishes, and returns how many differ from their folder.
func runVerify(ctx context.Context, w io.Writer, g *grader.Grader, jobs []verifyJob, parallel int, timeout time.Duration) int {
	wc, ws, we := len("CHALLENGE"), len("SOLUTION"), len("EXPECTED")
	for _, j := range jobs {
		wc, ws, we = max(wc, len(j.pkg.Spec.ID)), max(ws, len(j.file)), max(we, len(j.expected))
	}
	format := fmt.Sprintf("%%-%ds  %%-%ds  %%-%ds  %%-18s  %%-15s  %%7s  %%s\n", wc, ws, we)
	fmt.Fprintf(w, format, "CHALLENGE", "SOLUTION", "EXPECTED", "GOT", "SCORE", "TIME", "")
	var (
		mu     sync.Mutex
		differ int
		wg     sync.WaitGroup
	)
	slots := make(chan struct{}, parallel)
	for _, j := range jobs {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			row := verifyOne(ctx, g, j, timeout)
			mark := "ok"
			if row.differ {
				mark = "DIFFERS"
				if row.note != "" {
					mark += ": " + row.note
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if row.differ {
				differ++
			}
			fmt.Fprintf(w, format, j.pkg.Spec.ID, j.file, j.expected, row.got, row.score, fmt.Sprintf("%.1fs", row.took.Seconds()), mark)
		}()
	}
	wg.Wait()
	return differ
}

// verifyOne grades one reference solution and compares it with its folder.
func verifyOne(ctx context.Context, g *grader.Grader, j verifyJob, timeout time.Duration) verifyRow {
	row := verifyRow{job: j, got: "-", score: "-"}
	wantOutcome, wantScore, err := expectation(j.expected)
	if err != nil {
		row.differ, row.note = true, err.Error()
		return row
	}
	source, err := os.ReadFile(filepath.Join(j.dir, filepath.FromSlash(j.file)))
	if err != nil {
		row.differ, row.note = true, err.Error()
		return row
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	res, err := g.Grade(ctx, j.pkg, languageOf(j.pkg, j.file, ""), source)
	row.took = time.Since(start)
	if err != nil {
		row.got, row.differ, row.note = "error", true, verifyNote(err.Error())
		return row
	}
	row.got = string(res.Outcome)
	row.score = fmt.Sprintf("%s/%s", scoreText(res.Score), scoreText(res.MaxScore))
	switch {
	case wantScore != nil:
		row.differ = math.Abs(res.Score-*wantScore) > 1e-6
	default:
		row.differ = res.Outcome != wantOutcome
	}
	if row.differ && res.Message != "" {
		row.note = verifyNote(res.Message)
	}
	return row
}

func scoreText(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// verifyNote shortens a message to one line of at most 160 characters.
func verifyNote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:160]) + "…"
	}
	return s
}
