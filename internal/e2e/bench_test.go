package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/testenv"
)

// BenchmarkIntegrationSubmitToVerdict measures the time from POST to a
// judged accepted hello, as a contestant sees it (the client polls every
// 10 ms), against one `docker run --rm` of the same sandbox image in the
// same run: the cost of a container start that a submission should not
// pay. Each iteration runs one of each, with a pause before each so that
// neither pays for the other's background work (a container removed, a
// waiting one started); back-to-back submits the next at once.
// Run: go test ./internal/e2e -run '^$' -bench SubmitToVerdict -benchtime 20x
func BenchmarkIntegrationSubmitToVerdict(b *testing.B) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		b.Skip("no docker command")
	}
	p := startPlatform(b)
	alice := p.login("alice")
	dockerRunRm(b, docker) // the image's layers in the page cache, as for the judge
	submitHello(b, p, alice)
	b.Run("spaced", func(b *testing.B) {
		const pause = 500 * time.Millisecond
		lat := make([]time.Duration, 0, b.N)
		run := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			time.Sleep(pause)
			run = append(run, dockerRunRm(b, docker))
			time.Sleep(pause)
			lat = append(lat, submitHello(b, p, alice))
		}
		reportLatency(b, lat)
		submit, dockerRun := median(lat), median(run)
		b.ReportMetric(ms(dockerRun), "docker-run-rm-median-ms")
		b.ReportMetric(float64(submit)/float64(dockerRun), "verdict/docker-run")
	})
	b.Run("back-to-back", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			lat = append(lat, submitHello(b, p, alice))
		}
		reportLatency(b, lat)
	})
}

// submitHello submits the accepted hello and waits for its verdict.
func submitHello(b *testing.B, p *platform, token string) time.Duration {
	start := time.Now()
	sid := p.submit(token, "hello", helloAccepted)
	for {
		v := p.submission(token, sid)
		if v.Status == "done" {
			if v.Outcome != "accepted" {
				b.Fatalf("%s: %s", sid, v.Outcome)
			}
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// dockerRunRm times one `docker run --rm` of the sandbox image without a
// network: the start-up and removal of a container as Docker's own command
// line does it.
func dockerRunRm(b *testing.B, docker string) time.Duration {
	start := time.Now()
	if out, err := exec.Command(docker, "run", "--rm", "--network", "none", image, "true").CombinedOutput(); err != nil {
		b.Fatalf("docker run --rm: %v: %s", err, out)
	}
	return time.Since(start)
}

// BenchmarkDirectPython runs the same solution on the same tests with a
// bare python3 on the host: the baseline for the sandbox's overhead.
func BenchmarkDirectPython(b *testing.B) {
	// Debian's python3, as in the sandbox image (a version-manager shim would add its own start-up).
	py, err := exec.LookPath("/usr/bin/python3")
	if err != nil {
		b.Skip("no python3 on the host")
	}
	fsys, _ := challenges.Example("hello")
	pkg, err := challenges.Load(fsys)
	if err != nil {
		b.Fatal(err)
	}
	src := filepath.Join(b.TempDir(), "main.py")
	if err := os.WriteFile(src, []byte(helloAccepted), 0o644); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		for _, tc := range pkg.Tests {
			cmd := exec.Command(py, src)
			cmd.Stdin = bytes.NewReader(tc.Input)
			out, err := cmd.Output()
			if err != nil {
				b.Fatal(err)
			}
			if ok, msg := challenges.Checkers["exact"](out, tc.Answer); !ok {
				b.Fatalf("test %s: %s", tc.Name, msg)
			}
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportLatency(b, lat)
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "median-ms")
	b.ReportMetric(ms(lat[len(lat)*9/10]), "p90-ms")
	b.ReportMetric(ms(lat[0]), "min-ms")
}

func median(d []time.Duration) time.Duration {
	d = slices.Clone(d)
	slices.Sort(d)
	return d[len(d)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkIntegrationBlobStores compares the blob stores a contest can
// run on: submit-to-verdict one at a time, and the throughput of a burst
// of 12 at once from three contestants, with blobs in the local directory
// and in an S3 bucket (versitygw on loopback).
// Run: go test ./internal/e2e -run '^$' -bench BlobStores -benchtime 10x
func BenchmarkIntegrationBlobStores(b *testing.B) {
	for _, store := range []string{"dir", "s3"} {
		b.Run(store, func(b *testing.B) {
			var extra []string
			if store == "s3" {
				extra = []string{"--blobs", testenv.StartS3(b).URL("arena")}
			}
			p := startPlatform(b, extra...)
			tokens := []string{p.login("alice"), p.login("bob"), p.login("carol")}
			submitHello(b, p, tokens[0]) // packages unpacked, sandboxes warm
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				lat = append(lat, submitHello(b, p, tokens[0]))
			}
			reportLatency(b, lat)
			const burst = 12
			start := time.Now()
			var wg sync.WaitGroup
			for i := range burst {
				wg.Add(1)
				go func() {
					defer wg.Done()
					submitHello(b, p, tokens[i%len(tokens)])
				}()
			}
			wg.Wait()
			b.ReportMetric(burst/time.Since(start).Seconds(), "burst-verdicts/s")
		})
	}
}
