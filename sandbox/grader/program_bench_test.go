package grader_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	dcontainer "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/grader"
	"github.com/skillarena/arena/sandbox/verdict"
)

// The overhead benchmarks grade a hello-sized Python program (read a name,
// greet it) on 1, 10 and 100 tests three ways: through the grader (one
// sandbox container for all tests), as a bare python3 per test on the host,
// and as one docker run per test (create, attach, start, wait, remove).
// Run: go test ./sandbox/grader -run '^$' -bench 'Integration(GradeHello|GradeCat|DockerRunPerTest)|BarePython' -benchtime 10x
// Each reports ms/submission; the per-test cost is the slope between 1 and
// 100 tests, the per-submission cost what is left at 1 test.

const helloProgram = "print('Hello, ' + input() + '!')\n"

var testCounts = []int{1, 10, 100}

// helloTests are n tests: names in, greetings out.
func helloTests(n int) map[string][2]string {
	tests := map[string][2]string{}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("name%03d", i)
		tests[fmt.Sprintf("%03d", i)] = [2]string{name + "\n", "Hello, " + name + "!\n"}
	}
	return tests
}

func BenchmarkIntegrationGradeHello(b *testing.B) {
	g, _ := realGrader(b, "python3")
	for _, n := range testCounts {
		pkg := sumPackage(b, "", helloTests(n), nil)
		b.Run(fmt.Sprintf("tests=%d", n), func(b *testing.B) {
			for b.Loop() {
				res, err := g.Grade(context.Background(), pkg, "python3", []byte(helloProgram))
				if err != nil || res.Outcome != verdict.Accepted {
					b.Fatalf("%+v %v", res, err)
				}
			}
			reportPerSubmission(b)
		})
	}
}

// BenchmarkIntegrationGradeCat grades `cat` (each test's output is its
// input) on the same tests: the sandbox's own cost, with almost no program
// start-up in it. pool=0 starts a container per submission, pool=2 keeps
// two waiting (the judge's default), submissions following each other at
// once, so each also competes with the start of its successor's container.
func BenchmarkIntegrationGradeCat(b *testing.B) {
	for _, size := range []int{0, container.DefaultPoolPerKey} {
		g, _ := realGrader(b, "python3")
		usePool(b, g, size)
		g.Languages["cat"] = grader.Language{Name: "cat", Image: g.Languages["python3"].Image, File: "main.txt", Run: []string{"cat"}}
		for _, n := range testCounts {
			tests := helloTests(n)
			for k, io := range tests {
				tests[k] = [2]string{io[0], io[0]}
			}
			pkg := sumPackage(b, "", tests, nil)
			pkg.Spec.Languages = append(pkg.Spec.Languages, "cat")
			b.Run(fmt.Sprintf("pool=%d/tests=%d", size, n), func(b *testing.B) {
				for b.Loop() {
					res, err := g.Grade(context.Background(), pkg, "cat", []byte("-"))
					if err != nil || res.Outcome != verdict.Accepted {
						b.Fatalf("%+v %v", res, err)
					}
				}
				reportPerSubmission(b)
			})
		}
	}
}

// usePool makes g's sandbox keep size containers waiting per spec; they
// are removed when b ends, before realGrader looks for leftovers.
func usePool(b *testing.B, g *grader.Grader, size int) {
	r := g.Sandbox.(labeled).r
	r.UsePool(container.PoolConfig{PerKey: size})
	b.Cleanup(func() { r.Close() })
}

