package container

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/skillarena/arena/sandbox/runner"
)

func TestConfigWithDefaults(t *testing.T) {
	run := runner.Step{Command: []string{"x"}, Limits: runner.Limits{CPUTimeMS: 1000, WallTimeMS: 3000, MemoryBytes: 128 << 20, OutputBytes: 1 << 20}}
	req := runner.Request{Run: run, Tests: make([]runner.Test, 4)}
	req.Tests[0].Input = make([]byte, 1000)
	req.Files = []runner.File{{Name: "a", Data: make([]byte, 24)}}
	c := Config{Image: "i"}.WithDefaults(req)
	data := int64(3*1024 + 2*4<<20)
	if c.MemoryBytes != 128<<20+RunnerOverheadBytes+data || c.PidsLimit != 64 || c.NanoCPUs != 1e9 ||
		c.TmpfsBytes != 64<<20 || c.ReplyCap != 64<<20 || c.WallTimeout != 4*3*time.Second+WallSlack {
		t.Errorf("defaults: %+v", c)
	}
	req.Compile = &runner.Step{Command: []string{"cc"}, Limits: runner.Limits{CPUTimeMS: 10000, WallTimeMS: 20000, MemoryBytes: 512 << 20}}
	c = Config{Image: "i"}.WithDefaults(req)
	if c.MemoryBytes != 512<<20+RunnerOverheadBytes+data || c.WallTimeout != 12*time.Second+20*time.Second+WallSlack {
		t.Errorf("with compile: %+v", c)
	}
	set := Config{Image: "i", MemoryBytes: 1, PidsLimit: 2, NanoCPUs: 3, TmpfsBytes: 4, WallTimeout: 5, ReplyCap: 6}
	req.Run.Limits.OutputBytes = 1 << 30
	if got := (Config{ReplyCap: 10}).WithDefaults(req); got.MemoryBytes != 512<<20+RunnerOverheadBytes+3*1024+2*10 {
		t.Errorf("outputs not bounded by the reply cap: %d", got.MemoryBytes)
	}
	if got := set.WithDefaults(req); got.MemoryBytes != 1 || got.PidsLimit != 2 || got.NanoCPUs != 3 ||
		got.TmpfsBytes != 4 || got.WallTimeout != 5 || got.ReplyCap != 6 {
		t.Errorf("explicit values changed: %+v", got)
	}
}

func TestContainerSpec(t *testing.T) {
	cfg := Config{Image: "img", MemoryBytes: 100 << 20, PidsLimit: 32, NanoCPUs: 5e8, TmpfsBytes: 1 << 20,
		Labels: map[string]string{"skillarena.submission": "42", Label: "0"}}
	c, h := containerSpec(cfg)
	switch {
	case c.User != "0:0", !c.NetworkDisabled, h.NetworkMode != "none", !h.ReadonlyRootfs:
		t.Errorf("user/network/rootfs: %+v %+v", c, h)
	case len(h.CapDrop) != 1 || h.CapDrop[0] != "ALL", strings.Join(h.CapAdd, ",") != "CAP_SETUID,CAP_SETGID,CAP_KILL,CAP_CHOWN", len(h.SecurityOpt) != 1 || h.SecurityOpt[0] != "no-new-privileges":
		t.Errorf("privileges: %v %v", h.CapDrop, h.SecurityOpt)
	case h.Memory != 100<<20 || h.MemorySwap != h.Memory, *h.PidsLimit != 32, h.NanoCPUs != 5e8:
		t.Errorf("resources: %+v", h.Resources)
	case h.LogConfig.Type != "none":
		t.Errorf("log driver %q", h.LogConfig.Type)
	case c.Labels[Label] != "1" || c.Labels["skillarena.submission"] != "42":
		t.Errorf("labels %v", c.Labels)
	case !strings.Contains(h.Tmpfs["/work"], "size=1048576") || !strings.Contains(h.Tmpfs["/work"], "uid=0,") ||
		!strings.Contains(h.Tmpfs["/tmp"], "size=1048576"):
		t.Errorf("tmpfs %v", h.Tmpfs)
	case len(c.Cmd) != 1 || c.Cmd[0] != RunnerPath || c.WorkingDir != "/work" || !c.OpenStdin || !c.StdinOnce:
		t.Errorf("command %+v", c)
	}
}

