package auth

import (
	"bytes"
	"strings"
	"testing"
)

func TestGenerateSecret(t *testing.T) {
	a, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != MinSecretLength || len(b) != MinSecretLength {
		t.Fatalf("lengths %d, %d, want %d", len(a), len(b), MinSecretLength)
	}
	if bytes.Equal(a, b) {
		t.Fatal("two generated secrets are equal")
	}
}

func TestParseSecret(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		wantErr bool
	}{
		{"empty", "", true},
		{"31 bytes", strings.Repeat("s", 31), true},
		{"32 bytes", strings.Repeat("s", 32), false},
		{"64 bytes", strings.Repeat("s", 64), false},
		// Bytes, not characters: 16 two-byte characters are 32 bytes.
		{"16 two-byte characters", strings.Repeat("é", 16), false},
		{"kept as is", " padded secret with spaces ...  ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSecret(tt.value)
			if tt.wantErr {
				if err == nil {
					t.Fatal("ParseSecret accepted a short secret")
				}
				if tt.value != "" && strings.Contains(err.Error(), tt.value) {
					t.Fatalf("error %q reveals the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSecret: %v", err)
			}
			if string(got) != tt.value {
				t.Fatalf("ParseSecret = %q, want the value unchanged", got)
			}
		})
	}
}
