package runner

import "time"

// Defaults applied by Limits.WithDefaults to zero fields.
const (
	DefaultCPUTimeMS   = 10_000
	DefaultMemoryBytes = 256 << 20
	DefaultOutputBytes = 16 << 20
)

// Caps the exec shim applies to every contestant process, whatever the limits.
const (
	// MaxOpenFiles is RLIMIT_NOFILE for contestant processes.
	MaxOpenFiles = 256
	// MaxFileBytes is RLIMIT_FSIZE for contestant processes: the largest file
	// one process may write. The tmpfs size caps the total.
	MaxFileBytes = 64 << 20
)

// WithDefaults returns l with zero fields replaced: CPU time 10 s, wall time
// twice the CPU time plus one second, memory 256 MiB, stdout 16 MiB.
func (l Limits) WithDefaults() Limits {
	if l.CPUTimeMS <= 0 {
		l.CPUTimeMS = DefaultCPUTimeMS
	}
	if l.WallTimeMS <= 0 {
		l.WallTimeMS = 2*l.CPUTimeMS + 1000
	}
	if l.MemoryBytes <= 0 {
		l.MemoryBytes = DefaultMemoryBytes
	}
	if l.OutputBytes <= 0 {
		l.OutputBytes = DefaultOutputBytes
	}
	return l
}

// Wall is the wall-clock limit as a duration.
func (l Limits) Wall() time.Duration { return time.Duration(l.WallTimeMS) * time.Millisecond }

// CPUSeconds is the CPU limit rounded up to whole seconds, as RLIMIT_CPU takes it.
func (l Limits) CPUSeconds() int64 {
	if l.CPUTimeMS <= 0 {
		return 0
	}
	return (l.CPUTimeMS + 999) / 1000
}
