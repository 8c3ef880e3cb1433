package runner

// Identities inside the sandbox. The runner starts as root with only the
// capabilities it needs to switch (SETUID, SETGID, KILL, CHOWN) and runs
// every step under an identity of its own, so that nothing a step starts can
// signal, trace, read /proc of, or write to the runner.
const (
	// ContestantUID is the uid (and gid) of contestant steps: compilers,
	// the contestant's program, and what a custom grader runs for it.
	ContestantUID = 65534
	// GraderUID is the uid (and gid) of a Request.Grader run step: a custom
	// package's grader, which owns the package's files and starts
	// contestant steps through ContestantFlag.
	GraderUID = 65533
)
