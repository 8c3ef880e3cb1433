package runner

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// ShimFlag is the first argument that puts arena-runner into exec-shim mode.
const ShimFlag = "--exec"

// shimArgs builds the argument vector that re-executes self as the exec shim
// for command under limits l.
func shimArgs(self string, l Limits, command []string) []string {
	args := []string{self, ShimFlag,
		"--cpu-seconds", strconv.FormatInt(l.CPUSeconds(), 10),
		"--stack-bytes", strconv.FormatInt(l.MemoryBytes, 10),
		"--"}
	return append(args, command...)
}

// RunShim is the exec-shim mode: `arena-runner --exec --cpu-seconds N
// [--stack-bytes B] -- cmd args...`. It sets the resource limits of the
// contestant process (RLIMIT_CPU, RLIMIT_NOFILE, RLIMIT_FSIZE, RLIMIT_CORE 0,
// RLIMIT_STACK), offers the process to the OOM killer first
// (oom_score_adj 1000), denies it ptrace and the calls that reach into other
// processes (a seccomp filter, kept across exec) and replaces itself with cmd. It returns only on
// failure, with the exit status the caller should use: 127 when cmd is not
// found, 126 when it cannot be executed, 2 for bad arguments.
func RunShim(args []string, stderr io.Writer) int {
	if len(args) > 0 && args[0] == ShimFlag {
		args = args[1:]
	}
	fs := flag.NewFlagSet("arena-runner --exec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cpuSeconds := fs.Int64("cpu-seconds", 0, "RLIMIT_CPU soft limit in seconds (0: none)")
	stackBytes := fs.Int64("stack-bytes", 0, "RLIMIT_STACK soft limit in bytes (0: unchanged)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	command := fs.Args()
	if len(command) == 0 {
		fmt.Fprintln(stderr, "arena-runner --exec: no command")
		return 2
	}
	if err := applyLimits(*cpuSeconds, *stackBytes); err != nil {
		fmt.Fprintf(stderr, "arena-runner --exec: %v\n", err)
		return 126
	}
	// Best effort: raising one's own OOM score needs no privilege, but /proc
	// may be missing in odd environments; the cgroup cap still holds.
	_ = os.WriteFile("/proc/self/oom_score_adj", []byte("1000"), 0)

	// The filter must be on the thread that calls exec.
	runtime.LockOSThread()
	if err := denyTracing(); err != nil {
		fmt.Fprintf(stderr, "arena-runner --exec: %v\n", err)
		return 126
	}
	path, err := exec.LookPath(command[0])
	if err != nil && !errors.Is(err, exec.ErrDot) {
		fmt.Fprintf(stderr, "arena-runner --exec: %v\n", err)
		return 127
	}
	err = syscall.Exec(path, command, os.Environ())
	fmt.Fprintf(stderr, "arena-runner --exec: exec %s: %v\n", command[0], err)
	if errors.Is(err, syscall.ENOENT) {
		return 127
	}
	return 126
}

// applyLimits sets the rlimits of the current process, which the command it
// executes inherits.
func applyLimits(cpuSeconds, stackBytes int64) error {
	set := func(name string, resource int, soft, hard uint64) error {
		var cur syscall.Rlimit
		if err := syscall.Getrlimit(resource, &cur); err != nil {
			return fmt.Errorf("get %s: %w", name, err)
		}
		// Never try to raise a hard limit: that needs privilege.
		if cur.Max != unix.RLIM_INFINITY && hard > cur.Max {
			hard = cur.Max
		}
		if soft > hard {
			soft = hard
		}
		if err := syscall.Setrlimit(resource, &syscall.Rlimit{Cur: soft, Max: hard}); err != nil {
			return fmt.Errorf("set %s to %d/%d: %w", name, soft, hard, err)
		}
		return nil
	}
	if cpuSeconds > 0 {
		// SIGXCPU at the soft limit, SIGKILL one second later.
		if err := set("RLIMIT_CPU", syscall.RLIMIT_CPU, uint64(cpuSeconds), uint64(cpuSeconds)+1); err != nil {
			return err
		}
	}
	if err := set("RLIMIT_NOFILE", syscall.RLIMIT_NOFILE, MaxOpenFiles, MaxOpenFiles); err != nil {
		return err
	}
	if err := set("RLIMIT_FSIZE", syscall.RLIMIT_FSIZE, MaxFileBytes, MaxFileBytes); err != nil {
		return err
	}
	if err := set("RLIMIT_CORE", syscall.RLIMIT_CORE, 0, 0); err != nil {
		return err
	}
	if stackBytes > 0 {
		// Deep recursion is common in contest solutions: let the stack use
		// the memory limit, as most judges do.
		var cur syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_STACK, &cur); err != nil {
			return fmt.Errorf("get RLIMIT_STACK: %w", err)
		}
		if err := set("RLIMIT_STACK", syscall.RLIMIT_STACK, uint64(stackBytes), cur.Max); err != nil {
			return err
		}
	}
	return nil
}
