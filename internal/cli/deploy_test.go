package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	recipes "github.com/skillarena/arena/deploy/images"
	"github.com/skillarena/arena/internal/telemetry"
)

// deployContainer is one container of a deployment file: its image, the
// command it runs and the names of its environment variables.
type deployContainer struct {
	where   string
	image   string
	command []string
	env     []string
}

// containersIn finds every container in a compose file or Kubernetes
// manifest (any mapping with an image next to a command or args).
// A container's envFrom brings secretKeys, the keys of the Secret beside it.
func containersIn(t *testing.T, file string, secretKeys []string) []deployContainer {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []deployContainer
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if img, ok := v["image"].(string); ok {
				c := deployContainer{where: file + ": " + path, image: img}
				for _, key := range []string{"command", "args"} {
					if list, ok := v[key].([]any); ok {
						for _, w := range list {
							c.command = append(c.command, toString(w))
						}
					}
				}
				switch env := v["environment"].(type) {
				case map[string]any:
					for k := range env {
						c.env = append(c.env, k)
					}
				}
				if from, ok := v["envFrom"].([]any); ok && len(from) > 0 {
					c.env = append(c.env, secretKeys...)
				}
				if env, ok := v["env"].([]any); ok {
					for _, e := range env {
						if m, ok := e.(map[string]any); ok {
							c.env = append(c.env, toString(m["name"]))
						}
					}
				}
				out = append(out, c)
			}
			for k, x := range v {
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		walk("", doc)
	}
	return out
}

func toString(v any) string {
	s, _ := v.(string)
	return s
}

// TestDeploymentFiles checks that every arena command, flag and ARENA_*
// variable the compose file and the Kubernetes manifests use exists, that
// every skillarena image they name has a recipe, and that other images are
// pinned to a version.
func TestDeploymentFiles(t *testing.T) {
	files, err := filepath.Glob("../../deploy/k8s/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../../deploy/compose.yaml")
	var secretKeys []string
	var secret struct {
		Kind       string            `yaml:"kind"`
		StringData map[string]string `yaml:"stringData"`
	}
	data, err := os.ReadFile("../../deploy/k8s/secret.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &secret); err != nil || secret.Kind != "Secret" {
		t.Fatalf("deploy/k8s/secret.yaml: %v (kind %q)", err, secret.Kind)
	}
	for k := range secret.StringData {
		secretKeys = append(secretKeys, k)
	}
	if !slices.Contains(secretKeys, "ARENA_REDIS") || !slices.Contains(secretKeys, "ARENA_BLOBS") {
		t.Errorf("the Secret names neither ARENA_REDIS nor ARENA_BLOBS: %v", secretKeys)
	}
	rs, err := recipes.Recipes()
	if err != nil {
		t.Fatal(err)
	}
	images := map[string]bool{}
	for _, r := range rs {
		images[r.Name+":latest"] = true
	}
	var arenaRuns int
	for _, f := range files {
		cs := containersIn(t, f, secretKeys)
		if len(cs) == 0 && !strings.HasSuffix(f, "secret.yaml") {
			t.Errorf("%s: no container found", f)
		}
		for _, c := range cs {
			if !strings.HasPrefix(c.image, recipes.Prefix) {
				if tag := c.image[strings.LastIndex(c.image, ":")+1:]; !strings.Contains(c.image, ":") || tag == "latest" {
					t.Errorf("%s: image %s is not pinned to a version", c.where, c.image)
				}
				continue
			}
			if !images[c.image] {
				t.Errorf("%s: image %s has no recipe under deploy/images", c.where, c.image)
			}
			if c.image != recipes.Prefix+"arena:latest" {
				continue
			}
			arenaRuns++
			checkArenaCommand(t, c)
		}
	}
	if arenaRuns < 4 {
		t.Errorf("found %d arena containers, want serve and judge in both compose and Kubernetes", arenaRuns)
	}
}

