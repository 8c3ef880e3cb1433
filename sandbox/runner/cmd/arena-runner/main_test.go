package main

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/skillarena/arena/sandbox/runner"
)

// TestIntegrationStaticBinary builds arena-runner the way the images need it
// and runs one request through the real binary, exec shim included.
func TestIntegrationStaticBinary(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go toolchain not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "arena-runner")
	build := exec.Command(gobin, "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("open ELF: %v", err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("binary is dynamically linked (%v)", p.Type)
		}
	}
	f.Close()

	req, err := json.Marshal(runner.Request{
		Files: []runner.File{{Name: "main.sh", Data: []byte("read x; echo \"$x$x\"\n")}},
		Run:   runner.Step{Command: []string{"sh", "main.sh"}, Limits: runner.Limits{CPUTimeMS: 1000}},
		Tests: []runner.Test{{Name: "1", Input: []byte("ab\n")}, {Name: "2", Input: []byte("c\n")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir()
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("arena-runner: %v\n%s", err, stderr.String())
	}
	var res runner.Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if res.Error != "" || len(res.Tests) != 2 || string(res.Tests[0].Stdout) != "abab\n" || string(res.Tests[1].Stdout) != "cc\n" {
		t.Fatalf("result %+v", res)
	}
}
