package certificate

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"
)

func TestKeysCreatedOnceAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	results := make(chan string, 8)
	for range 8 {
		go func() {
			k, err := loadOrCreate(dir)
			if err != nil {
				results <- "error: " + err.Error()
				return
			}
			results <- KeyID(k.Public().(ed25519.PublicKey))
		}()
	}
	first := <-results
	for range 7 {
		if got := <-results; got != first {
			t.Fatalf("concurrent creation gave keys %s and %s", first, got)
		}
	}
	st, err := os.Stat(filepath.Join(dir, PrivateKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key file: %v %v", st, err)
	}
	again, err := loadOrCreate(dir)
	if err != nil || KeyID(again.Public().(ed25519.PublicKey)) != first {
		t.Fatalf("reloaded key differs: %v", err)
	}
	pub, err := os.ReadFile(filepath.Join(dir, PublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ParsePublicKeys(pub)
	if err != nil || len(keys) != 1 || KeyID(keys[0]) != first {
		t.Fatalf("public key file: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("key dir holds %d files, want the two key files", len(entries))
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"张三": "张*", "张三丰": "张*丰", "欧阳娜娜": "欧**娜", "A": "*", "": "", "Alice": "A***e"} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}