func checkArenaCommand(t *testing.T, c deployContainer) {
	t.Helper()
	if len(c.command) < 2 || c.command[0] != "/usr/local/bin/arena" {
		t.Errorf("%s: command %q does not start with /usr/local/bin/arena and a command", c.where, c.command)
		return
	}
	args := c.command[1:]
	var cmd *command
	for _, x := range commands() {
		words := strings.Fields(x.name)
		if len(args) >= len(words) && slices.Equal(args[:len(words)], words) {
			cmd, args = &x, args[len(words):]
			break
		}
	}
	if cmd == nil {
		t.Errorf("%s: no arena command %q", c.where, c.command[1])
		return
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cmd.setup(fs)
	if err := fs.Parse(args); err != nil {
		t.Errorf("%s: arena %s %q: %v", c.where, cmd.name, args, err)
	}
	for _, name := range c.env {
		if !strings.HasPrefix(name, "ARENA_") {
			continue
		}
		known := false
		fs.VisitAll(func(f *flag.Flag) { known = known || envName(f.Name) == name })
		if !known {
			t.Errorf("%s: arena %s has no flag read from %s", c.where, cmd.name, name)
		}
	}
}

// metricToken finds the metric names of a PromQL expression (its quoted
// label values taken out first): SkillArena's, the Go runtime's, the process's.
var (
	quoted      = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	metricToken = regexp.MustCompile(`(?:^|[^a-zA-Z0-9_:])((?:arena|go|process)_[a-zA-Z0-9_:]*)`)
)

// unknownMetrics are the metric names expr uses that known lacks; a
// histogram's _bucket, _count and _sum series count as its base name.
func unknownMetrics(expr string, known []string) []string {
	var out []string
	for _, m := range metricToken.FindAllStringSubmatch(quoted.ReplaceAllString(expr, `""`), -1) {
		name := m[1]
		base := name
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			base = strings.TrimSuffix(base, suffix)
		}
		if !slices.Contains(known, name) && !slices.Contains(known, base) {
			out = append(out, name)
		}
	}
	return out
}

func TestUnknownMetrics(t *testing.T) {
	known := []string{"arena_http_requests_total", "arena_grading_duration_seconds", "go_goroutines"}
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{`sum(rate(arena_http_requests_total{status=~"5.."}[5m]))`, nil},
		{`histogram_quantile(0.95, sum by (le) (rate(arena_grading_duration_seconds_bucket[5m])))`, nil},
		{`go_goroutines + arena_no_such_metric`, []string{"arena_no_such_metric"}},
		{`arena_http_requests_total{route="arena_not_a_metric"}`, nil},
		{`arena_http_request_total`, []string{"arena_http_request_total"}},
	} {
		if got := unknownMetrics(tc.expr, known); !slices.Equal(got, tc.want) {
			t.Errorf("%s: unknown %v, want %v", tc.expr, got, tc.want)
		}
	}
}

// exprsIn collects every "expr" string of a decoded JSON or YAML document.
func exprsIn(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "expr" {
				*out = append(*out, s)
			}
			exprsIn(x, out)
		}
	case []any:
		for _, x := range v {
			exprsIn(x, out)
		}
	}
}

// readDeployFile decodes a file of the repository, YAML or JSON (which YAML reads too), into out.
func readDeployFile(t *testing.T, name string, out any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../..", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, out); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestMonitoringFiles checks that every metric the Grafana dashboard and the
// alert rules name is one the arena binary registers, that every alert says
// what it means, and that the scrape example loads the rules.
func TestMonitoringFiles(t *testing.T) {
	known, err := telemetry.New().Names()
	if err != nil {
		t.Fatal(err)
	}
	var dashboard any
	readDeployFile(t, "deploy/grafana/skillarena.json", &dashboard)
	var dashExprs []string
	exprsIn(dashboard, &dashExprs)
	if len(dashExprs) < 10 {
		t.Errorf("the dashboard has %d queries", len(dashExprs))
	}

	var alerts struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				Labels      map[string]string `yaml:"labels"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	readDeployFile(t, "deploy/prometheus/alerts.yaml", &alerts)
	var alertExprs []string
	for _, g := range alerts.Groups {
		for _, r := range g.Rules {
			alertExprs = append(alertExprs, r.Expr)
			if r.Alert == "" || r.Expr == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("alerts.yaml: rule %q lacks a name, expr, severity or summary", r.Alert)
			}
		}
	}
	// What the alerts must watch, by the metric each needs.
	for _, metric := range []string{"arena_queue_oldest_job_age_seconds", "arena_judges_online", "arena_http_requests_total",
		"arena_redis_errors_total", "arena_websocket_events_dropped_total"} {
		if !slices.ContainsFunc(alertExprs, func(e string) bool { return strings.Contains(e, metric) }) {
			t.Errorf("no alert watches %s", metric)
		}
	}
	for file, exprs := range map[string][]string{"deploy/grafana/skillarena.json": dashExprs, "deploy/prometheus/alerts.yaml": alertExprs} {
		for _, e := range exprs {
			if u := unknownMetrics(e, known); len(u) > 0 {
				t.Errorf("%s: %q names %v, which the arena binary does not register", file, e, u)
			}
		}
	}

	var prom struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			JobName string `yaml:"job_name"`
		} `yaml:"scrape_configs"`
	}
	readDeployFile(t, "deploy/prometheus/prometheus.yml", &prom)
	if !slices.Contains(prom.RuleFiles, "alerts.yaml") || len(prom.ScrapeConfigs) == 0 {
		t.Errorf("prometheus.yml: rule_files %v, %d scrape configs", prom.RuleFiles, len(prom.ScrapeConfigs))
	}
}
