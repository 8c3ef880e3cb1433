package runner

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"main.py", true},
		{"src/main.cpp", true},
		{"a/b/c.txt", true},
		{".hidden", true},
		{"..data", true},
		{"", false},
		{"/etc/passwd", false},
		{"..", false},
		{"../x", false},
		{"a/../b", false},
		{"a/..", false},
		{".", false},
		{"./a", false},
		{"a//b", false},
		{"a/", false},
		{"a\x00b", false},
		{`a\..\b`, false},
	}
	for _, tt := range tests {
		err := ValidateName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestClassify(t *testing.T) {
	l := Limits{CPUTimeMS: 1500, WallTimeMS: 3000, MemoryBytes: 64 << 20, OutputBytes: 1 << 20}
	tests := []struct {
		name string
		o    Outcome
		want Status
	}{
		{"clean exit", Outcome{Exited: true, CPUTimeMS: 10, MemoryBytes: 1 << 20}, StatusOK},
		{"exit 3", Outcome{Exited: true, ExitCode: 3}, StatusRuntimeError},
		{"segfault", Outcome{Signal: syscall.SIGSEGV}, StatusRuntimeError},
		{"abort", Outcome{Signal: syscall.SIGABRT}, StatusRuntimeError},
		{"sigxcpu", Outcome{Signal: syscall.SIGXCPU, CPUTimeMS: 1400}, StatusTimeLimit},
		{"cpu over limit, clean exit", Outcome{Exited: true, CPUTimeMS: 1600}, StatusTimeLimit},
		{"cpu hard limit kill", Outcome{Signal: syscall.SIGKILL, CPUTimeMS: 3000}, StatusTimeLimit},
		{"cpu at limit", Outcome{Exited: true, CPUTimeMS: 1500}, StatusOK},
		{"wall kill", Outcome{Signal: syscall.SIGKILL, WallKilled: true}, StatusTimeLimit},
		{"output kill", Outcome{Signal: syscall.SIGKILL, OutputKill: true, WallKilled: true}, StatusOutputLimit},
		{"output kill after exit", Outcome{Exited: true, OutputKill: true}, StatusOutputLimit},
		{"oom kill", Outcome{Signal: syscall.SIGKILL, OOMKilled: true}, StatusMemoryLimit},
		{"peak over limit, clean exit", Outcome{Exited: true, MemoryBytes: 65 << 20}, StatusMemoryLimit},
		{"peak over limit, crashed", Outcome{Exited: true, ExitCode: 1, MemoryBytes: 65 << 20}, StatusMemoryLimit},
		{"peak at limit", Outcome{Exited: true, MemoryBytes: 64 << 20}, StatusOK},
		{"slow and big", Outcome{Exited: true, CPUTimeMS: 2000, MemoryBytes: 100 << 20}, StatusTimeLimit},
		{"foreign sigkill", Outcome{Signal: syscall.SIGKILL, CPUTimeMS: 5}, StatusRuntimeError},
		{"all processes past cpu", Outcome{Signal: syscall.SIGKILL, CPUKilled: true, CPUTimeMS: 900}, StatusTimeLimit},
		{"all processes past memory", Outcome{Signal: syscall.SIGKILL, MemoryKill: true, MemoryBytes: 1 << 20}, StatusMemoryLimit},
	}
	for _, tt := range tests {
		if got := Classify(tt.o, l); got != tt.want {
			t.Errorf("%s: Classify(%+v) = %s, want %s", tt.name, tt.o, got, tt.want)
		}
	}
}

func TestLimitsWithDefaults(t *testing.T) {
	tests := []struct {
		in, want Limits
	}{
		{Limits{}, Limits{CPUTimeMS: 10000, WallTimeMS: 21000, MemoryBytes: 256 << 20, OutputBytes: 16 << 20}},
		{Limits{CPUTimeMS: 1000}, Limits{CPUTimeMS: 1000, WallTimeMS: 3000, MemoryBytes: 256 << 20, OutputBytes: 16 << 20}},
		{Limits{CPUTimeMS: 1, WallTimeMS: 5, MemoryBytes: 7, OutputBytes: 9}, Limits{CPUTimeMS: 1, WallTimeMS: 5, MemoryBytes: 7, OutputBytes: 9}},
	}
	for _, tt := range tests {
		if got := tt.in.WithDefaults(); got != tt.want {
			t.Errorf("%+v.WithDefaults() = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	for ms, want := range map[int64]int64{0: 0, 1: 1, 999: 1, 1000: 1, 1001: 2, 2500: 3} {
		if got := (Limits{CPUTimeMS: ms}).CPUSeconds(); got != want {
			t.Errorf("CPUSeconds(%d ms) = %d, want %d", ms, got, want)
		}
	}
}

func TestRequestValidate(t *testing.T) {
	run := Step{Command: []string{"true"}}
	tests := []struct {
		name    string
		req     Request
		wantErr string
	}{
		{"minimal", Request{Run: run}, ""},
		{"no run command", Request{}, "run step has no command"},
		{"empty compile", Request{Run: run, Compile: &Step{}}, "compile step has no command"},
		{"negative limit", Request{Run: Step{Command: []string{"x"}, Limits: Limits{CPUTimeMS: -1}}}, "negative limit"},
		{"bad name", Request{Run: run, Files: []File{{Name: "../x"}}}, `contains ".."`},
		{"duplicate", Request{Run: run, Files: []File{{Name: "a"}, {Name: "a"}}}, "given twice"},
	}
	for _, tt := range tests {
		err := tt.req.Validate()
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestCappedBuffer(t *testing.T) {
	b := &cappedBuffer{limit: 5}
	for _, s := range []string{"ab", "cde", "fgh"} {
		if n, err := b.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if string(b.buf) != "abcde" || b.total != 8 {
		t.Fatalf("buf %q total %d, want abcde 8", b.buf, b.total)
	}
}

func TestReadOOMKills(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string { return writeTemp(t, dir, name, body) }
	v1 := write("oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 7\n")
	v2 := write("events", "low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\noom_group_kill 0\n")
	none := write("other", "max 3\n")
	if n, err := readOOMKills(v1); err != nil || n != 7 {
		t.Errorf("v1: %d, %v", n, err)
	}
	if n, err := readOOMKills(v2); err != nil || n != 2 {
		t.Errorf("v2: %d, %v", n, err)
	}
	if _, err := readOOMKills(none); err == nil {
		t.Error("file without counter: no error")
	}
}

func TestReadKeyed(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string { return writeTemp(t, dir, name, body) }
	stat := write("memory.stat", "cache 4096\nrss 100\nshmem 7\ntotal_rss 2000\ntotal_shmem 30\n")
	status := write("status", "Name:\tpython3\nUid:\t65534\t65534\t65534\t65534\nRssAnon:\t    1234 kB\n")
	tests := []struct {
		path string
		keys []string
		want int64
		ok   bool
	}{
		{stat, []string{"total_rss", "total_shmem"}, 2030, true},
		{stat, []string{"rss"}, 100, true},
		{stat, []string{"anon"}, 0, false},
		{status, []string{"RssAnon"}, 1234, true},
		{status, []string{"Uid"}, 65534, true},
		{filepath.Join(dir, "missing"), []string{"rss"}, 0, false},
	}
	for _, tt := range tests {
		got, err := readKeyed(tt.path, tt.keys...)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("readKeyed(%s, %v) = %d, %v; want %d, ok %v", filepath.Base(tt.path), tt.keys, got, err, tt.want, tt.ok)
		}
	}
}

func TestTracingFilterJumps(t *testing.T) {
	// Every jump lands inside the filter, and each denied call's on EPERM.
	prog := tracingFilter()
	denied := 0
	for i, ins := range prog {
		if ins.Code&0x07 != 0x05 { // BPF_JMP
			continue
		}
		for _, off := range []uint8{ins.Jt, ins.Jf} {
			if target := i + 1 + int(off); target >= len(prog) {
				t.Fatalf("instruction %d jumps to %d, past the end (%d)", i, target, len(prog))
			}
		}
		for _, nr := range deniedSyscalls {
			if ins.K == nr && i > 3 {
				denied++
				if target := i + 1 + int(ins.Jt); target != len(prog)-1 {
					t.Errorf("syscall %d jumps to %d, not to EPERM at %d", nr, target, len(prog)-1)
				}
			}
		}
	}
	if denied != len(deniedSyscalls) {
		t.Errorf("%d of %d denied calls checked", denied, len(deniedSyscalls))
	}
	if last := prog[len(prog)-1]; last.K&0xffff != 1 { // EPERM
		t.Errorf("the last return is %#x, want ERRNO(EPERM)", last.K)
	}
}

// writeTemp writes body to dir/name and returns the path.
func writeTemp(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
