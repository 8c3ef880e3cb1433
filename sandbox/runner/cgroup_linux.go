package runner

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// cgroupFile finds a file of the cgroup this process is in, for a v1
// controller (e.g. "memory") or, with controller "", the v2 unified
// hierarchy. Inside a container the cgroup is mounted at the root of its
// hierarchy; outside, at the path /proc/self/cgroup names. It returns ""
// when no candidate can be read.
func cgroupFile(controller, name string, ok func(path string) bool) string {
	var candidates []string
	if data, err := os.ReadFile("/proc/self/cgroup"); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			parts := strings.SplitN(line, ":", 3)
			if len(parts) != 3 {
				continue
			}
			switch {
			case controller == "" && parts[0] == "0" && parts[1] == "":
				candidates = append(candidates, filepath.Join("/sys/fs/cgroup", parts[2], name))
			case controller != "" && strings.Contains(","+parts[1]+",", ","+controller+","):
				for _, mount := range v1Mounts(controller) {
					candidates = append(candidates, filepath.Join(mount, parts[2], name))
				}
			}
		}
	}
	if controller == "" {
		candidates = append(candidates, filepath.Join("/sys/fs/cgroup", name))
	} else {
		for _, mount := range v1Mounts(controller) {
			candidates = append(candidates, filepath.Join(mount, name))
		}
	}
	for _, c := range candidates {
		if ok(c) {
			return c
		}
	}
	return ""
}

// v1Mounts are where a v1 controller is mounted on Debian and in Docker
// containers: alone, or joined with its sibling (cpu,cpuacct).
func v1Mounts(controller string) []string {
	mounts := []string{filepath.Join("/sys/fs/cgroup", controller)}
	if controller == "cpu" || controller == "cpuacct" {
		mounts = append(mounts, "/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpuacct,cpu")
	}
	return mounts
}

// readKeyed reads the "key N" lines of a cgroup or /proc file and returns
// the sum of the values of keys (a key missing from the file is an error).
func readKeyed(path string, keys ...string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	var sum int64
	found := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "key value" in cgroup files, "Key:  value kB" in /proc status.
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		key := strings.TrimSuffix(fields[0], ":")
		for _, k := range keys {
			if key != k {
				continue
			}
			n, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse %s in %s: %w", key, path, err)
			}
			sum += n
			found++
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	if found < len(keys) {
		return 0, fmt.Errorf("%s lacks one of %v", path, keys)
	}
	return sum, nil
}

// sandboxCounters read what every process in the sandbox's cgroup has used:
// CPU time, and anonymous memory (not the page cache of the image's files,
// nor files written to the tmpfs work directories, which their own size
// caps). The runner counts a test's processes together with them, whatever
// they fork.
type sandboxCounters struct {
	cpuFile string // v1 cpuacct.usage (ns) or v2 cpu.stat (usage_usec)
	v2      bool
	memFile string // memory.stat
	memKeys []string
}

// findSandboxCounters returns the counters of the cgroup the runner is in,
// or nil when they cannot be read.
func findSandboxCounters() *sandboxCounters {
	readable := func(keys ...string) func(string) bool {
		return func(p string) bool {
			if len(keys) == 0 {
				_, err := readSingle(p)
				return err == nil
			}
			_, err := readKeyed(p, keys...)
			return err == nil
		}
	}
	if cpu := cgroupFile("cpuacct", "cpuacct.usage", readable()); cpu != "" {
		keys := []string{"total_rss"}
		if mem := cgroupFile("memory", "memory.stat", readable(keys...)); mem != "" {
			return &sandboxCounters{cpuFile: cpu, memFile: mem, memKeys: keys}
		}
	}
	if cpu := cgroupFile("", "cpu.stat", readable("usage_usec")); cpu != "" {
		keys := []string{"anon"}
		if mem := cgroupFile("", "memory.stat", readable(keys...)); mem != "" {
			return &sandboxCounters{cpuFile: cpu, v2: true, memFile: mem, memKeys: keys}
		}
	}
	return nil
}

func readSingle(path string) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parse %s: %w", path, err)
	}
	return n, nil
}

// cpuNanos is the CPU time every process of the cgroup has used so far.
func (c *sandboxCounters) cpuNanos() (int64, error) {
	if c.v2 {
		us, err := readKeyed(c.cpuFile, "usage_usec")
		return us * 1000, err
	}
	return readSingle(c.cpuFile)
}

// memoryBytes is the process memory the cgroup holds now.
func (c *sandboxCounters) memoryBytes() (int64, error) {
	return readKeyed(c.memFile, c.memKeys...)
}

// selfAnonBytes is the runner's own anonymous memory, which lives in the
// same cgroup and must not count against a test.
func selfAnonBytes() int64 {
	kb, err := readKeyed("/proc/self/status", "RssAnon")
	if err != nil {
		return 0
	}
	return kb << 10
}
