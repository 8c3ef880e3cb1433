// Package runner is the in-container test runner: it receives one Request on
// stdin, runs the contestant's program on every test under per-test limits, and
// writes one Result as JSON on stdout. Running all tests in one container keeps
// the per-test cost to a process start.
package runner

// Limits bound one process run inside the sandbox.
type Limits struct {
	CPUTimeMS   int64 `json:"cpu_time_ms"`
	WallTimeMS  int64 `json:"wall_time_ms"`
	MemoryBytes int64 `json:"memory_bytes"`
	OutputBytes int64 `json:"output_bytes"` // stdout cap; stderr is capped at StderrCap
}

// StderrCap is how much of a process's stderr is kept.
const StderrCap = 8 << 10

// File is written into the work directory before anything runs.
type File struct {
	Name string `json:"name"` // relative, no ".."
	Data []byte `json:"data"`
	Exec bool   `json:"exec,omitempty"`
	// Shared marks a grader's file that contestant steps may read too (the
	// submission); a grader's other files are its own.
	Shared bool `json:"shared,omitempty"`
}

// Step is one command with its limits.
type Step struct {
	Command []string `json:"command"`
	Limits  Limits   `json:"limits"`
}

// Test is one input fed to the run step on stdin.
type Test struct {
	Name  string `json:"name"`
	Input []byte `json:"input"`
}

// Request is everything the runner needs for one submission.
type Request struct {
	Files   []File `json:"files"`
	Compile *Step  `json:"compile,omitempty"`
	Run     Step   `json:"run"`
	Tests   []Test `json:"tests"`
	// StopOnFailure skips the remaining tests after the first one that does
	// not exit cleanly (the checker still decides wrong answers outside).
	StopOnFailure bool `json:"stop_on_failure,omitempty"`
	// Grader makes the run step a package's grader rather than contestant
	// code: it runs under GraderUID, owns the files (only Shared ones are
	// readable by contestant steps), and runs the contestant's code with
	// `arena-runner --contestant`, which keeps that code away from it.
	Grader bool `json:"grader,omitempty"`
	// OutputBudget caps the output kept over all steps together (stdout and
	// stderr), so that the reply stays within what the sandbox reads back:
	// a step whose output passes what is left ends output_limit. Zero means
	// DefaultOutputBudget.
	OutputBudget int64 `json:"output_budget,omitempty"`
}

// DefaultOutputBudget is Request.OutputBudget's default: encoded in the
// reply (base64), it stays below the sandbox's 64 MiB reply cap.
const DefaultOutputBudget = 40 << 20

// Status is how one process run ended, as the runner sees it.
type Status string

// Statuses a StepResult may carry.
const (
	StatusOK           Status = "ok"            // exited 0
	StatusRuntimeError Status = "runtime_error" // non-zero exit or killed by a signal
	StatusTimeLimit    Status = "time_limit"    // CPU or wall time exceeded
	StatusMemoryLimit  Status = "memory_limit"  // peak memory exceeded or OOM-killed
	StatusOutputLimit  Status = "output_limit"  // stdout exceeded the cap
	StatusSkipped      Status = "skipped"       // not run (an earlier step failed)
)

// StepResult is what one process run did.
type StepResult struct {
	Name        string `json:"name"`
	Status      Status `json:"status"`
	ExitCode    int    `json:"exit_code"`
	Signal      string `json:"signal,omitempty"`
	CPUTimeMS   int64  `json:"cpu_time_ms"`
	WallTimeMS  int64  `json:"wall_time_ms"`
	MemoryBytes int64  `json:"memory_bytes"`
	Stdout      []byte `json:"stdout"`
	Stderr      []byte `json:"stderr"`
}

// Result is the runner's answer to a Request.
type Result struct {
	Compile *StepResult  `json:"compile,omitempty"`
	Tests   []StepResult `json:"tests"`
	// Error is set when the runner itself could not do its job (bad request,
	// unwritable work dir): the grade is then a system error, not the contestant's.
	Error string `json:"error,omitempty"`
}