func TestCapWriter(t *testing.T) {
	var out bytes.Buffer
	w := &limitWriter{w: &out, left: 4}
	if n, err := w.Write([]byte("ab")); n != 2 || err != nil {
		t.Fatal(n, err)
	}
	if n, err := w.Write([]byte("cdef")); n != 2 || err != errReplyTooBig || out.String() != "abcd" {
		t.Fatalf("over the limit: %d %v %q", n, err, out.String())
	}
	tw := &capWriter{limit: 2}
	if n, err := tw.Write([]byte("xyz")); n != 3 || err != nil || string(tw.buf) != "xy" {
		t.Fatalf("truncating: %d %v %q", n, err, tw.buf)
	}
	if n, err := tw.Write([]byte("w")); n != 1 || err != nil || string(tw.buf) != "xy" {
		t.Fatalf("past the cap: %d %v %q", n, err, tw.buf)
	}
}

func TestSizeClass(t *testing.T) {
	for _, tc := range []struct{ in, want int64 }{
		{0, 0}, {5, 5}, {8 << 20, 8 << 20}, {64<<20 + 1, 72 << 20}, {64<<20 + 400, 72 << 20},
		{72 << 20, 72 << 20}, {72<<20 + 1, 80 << 20}, {200 << 20, 208 << 20},
	} {
		if got := sizeClass(tc.in); got != tc.want {
			t.Errorf("sizeClass(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
	// Sources a few bytes apart share one container spec.
	a := Config{Image: "i"}.WithDefaults(runner.Request{Files: []runner.File{{Data: make([]byte, 100)}}}).sized()
	b := Config{Image: "i"}.WithDefaults(runner.Request{Files: []runner.File{{Data: make([]byte, 2000)}}}).sized()
	if a.MemoryBytes != b.MemoryBytes || a.TmpfsBytes != b.TmpfsBytes || a.MemoryBytes%(8<<20) != 0 {
		t.Errorf("different sizes: %+v %+v", a, b)
	}
}

func TestStoppedBefore(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(d time.Duration) string { return t0.Add(d).Format(time.RFC3339Nano) }
	if !stoppedBefore(container.State{FinishedAt: at(-time.Millisecond)}, t0) {
		t.Error("stopped a millisecond before: not seen")
	}
	if stoppedBefore(container.State{FinishedAt: at(time.Millisecond)}, t0) {
		t.Error("stopped after: taken for before")
	}
	if stoppedBefore(container.State{Running: true, FinishedAt: at(-time.Hour)}, t0) {
		t.Error("running: taken for stopped")
	}
	if stoppedBefore(container.State{FinishedAt: "0001-01-01T00:00:00Z"}, t0) {
		t.Error("never stopped: taken for stopped")
	}
}

func TestWholeContainer(t *testing.T) {
	req := runner.Request{Compile: &runner.Step{}, Tests: []runner.Test{{Name: "a"}, {Name: "b"}}}
	res := wholeContainer(req, runner.StatusMemoryLimit, "oom")
	if res.Compile != nil || len(res.Tests) != 2 || res.Tests[1].Name != "b" || res.Tests[1].Status != runner.StatusMemoryLimit {
		t.Fatalf("%+v", res)
	}
}

func TestSweepSparesHeldContainers(t *testing.T) {
	r := NewWithClient(nil, nil)
	r.track("held", true)
	old := time.Now().Add(-time.Hour).Unix()
	if r.leftover(container.Summary{ID: "held", Created: old}, time.Minute) {
		t.Error("a held container taken for a leftover")
	}
	if !r.leftover(container.Summary{ID: "other", Created: old}, time.Minute) {
		t.Error("an old container of nobody here not taken for a leftover")
	}
	if r.leftover(container.Summary{ID: "new", Created: time.Now().Unix()}, time.Minute) {
		t.Error("a new container taken for a leftover")
	}
	r.track("held", false)
	if !r.leftover(container.Summary{ID: "held", Created: old}, time.Minute) {
		t.Error("a released container spared")
	}
}
