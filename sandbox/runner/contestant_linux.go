package runner

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"
)

// ContestantFlag puts arena-runner into contestant-step mode, for a custom
// package's grader (a Request.Grader run step) to run the contestant's
// code: `arena-runner --contestant [--cpu-ms N] [--wall-ms N]
// [--memory-mb N] [--result FILE] -- cmd args...` has the runner run cmd
// as ContestantUID in the current directory, with this process's stdin,
// stdout and stderr, under the limits; it kills whatever cmd leaves behind
// and exits with cmd's exit status (128+signal when a signal ended it).
// --result receives the StepResult as JSON (status, exit code, CPU time,
// memory; no output). The contestant's code cannot read the grader's
// private files, nor signal, trace or read /proc of the grader. One
// contestant step runs at a time.
const ContestantFlag = "--contestant"

// ContestantEnv names, in a grader's environment, the arena-runner binary
// to run ContestantFlag with.
const ContestantEnv = "ARENA_RUNNER"

// SocketEnv names, in a grader's environment, the socket the runner takes
// contestant steps on; only the grader's uid can reach it.
const SocketEnv = "ARENA_RUNNER_SOCKET"

// maxStepRequest bounds a contestant step request on the socket.
const maxStepRequest = 64 << 10

// setNotDumpable keeps other processes, whatever their uid, from attaching
// to the runner or opening its /proc files.
func setNotDumpable() error {
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("make the runner non-dumpable: %w", err)
	}
	return nil
}

// stepRequest is what ContestantFlag sends the runner, with its stdin,
// stdout and stderr passed alongside.
type stepRequest struct {
	Command []string `json:"command"`
	Dir     string   `json:"dir"`
	Limits  Limits   `json:"limits"`
}

// stepReply is the runner's answer.
type stepReply struct {
	Result StepResult `json:"result"`
	Error  string     `json:"error,omitempty"`
}

// contestantServer runs a grader's contestant steps while the grader runs.
type contestantServer struct {
	socket string
	ln     *net.UnixListener
	steps  *executor
	run    sync.Mutex // one contestant step at a time: each ends by killing all of ContestantUID
	wg     sync.WaitGroup
	once   sync.Once
	dir    string
}

// serveContestantSteps listens on a socket in a directory only GraderUID
// can enter.
func (e *executor) serveContestantSteps(ctx context.Context) (*contestantServer, error) {
	dir, err := os.MkdirTemp("", "arena-runner-")
	if err != nil {
		return nil, fmt.Errorf("contestant steps: %w", err)
	}
	socket := filepath.Join(dir, "socket")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: socket, Net: "unix"})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("contestant steps: %w", err)
	}
	for _, p := range []string{socket, dir} {
		if err := os.Chown(p, GraderUID, GraderUID); err != nil {
			ln.Close()
			os.RemoveAll(dir)
			return nil, fmt.Errorf("contestant steps: %w", err)
		}
	}
	steps := *e
	steps.contestantOnly, steps.pidOne, steps.counters = true, false, nil
	s := &contestantServer{socket: socket, ln: ln, steps: &steps, dir: dir}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.AcceptUnix()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.handle(ctx, conn)
			}()
		}
	}()
	return s, nil
}

// close stops taking steps and waits for those running, whose processes the
// grader's end has killed.
func (s *contestantServer) close() {
	s.once.Do(func() {
		s.ln.Close()
		s.wg.Wait()
		os.RemoveAll(s.dir)
	})
}

