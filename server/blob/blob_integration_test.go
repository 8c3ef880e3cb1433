package blob_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/blob"
)

// TestIntegrationS3 runs the store against a real S3 server: what one
// process puts, another opening the same bucket reads.
func TestIntegrationS3(t *testing.T) {
	srv := testenv.StartS3(t)
	ctx := context.Background()
	a, err := blob.OpenURL(ctx, srv.URL("arena-blobs"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := blob.OpenURL(ctx, srv.URL("arena-blobs"))
	if err != nil {
		t.Fatalf("open an existing bucket: %v", err)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
	for _, data := range [][]byte{nil, []byte("print('hi')\n"), {0, 1, 255}, big} {
		h, err := a.Put(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		if h2, err := a.Put(ctx, data); err != nil || h2 != h {
			t.Fatalf("second put = %q, %v; want %q", h2, err, h)
		}
		got, err := b.Get(ctx, h)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("get from the other store: %d bytes, %v; want %d bytes", len(got), err, len(data))
		}
	}
	missing := strings.Repeat("ab", 32)
	if _, err := b.Get(ctx, missing); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("missing blob: %v, want ErrNotFound", err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := []byte(strings.Repeat("x", i+1))
			h, err := a.Put(ctx, data)
			if err == nil {
				var got []byte
				got, err = b.Get(ctx, h)
				if err == nil && !bytes.Equal(got, data) {
					err = errors.New("wrong content")
				}
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent put/get: %v", err)
		}
	}
}

// TestIntegrationS3Refusals checks that a wrong address, bad credentials and
// a malformed URL are clear errors at open, not failures later.
func TestIntegrationS3Refusals(t *testing.T) {
	srv := testenv.StartS3(t)
	ctx := context.Background()
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong")
	if _, err := blob.OpenURL(ctx, srv.URL("arena-blobs")); err == nil {
		t.Fatal("wrong credentials opened the store")
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	for _, bad := range []string{"s3://", "s3://b/path", "s3://b?endpoint=x&colour=red", "s3://b?tls=maybe", "http://b"} {
		if _, err := blob.OpenURL(ctx, bad); err == nil {
			t.Errorf("OpenURL(%q) succeeded", bad)
		}
	}
}
