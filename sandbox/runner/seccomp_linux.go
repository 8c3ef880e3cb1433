package runner

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// deniedSyscalls reach into another process's memory or file table. The uid
// split already keeps contestant steps from the runner; the filter keeps a
// contestant step from the other processes of its own test too, and stays in
// force across exec.
var deniedSyscalls = []uint32{
	unix.SYS_PTRACE,
	unix.SYS_PROCESS_VM_READV,
	unix.SYS_PROCESS_VM_WRITEV,
	unix.SYS_PIDFD_GETFD,
	unix.SYS_KCMP,
}

// seccompDataArch and seccompDataNr are the offsets of struct seccomp_data's
// arch and nr fields.
const (
	seccompDataNr   = 0
	seccompDataArch = 4
)

// denyTracing installs a seccomp filter on the calling thread that makes the
// denied system calls fail with EPERM and kills a process that calls through
// another architecture's system call table (where the numbers differ).
// Call it on a locked OS thread right before exec.
func denyTracing() error {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set no_new_privs: %w", err)
	}
	prog := tracingFilter()
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if _, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&fprog))); errno != 0 {
		return fmt.Errorf("install seccomp filter: %w", errno)
	}
	return nil
}

// tracingFilter is the BPF program denyTracing installs.
func tracingFilter() []unix.SockFilter {
	stmt := func(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }
	jeq := func(k uint32, jt, jf uint8) unix.SockFilter {
		return unix.SockFilter{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, K: k, Jt: jt, Jf: jf}
	}
	n := uint8(len(deniedSyscalls))
	prog := []unix.SockFilter{
		stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, seccompDataArch),
		jeq(auditArch, 1, 0),
		stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_KILL_PROCESS),
		stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, seccompDataNr),
	}
	if foreignBit != 0 {
		// amd64's x32 calls share the arch but set this bit in nr.
		prog = append(prog, unix.SockFilter{Code: unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K, K: foreignBit, Jt: n + 1, Jf: 0})
	}
	for i, nr := range deniedSyscalls {
		prog = append(prog, jeq(nr, n-uint8(i), 0))
	}
	return append(prog,
		stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ALLOW),
		stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ERRNO|uint32(unix.EPERM)),
	)
}