func (s *contestantServer) handle(ctx context.Context, conn *net.UnixConn) {
	defer conn.Close()
	reply := func(r stepReply) {
		data, _ := json.Marshal(r)
		_, _ = conn.Write(data)
	}
	buf := make([]byte, maxStepRequest)
	oob := make([]byte, unix.CmsgSpace(3*4))
	n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		reply(stepReply{Error: fmt.Sprintf("read the request: %v", err)})
		return
	}
	var fds []int
	if msgs, err := unix.ParseSocketControlMessage(oob[:oobn]); err == nil && len(msgs) == 1 {
		fds, _ = unix.ParseUnixRights(&msgs[0])
	}
	files := make([]*os.File, len(fds))
	for i, fd := range fds {
		files[i] = os.NewFile(uintptr(fd), "step")
		defer files[i].Close()
	}
	var req stepRequest
	switch err := json.Unmarshal(buf[:n], &req); {
	case err != nil:
		reply(stepReply{Error: fmt.Sprintf("decode the request: %v", err)})
		return
	case len(files) != 3:
		reply(stepReply{Error: "the request must pass stdin, stdout and stderr"})
		return
	case len(req.Command) == 0:
		reply(stepReply{Error: "no command"})
		return
	case !filepath.IsAbs(req.Dir):
		reply(stepReply{Error: "the working directory must be absolute"})
		return
	}
	if err := req.Limits.validate(); err != nil {
		reply(stepReply{Error: err.Error()})
		return
	}
	s.run.Lock()
	defer s.run.Unlock()
	sr, err := s.steps.runProcess(ctx, launch{name: "contestant", command: req.Command, dir: req.Dir,
		limits: req.Limits.WithDefaults(), stdin: files[0], passStdout: files[1], passStderr: files[2], as: asContestant})
	if err != nil {
		reply(stepReply{Error: err.Error()})
		return
	}
	reply(stepReply{Result: sr})
}

// RunContestant is the ContestantFlag mode; args follow the flag.
func RunContestant(ctx context.Context, args []string, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintf(stderr, "arena-runner %s: %v\n", ContestantFlag, err)
		return 126
	}
	fs := flag.NewFlagSet("arena-runner "+ContestantFlag, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cpuMS := fs.Int64("cpu-ms", 0, "CPU time limit in ms, all processes together (default 10000)")
	wallMS := fs.Int64("wall-ms", 0, "wall-clock limit in ms (default twice the CPU limit plus 1 s)")
	memoryMB := fs.Int64("memory-mb", 0, "memory limit in MiB, all processes together (default 256)")
	resultFile := fs.String("result", "", "write the step's result as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if len(fs.Args()) == 0 {
		fmt.Fprintf(stderr, "arena-runner %s: no command\n", ContestantFlag)
		return 2
	}
	socket := os.Getenv(SocketEnv)
	if socket == "" {
		return fail(fmt.Errorf("%s is not set: contestant steps run only inside a grader's sandbox", SocketEnv))
	}
	wd, err := os.Getwd()
	if err != nil {
		return fail(err)
	}
	req, err := json.Marshal(stepRequest{Command: fs.Args(), Dir: wd,
		Limits: Limits{CPUTimeMS: *cpuMS, WallTimeMS: *wallMS, MemoryBytes: *memoryMB << 20}})
	if err != nil {
		return fail(err)
	}
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: socket, Net: "unix"})
	if err != nil {
		return fail(fmt.Errorf("reach the runner: %w", err))
	}
	defer conn.Close()
	if _, _, err := conn.WriteMsgUnix(req, unix.UnixRights(0, 1, 2), nil); err != nil {
		return fail(fmt.Errorf("send the step: %w", err))
	}
	data, err := io.ReadAll(io.LimitReader(conn, maxStepRequest+StderrCap*4))
	if err != nil {
		return fail(fmt.Errorf("read the result: %w", err))
	}
	var reply stepReply
	if err := json.Unmarshal(data, &reply); err != nil {
		return fail(fmt.Errorf("decode the result: %w", err))
	}
	if reply.Error != "" {
		return fail(errors.New(reply.Error))
	}
	if *resultFile != "" {
		out, err := json.Marshal(reply.Result)
		if err == nil {
			err = os.WriteFile(*resultFile, out, 0o600)
		}
		if err != nil {
			return fail(fmt.Errorf("write %s: %w", *resultFile, err))
		}
	}
	return exitStatus(reply.Result)
}

// exitStatus is the shell's view of how a step ended.
func exitStatus(sr StepResult) int {
	if sr.ExitCode >= 0 {
		return sr.ExitCode
	}
	if sig := unix.SignalNum(sr.Signal); sig != 0 {
		return 128 + int(sig)
	}
	return 137
}
