package auth

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"
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

// TestRotation: the rule of a refresh, one row per case.
func TestRotation(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	live := StoredRefreshToken{Found: true, ExpiresAt: now.Add(time.Hour)}
	used, expired := live, live
	used.Used = true
	expired.ExpiresAt = now
	active, disabled := Account{ID: "u"}, Account{ID: "u", Disabled: true}
	for _, tt := range []struct {
		name    string
		old     StoredRefreshToken
		account Account
		found   bool
		want    Rotation
		err     error
	}{
		{"a live token of an active account", live, active, true, Rotate, nil},
		{"an unknown token", StoredRefreshToken{}, Account{}, false, 0, ErrInvalidToken},
		{"a token used before: the family goes", used, active, true, RevokeFamily, ErrTokenReused},
		{"a used token of a disabled account: the family goes too", used, disabled, true, RevokeFamily, ErrTokenReused},
		{"an expired token, at its expiry", expired, active, true, 0, ErrInvalidToken},
		{"a disabled account", live, disabled, true, 0, ErrInvalidToken},
		{"a deleted account", live, Account{}, false, 0, ErrInvalidToken},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rotation(tt.old, tt.account, tt.found, now)
			if got != tt.want || !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("rotation = %v, %v; want %v, %v", got, err, tt.want, tt.err)
			}
		})
	}
}