func BenchmarkBarePython(b *testing.B) {
	py, err := exec.LookPath("/usr/bin/python3")
	if err != nil {
		b.Skip("no Debian python3 on the host")
	}
	src := filepath.Join(b.TempDir(), "main.py")
	if err := os.WriteFile(src, []byte(helloProgram), 0o644); err != nil {
		b.Fatal(err)
	}
	check := challenges.Checkers[challenges.CheckExact]
	for _, n := range testCounts {
		tests := helloTests(n)
		b.Run(fmt.Sprintf("tests=%d", n), func(b *testing.B) {
			for b.Loop() {
				for _, io := range tests {
					cmd := exec.Command(py, src)
					cmd.Stdin = bytes.NewReader([]byte(io[0]))
					out, err := cmd.Output()
					if err != nil {
						b.Fatal(err)
					}
					if ok, msg := check(out, []byte(io[1])); !ok {
						b.Fatal(msg)
					}
				}
			}
			reportPerSubmission(b)
		})
	}
}

func BenchmarkIntegrationDockerRunPerTest(b *testing.B) {
	cli := testenv.Docker(b)
	const image = "skillarena/python3:latest"
	testenv.Image(b, cli, image)
	check := challenges.Checkers[challenges.CheckExact]
	for _, n := range testCounts {
		tests := helloTests(n)
		b.Run(fmt.Sprintf("tests=%d", n), func(b *testing.B) {
			for b.Loop() {
				for _, io := range tests {
					out, err := dockerRun(context.Background(), cli, image, []string{"python3", "-c", helloProgram}, []byte(io[0]))
					if err != nil {
						b.Fatal(err)
					}
					if ok, msg := check(out, []byte(io[1])); !ok {
						b.Fatalf("%s: %q", msg, out)
					}
				}
			}
			reportPerSubmission(b)
		})
	}
}

// dockerRun runs one command in a fresh container with the sandbox's
// isolation (no network, read-only root, no capabilities, unprivileged
// user, memory cap), feeding it stdin, and returns its stdout.
func dockerRun(ctx context.Context, cli *client.Client, image string, cmd []string, stdin []byte) ([]byte, error) {
	pids := int64(container.DefaultPidsLimit)
	created, err := cli.ContainerCreate(ctx, &dcontainer.Config{
		Image: image, Cmd: cmd, User: container.User, WorkingDir: "/tmp",
		NetworkDisabled: true, AttachStdin: true, AttachStdout: true, AttachStderr: true, OpenStdin: true, StdinOnce: true,
		Labels: map[string]string{container.Label: "1"},
	}, &dcontainer.HostConfig{
		NetworkMode: "none", ReadonlyRootfs: true, CapDrop: []string{"ALL"}, SecurityOpt: []string{"no-new-privileges"},
		LogConfig: dcontainer.LogConfig{Type: "none"},
		Resources: dcontainer.Resources{Memory: 256 << 20, MemorySwap: 256 << 20, PidsLimit: &pids, NanoCPUs: container.DefaultNanoCPUs},
	}, nil, nil, "")
	if err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = cli.ContainerRemove(rctx, created.ID, dcontainer.RemoveOptions{Force: true})
	}()
	hj, err := cli.ContainerAttach(ctx, created.ID, dcontainer.AttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		return nil, fmt.Errorf("attach: %w", err)
	}
	defer hj.Close()
	if err := cli.ContainerStart(ctx, created.ID, dcontainer.StartOptions{}); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	if _, err := hj.Conn.Write(stdin); err != nil {
		return nil, fmt.Errorf("write stdin: %w", err)
	}
	if err := hj.CloseWrite(); err != nil {
		return nil, fmt.Errorf("close stdin: %w", err)
	}
	var stdout bytes.Buffer
	if _, err := stdcopy.StdCopy(&stdout, io.Discard, hj.Reader); err != nil {
		return nil, fmt.Errorf("read output: %w", err)
	}
	waitCh, errCh := cli.ContainerWait(ctx, created.ID, dcontainer.WaitConditionNotRunning)
	select {
	case w := <-waitCh:
		if w.StatusCode != 0 {
			return stdout.Bytes(), fmt.Errorf("exit code %d", w.StatusCode)
		}
	case err := <-errCh:
		return nil, fmt.Errorf("wait: %w", err)
	}
	return stdout.Bytes(), nil
}

// reportPerSubmission reports the mean time per graded submission in ms.
func reportPerSubmission(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/submission")
}
