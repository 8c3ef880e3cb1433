package grader_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	dcontainer "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/grader"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// testLabel marks the sandbox containers of one test, to check none is
// left behind.
const testLabel = "skillarena.test"

// labeled is the real sandbox, with every container labeled for the test.
type labeled struct {
	r   *container.Runner
	tag string
}

func (l labeled) Run(ctx context.Context, cfg container.Config, req runner.Request) (runner.Result, error) {
	cfg.Labels = map[string]string{testLabel: l.tag}
	return l.r.Run(ctx, cfg, req)
}

// realGrader is a grader over the real Docker sandbox. It needs the images
// of the given languages, and fails the test if a sandbox container of the
// test (label skillarena.sandbox=1) is left when it ends.
func realGrader(t testing.TB, langs ...string) (*grader.Grader, *client.Client) {
	t.Helper()
	cli := testenv.Docker(t)
	g := grader.New(nil)
	for _, l := range langs {
		testenv.Image(t, cli, g.Languages[l].Image)
	}
	var log *slog.Logger
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	tag := hex.EncodeToString(b)
	g.Sandbox = labeled{r: container.NewWithClient(cli, log), tag: tag}
	t.Cleanup(func() {
		list, err := cli.ContainerList(context.Background(), dcontainer.ListOptions{All: true, Filters: filters.NewArgs(
			filters.Arg("label", container.Label+"=1"), filters.Arg("label", testLabel+"="+tag))})
		if err != nil {
			t.Errorf("list containers: %v", err)
			return
		}
		for _, c := range list {
			t.Errorf("sandbox container %s (%s) left behind", c.ID[:12], c.State)
		}
	})
	return g, cli
}

// sumPackage is a program challenge: read numbers, print their sum; the
// extra challenge.yaml text and files are added.
func sumPackage(t testing.TB, yaml string, tests map[string][2]string, extra map[string]string) *challenges.Package {
	t.Helper()
	if !strings.Contains(yaml, "limits:") {
		yaml = "limits: {time_ms: 1000, memory_mb: 128, output_kb: 64}\n" + yaml
	}
	m := fstest.MapFS{
		"challenge.yaml": {Data: []byte("id: sum\ntitle: {en: Sum}\ncategory: data\nkind: program\npoints: 100\n" +
			"languages: [python3, cpp, go, javascript]\n" + yaml)},
		"statement.md": {Data: []byte("# Sum")},
	}
	for n, io := range tests {
		m["hidden/tests/"+n+".in"] = &fstest.MapFile{Data: []byte(io[0])}
		m["hidden/tests/"+n+".ans"] = &fstest.MapFile{Data: []byte(io[1])}
	}
	for k, v := range extra {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	pkg, err := challenges.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

var sumTests = map[string][2]string{"1": {"1 2\n", "3\n"}, "2": {"40 2\n", "42\n"}, "3": {"-5 5\n", "0\n"}}

func grade(t testing.TB, g *grader.Grader, pkg *challenges.Package, lang, src string) verdict.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := g.Grade(ctx, pkg, lang, []byte(src))
	if err != nil {
		t.Fatalf("grade %s: %v", lang, err)
	}
	return res
}

func TestIntegrationLanguages(t *testing.T) {
	g, _ := realGrader(t, "python3", "cpp", "go", "javascript")
	pkg := sumPackage(t, "", sumTests, nil)
	// Importing scikit-learn alone takes 0.9 to 1.2 s of CPU here.
	slow := sumPackage(t, "limits: {time_ms: 4000, memory_mb: 256, output_kb: 64}\n", sumTests, nil)
	tests := []struct {
		name, lang, src string
		outcome         verdict.Outcome
		message         string
	}{
		{"python", "python3", "a, b = map(int, input().split())\nprint(a + b)\n", verdict.Accepted, ""},
		{"python numpy pandas sklearn", "python3", "import numpy, pandas, sklearn.linear_model\nprint(int(numpy.array(input().split(), dtype=int).sum()))\n", verdict.Accepted, ""},
		{"cpp", "cpp", "#include <bits/stdc++.h>\nint main(){ long long a,b; std::cin>>a>>b; auto f=[](auto x){return x;}; std::cout<<f(a+b)<<\"\\n\"; }\n", verdict.Accepted, ""},
		{"cpp17 features", "cpp", "#include <iostream>\n#include <optional>\nint main(){ long long a,b; std::cin>>a>>b; if (std::optional<long long> s = a+b; s) std::cout<<*s<<'\\n'; }\n", verdict.Accepted, ""},
		{"go", "go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tvar a, b int\n\tfmt.Scan(&a, &b)\n\tfmt.Println(a + b)\n}\n", verdict.Accepted, ""},
		{"javascript", "javascript", "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n", verdict.Accepted, ""},
		{"cpp compile error", "cpp", "int main() { return x; }\n", verdict.CompileError, "was not declared in this scope"},
		{"go compile error", "go", "package main\n\nfunc main() { undefinedThing() }\n", verdict.CompileError, "undefined: undefinedThing"},
		{"python wrong", "python3", "print(0)\n", verdict.WrongAnswer, ""},
		{"javascript crash", "javascript", "throw new Error('boom');\n", verdict.RuntimeError, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			p := pkg
			if strings.Contains(tt.src, "sklearn") {
				p = slow
			}
			res := grade(t, g, p, tt.lang, tt.src)
			t.Logf("%s: %s in %v", tt.name, res.Outcome, time.Since(start).Round(time.Millisecond))
			if res.Outcome != tt.outcome {
				t.Fatalf("got %s (%s) tests %+v, want %s", res.Outcome, res.Message, res.Tests, tt.outcome)
			}
			if tt.message != "" && !strings.Contains(res.Message, tt.message) {
				t.Fatalf("message %q lacks %q", res.Message, tt.message)
			}
			if tt.outcome == verdict.Accepted && res.Score != 100 {
				t.Fatalf("score %v", res.Score)
			}
		})
	}
}
