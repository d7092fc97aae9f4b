package auth

import (
	"encoding/base64"
	"testing"
)

func TestNewOpaqueToken(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		plain, hash, err := NewOpaqueToken()
		if err != nil {
			t.Fatal(err)
		}
		b, err := base64.RawURLEncoding.DecodeString(plain)
		if err != nil || len(b) != 32 {
			t.Fatalf("plain %q is not 32 bytes of unpadded base64url (err %v)", plain, err)
		}
		if hash != HashOpaqueToken(plain) {
			t.Fatalf("hash %q != HashOpaqueToken(plain) %q", hash, HashOpaqueToken(plain))
		}
		if seen[plain] {
			t.Fatalf("token %q repeated", plain)
		}
		seen[plain] = true
	}
}

func TestHashOpaqueToken(t *testing.T) {
	tests := []struct {
		plain, want string
	}{
		// Known SHA-256 vectors, so the stored format cannot drift silently.
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		t.Run(tt.plain, func(t *testing.T) {
			if got := HashOpaqueToken(tt.plain); got != tt.want {
				t.Fatalf("HashOpaqueToken(%q) = %s, want %s", tt.plain, got, tt.want)
			}
		})
	}
}
