package runner

import "syscall"

// Outcome is what the runner observed about one finished process; Classify
// turns it into a Status.
type Outcome struct {
	Exited      bool           // the process called exit
	ExitCode    int            // valid when Exited
	Signal      syscall.Signal // the signal that ended it, when not Exited
	CPUTimeMS   int64          // user + system CPU time from rusage
	MemoryBytes int64          // peak resident set from rusage
	WallKilled  bool           // the runner killed it on the wall-clock limit
	OutputKill  bool           // the runner killed it for exceeding the stdout cap
	OOMKilled   bool           // the kernel's OOM killer ended it
	CPUKilled   bool           // the runner killed it when all its processes passed the CPU limit
	MemoryKill  bool           // the runner killed it when all its processes passed the memory limit
}

// Classify decides the Status of a process run under limits l (already
// defaulted). The order matters: a limit the runner enforced by killing wins
// over the signal that kill produced, and resource limits win over the
// runtime error they usually cause.
func Classify(o Outcome, l Limits) Status {
	switch {
	case o.OutputKill:
		return StatusOutputLimit
	case o.OOMKilled, o.MemoryKill:
		return StatusMemoryLimit
	case o.CPUKilled:
		return StatusTimeLimit
	case o.WallKilled:
		return StatusTimeLimit
	case !o.Exited && o.Signal == syscall.SIGXCPU:
		return StatusTimeLimit
	case l.CPUTimeMS > 0 && o.CPUTimeMS > l.CPUTimeMS:
		// Also covers RLIMIT_CPU's hard limit, which ends a process that
		// ignores SIGXCPU with SIGKILL.
		return StatusTimeLimit
	case l.MemoryBytes > 0 && o.MemoryBytes > l.MemoryBytes:
		return StatusMemoryLimit
	case !o.Exited || o.ExitCode != 0:
		return StatusRuntimeError
	}
	return StatusOK
}
