package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/sandbox/images"
)

func TestPrintImageReports(t *testing.T) {
	var out bytes.Buffer
	printImageReports(&Env{Stdout: &out}, []images.Report{
		{Image: "skillarena/cpp:latest", Recipe: "dc063a1491913264", Built: true, Size: 353_600_000, Took: 65 * time.Second},
		{Image: "skillarena/node:latest", Recipe: "41731d85e16fc73c", Size: 205_000_000},
	})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "IMAGE") {
		t.Fatalf("table:\n%s", out.String())
	}
	for i, want := range [][]string{{"skillarena/cpp:latest", "built in 1m5s", "353.6MB"}, {"skillarena/node:latest", "up to date", "205MB"}} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("line %q lacks %q", lines[i+1], w)
			}
		}
	}
	out.Reset()
	printImageReports(&Env{Stdout: &out}, nil)
	if out.Len() != 0 {
		t.Errorf("no reports printed %q", out.String())
	}
}
