package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/skillarena/arena/challenges"
)

// BenchmarkIntegrationSubmitToVerdict measures the time from POST to a
// judged accepted hello, one submission at a time, as a contestant sees it
// (the client polls every 10 ms). Run: go test ./internal/e2e -run '^$'
// -bench SubmitToVerdict -benchtime 20x
func BenchmarkIntegrationSubmitToVerdict(b *testing.B) {
	p := startPlatform(b)
	alice := p.login("alice")
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		sid := p.submit(alice, "hello", helloAccepted)
		for {
			v := p.submission(alice, sid)
			if v.Status == "done" {
				if v.Outcome != "accepted" {
					b.Fatalf("%s: %s", sid, v.Outcome)
				}
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportLatency(b, lat)
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
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "median-ms")
	b.ReportMetric(ms(lat[len(lat)*9/10]), "p90-ms")
	b.ReportMetric(ms(lat[0]), "min-ms")
}
