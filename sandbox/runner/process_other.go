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

func (e *executor) runProcess(ctx context.Context, name string, command []string, l Limits, stdin *os.File) (StepResult, error) {
	return StepResult{Name: name}, errLinuxOnly
}

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
