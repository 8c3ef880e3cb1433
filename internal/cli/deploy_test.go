package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	recipes "github.com/skillarena/arena/deploy/images"
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
