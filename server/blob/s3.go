package blob

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// s3 keeps each blob as the object PREFIX/sha256/HASH of a bucket.
type s3 struct {
	cl     *minio.Client
	bucket string
	prefix string
	where  string
}

// OpenS3 opens a bucket of an S3-compatible server, named
// s3://BUCKET?endpoint=HOST:PORT&tls=false&region=R&prefix=P (endpoint
// defaults to s3.amazonaws.com, tls to true), with the credentials in
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN). The
// bucket is created when missing.
func OpenS3(ctx context.Context, where string) (*Store, error) {
	u, err := url.Parse(where)
	if err != nil || u.Scheme != "s3" || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("open blob store %q: want s3://BUCKET?endpoint=HOST:PORT", where)
	}
	q := u.Query()
	for k := range q {
		switch k {
		case "endpoint", "tls", "region", "prefix":
		default:
			return nil, fmt.Errorf("open blob store %q: unknown parameter %q (known: endpoint, tls, region, prefix)", where, k)
		}
	}
	endpoint := q.Get("endpoint")
	if endpoint == "" {
		endpoint = "s3.amazonaws.com"
	}
	secure := true
	if v := q.Get("tls"); v != "" {
		if secure, err = strconv.ParseBool(v); err != nil {
			return nil, fmt.Errorf("open blob store %q: tls=%q is not true or false", where, v)
		}
	}
	region := q.Get("region")
	cl, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewEnvAWS(), Secure: secure, Region: region})
	if err != nil {
		return nil, fmt.Errorf("open blob store %q: %w", where, err)
	}
	b := &s3{cl: cl, bucket: u.Host, prefix: strings.Trim(q.Get("prefix"), "/"), where: "s3://" + u.Host + " at " + endpoint}
	ok, err := cl.BucketExists(ctx, b.bucket)
	if err != nil {
		return nil, fmt.Errorf("open blob store %s: %w", b.where, err)
	}
	if !ok {
		if err := cl.MakeBucket(ctx, b.bucket, minio.MakeBucketOptions{Region: region}); err != nil {
			if e := minio.ToErrorResponse(err); e.Code != "BucketAlreadyOwnedByYou" && e.Code != "BucketAlreadyExists" {
				return nil, fmt.Errorf("open blob store %s: create the bucket: %w", b.where, err)
			}
		}
	}
	return &Store{b: b}, nil
}

func (b *s3) String() string { return b.where }

func (b *s3) key(hash string) string {
	if b.prefix == "" {
		return "sha256/" + hash
	}
	return b.prefix + "/sha256/" + hash
}

func notFound(err error) bool {
	code := minio.ToErrorResponse(err).Code
	return code == "NoSuchKey" || code == "NotFound"
}

func (b *s3) has(ctx context.Context, hash string) (bool, error) {
	_, err := b.cl.StatObject(ctx, b.bucket, b.key(hash), minio.StatObjectOptions{})
	switch {
	case err == nil:
		return true, nil
	case notFound(err):
		return false, nil
	}
	return false, err
}

// put relies on S3's own atomicity: an object is visible whole or not at all.
func (b *s3) put(ctx context.Context, hash string, data []byte) error {
	_, err := b.cl.PutObject(ctx, b.bucket, b.key(hash), bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/octet-stream", DisableMultipart: true})
	return err
}

func (b *s3) get(ctx context.Context, hash string) ([]byte, error) {
	obj, err := b.cl.GetObject(ctx, b.bucket, b.key(hash), minio.GetObjectOptions{})
	if err != nil {
		if notFound(err) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	defer obj.Close()
	data, err := io.ReadAll(obj)
	if err != nil {
		if notFound(err) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return data, nil
}
