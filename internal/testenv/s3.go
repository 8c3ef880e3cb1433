package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// S3 is a private S3-compatible server (versitygw over a directory) started
// for one test on a loopback port.
type S3 struct {
	// Endpoint is HOST:PORT.
	Endpoint string
	// AccessKey and SecretKey are its root credentials.
	AccessKey, SecretKey string
}

// URL names bucket on the server the way --blobs takes it.
func (s *S3) URL(bucket string) string {
	return fmt.Sprintf("s3://%s?endpoint=%s&tls=false", bucket, s.Endpoint)
}

// StartS3 starts versitygw (installed by deploy/test.sh) on a free port with
// its data in a temporary directory and sets the AWS_* credentials for the
// test; it is killed when the test ends.
func StartS3(tb testing.TB) *S3 {
	tb.Helper()
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		Missing(tb, "versitygw not installed (deploy/test.sh installs it into bin/)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := tb.TempDir()
	s := &S3{Endpoint: addr, AccessKey: "arena-test", SecretKey: "arena-test-secret-key"}
	cmd := exec.Command(bin, "--port", addr, "posix", filepath.Join(dir, "data"))
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o750); err != nil {
		tb.Fatal(err)
	}
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+s.AccessKey, "ROOT_SECRET_KEY="+s.SecretKey)
	logf, err := os.Create(filepath.Join(dir, "versitygw.log"))
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start versitygw: %v", err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
		logf.Close()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "versitygw.log"))
			tb.Fatalf("versitygw on %s did not answer: %v\n%s", addr, err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Setenv("AWS_ACCESS_KEY_ID", s.AccessKey)
	tb.Setenv("AWS_SECRET_ACCESS_KEY", s.SecretKey)
	return s
}
