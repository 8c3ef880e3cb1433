package certificate

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Key file names in the key directory.
const (
	PrivateKeyFile = "certificate-ed25519.pem"
	PublicKeyFile  = "certificate-ed25519.pub.pem"
)

// Keys is the signing key, kept in a directory and created on first use,
// and the public keys every server knows (in Redis).
type Keys struct {
	dir string
	rdb redis.UniversalClient

	mu   sync.Mutex
	priv ed25519.PrivateKey
	id   string
}

// NewKeys returns the keys kept in dir.
func NewKeys(dir string, rdb redis.UniversalClient) *Keys { return &Keys{dir: dir, rdb: rdb} }

// PublicKey is a published verification key.
type PublicKey struct {
	ID        string `json:"id"`
	Algorithm string `json:"algorithm"`
	// Key is the raw 32-byte Ed25519 public key, base64.
	Key string `json:"public_key"`
	PEM string `json:"pem"`
}

// KeyID names a public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// PublicPEM encodes a public key as a PEM "PUBLIC KEY" block.
func PublicPEM(pub ed25519.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func describe(pub ed25519.PublicKey) PublicKey {
	return PublicKey{ID: KeyID(pub), Algorithm: "Ed25519", Key: base64.StdEncoding.EncodeToString(pub), PEM: PublicPEM(pub)}
}

// Signer returns the signing key and its id, loading it from the key
// directory or creating it there, and publishes its public half.
func (k *Keys) Signer(ctx context.Context) (ed25519.PrivateKey, string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.priv != nil {
		// Publish again: cheap, and right after Redis lost its data.
		if err := k.rdb.HSetNX(ctx, keysKey, k.id, base64.StdEncoding.EncodeToString(k.priv.Public().(ed25519.PublicKey))).Err(); err != nil {
			return nil, "", fmt.Errorf("publish the signing key: %w", err)
		}
		return k.priv, k.id, nil
	}
	if k.dir == "" {
		return nil, "", errors.New("signing key: no key directory configured")
	}
	priv, err := loadOrCreate(k.dir)
	if err != nil {
		return nil, "", err
	}
	pub := priv.Public().(ed25519.PublicKey)
	id := KeyID(pub)
	if err := k.rdb.HSetNX(ctx, keysKey, id, base64.StdEncoding.EncodeToString(pub)).Err(); err != nil {
		return nil, "", fmt.Errorf("publish the signing key: %w", err)
	}
	k.priv, k.id = priv, id
	return priv, id, nil
}

// loadOrCreate reads the private key in dir, creating it if there is none.
// Two processes creating it at once end up with the same key: the file is
// linked into place, and the loser reads the winner's.
func loadOrCreate(dir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dir, PrivateKeyFile)
	if priv, err := readPrivate(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return priv, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("signing key: generate: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("signing key: encode: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".key-*")
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if err := pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("signing key: write: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("signing key: write: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("signing key: write: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	priv2, err := readPrivate(path)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(priv2, priv) {
		if err := os.WriteFile(filepath.Join(dir, PublicKeyFile), []byte(PublicPEM(pub)), 0o644); err != nil {
			return nil, fmt.Errorf("signing key: write the public key: %w", err)
		}
	}
	return priv2, nil
}

func readPrivate(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("signing key %s: not a PEM private key", path)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	priv, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: not an Ed25519 key", path)
	}
	return priv, nil
}

// Lookup returns the published public key with id.
func (k *Keys) Lookup(ctx context.Context, id string) (ed25519.PublicKey, bool, error) {
	k.mu.Lock()
	own := k.priv
	k.mu.Unlock()
	if own != nil && KeyID(own.Public().(ed25519.PublicKey)) == id {
		return own.Public().(ed25519.PublicKey), true, nil
	}
	raw, err := k.rdb.HGet(ctx, keysKey, id).Result()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("look up key %s: %w", id, err)
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil || len(b) != ed25519.PublicKeySize || KeyID(b) != id {
		return nil, false, fmt.Errorf("key %s: stored public key is damaged", id)
	}
	return ed25519.PublicKey(b), true, nil
}

// Public returns every published public key, the signer's included (it is
// created if there is none yet).
func (k *Keys) Public(ctx context.Context) ([]PublicKey, error) {
	if _, _, err := k.Signer(ctx); err != nil {
		return nil, err
	}
	m, err := k.rdb.HGetAll(ctx, keysKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list public keys: %w", err)
	}
	out := make([]PublicKey, 0, len(m))
	for _, id := range slices.Sorted(maps.Keys(m)) {
		b, err := base64.StdEncoding.DecodeString(m[id])
		if err != nil || len(b) != ed25519.PublicKeySize {
			continue
		}
		out = append(out, describe(b))
	}
	return out, nil
}

// ParsePublicKeys reads public keys from a PEM file (one or more "PUBLIC
// KEY" blocks), the JSON that GET /api/certificates/keys returns, or a
// base64 key alone.
func ParsePublicKeys(data []byte) ([]ed25519.PublicKey, error) {
	var out []ed25519.PublicKey
	trimmed := bytes.TrimSpace(data)
	if bytes.HasPrefix(trimmed, []byte("{")) || bytes.HasPrefix(trimmed, []byte("[")) {
		var doc struct {
			Keys []PublicKey `json:"keys"`
		}
		if trimmed[0] == '[' {
			if err := json.Unmarshal(trimmed, &doc.Keys); err != nil {
				return nil, fmt.Errorf("public keys: %w", err)
			}
		} else if err := json.Unmarshal(trimmed, &doc); err != nil {
			return nil, fmt.Errorf("public keys: %w", err)
		}
		for _, k := range doc.Keys {
			b, err := base64.StdEncoding.DecodeString(k.Key)
			if err != nil || len(b) != ed25519.PublicKeySize {
				return nil, fmt.Errorf("public key %s: not a base64 Ed25519 key", k.ID)
			}
			out = append(out, b)
		}
	} else if bytes.Contains(trimmed, []byte("-----BEGIN")) {
		rest := trimmed
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			if block.Type != "PUBLIC KEY" {
				continue
			}
			key, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("public key: %w", err)
			}
			pub, ok := key.(ed25519.PublicKey)
			if !ok {
				return nil, errors.New("public key: not an Ed25519 key")
			}
			out = append(out, pub)
		}
	} else if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(trimmed))); err == nil && len(b) == ed25519.PublicKeySize {
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, errors.New("no Ed25519 public key found: give the PEM file or the JSON of GET /api/certificates/keys")
	}
	return out, nil
}
