package contest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/refusal"
)

// Uploads are challenge packages uploaded as archives, which contest.yaml
// names "sha256:HASH".
type Uploads struct{ Blobs *blob.Store }

// Check validates an uploaded package archive whole, in a scratch
// directory, and stores it.
func (u Uploads) Check(ctx context.Context, data []byte) (Challenge, error) {
	dir, err := os.MkdirTemp("", "arena-upload-*")
	if err != nil {
		return Challenge{}, fmt.Errorf("scratch directory: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := challenges.Unpack(data, dir); err != nil {
		return Challenge{}, refusal.Invalidf("package: %s", err.Error())
	}
	ch, err := FromPackage(ctx, u.Blobs, os.DirFS(dir))
	if err != nil {
		return Challenge{}, refusal.Invalidf("package: %s", err.Error())
	}
	return ch, nil
}

// Resolve is the Resolver of uploaded packages: ref is "sha256:HASH" of
// one uploaded before.
func (u Uploads) Resolve(ctx context.Context, ref string) (Challenge, error) {
	hash, ok := strings.CutPrefix(ref, "sha256:")
	if !ok {
		return Challenge{}, fmt.Errorf("%q: upload the package to /api/packages and name it sha256:HASH", ref)
	}
	data, err := u.Blobs.Get(ctx, hash)
	if errors.Is(err, blob.ErrNotFound) {
		return Challenge{}, fmt.Errorf("%q: no such uploaded package", ref)
	}
	if err != nil {
		return Challenge{}, err
	}
	ch, err := u.Check(ctx, data)
	if err != nil {
		return Challenge{}, fmt.Errorf("%q: %w", ref, err)
	}
	return ch, nil
}
