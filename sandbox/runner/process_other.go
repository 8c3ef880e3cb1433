//go:build !linux

package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// errLinuxOnly is what the process-running parts say off Linux: the sandbox
// runner only ever runs inside a Linux container.
var errLinuxOnly = errors.New("the SkillArena runner needs Linux")

func (e *executor) runProcess(ctx context.Context, p launch) (StepResult, error) {
	return StepResult{Name: p.name}, errLinuxOnly
}

// RunContestant is the contestant-step mode; off Linux it only reports that it cannot run.
func RunContestant(ctx context.Context, args []string, stderr io.Writer) int {
	fmt.Fprintln(stderr, errLinuxOnly)
	return 126
}

// ContestantFlag puts arena-runner into contestant-step mode (Linux only).
const ContestantFlag = "--contestant"

// ContestantEnv names, in a grader's environment, the arena-runner binary.
const ContestantEnv = "ARENA_RUNNER"

// SocketEnv names, in a grader's environment, the runner's socket.
const SocketEnv = "ARENA_RUNNER_SOCKET"

type contestantServer struct{ socket string }

func (e *executor) serveContestantSteps(ctx context.Context) (*contestantServer, error) {
	return nil, errLinuxOnly
}

func (s *contestantServer) close() {}

func setNotDumpable() error { return errLinuxOnly }

// RunShim is the exec-shim mode; off Linux it only reports that it cannot run.
func RunShim(args []string, stderr io.Writer) int {
	fmt.Fprintln(stderr, errLinuxOnly)
	return 126
}

// ShimFlag is the first argument that puts arena-runner into exec-shim mode.
const ShimFlag = "--exec"

func oomKillFile() string { return "" }

func readOOMKills(path string) (int64, error) { return 0, errLinuxOnly }

func memfdWith(data []byte) (*os.File, error) { return nil, errLinuxOnly }

type sandboxCounters struct{}

func findSandboxCounters() *sandboxCounters { return nil }
