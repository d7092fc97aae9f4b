package auth

import (
	"crypto/rand"
	"fmt"
)

// MinSecretLength is the shortest HMAC key accepted, in bytes. RFC 7518
// §3.2 requires a key at least as long as the HS256 output.
const MinSecretLength = 32

// GenerateSecret returns a new random HMAC key of MinSecretLength bytes, for
// deployments that do not set SURVEY_JWT_SECRET.
func GenerateSecret() ([]byte, error) {
	b := make([]byte, MinSecretLength)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("generate jwt secret: %w", err)
	}
	return b, nil
}

// ParseSecret turns the SURVEY_JWT_SECRET value into an HMAC key. The bytes
// of the string are the key as they stand (no decoding, no trimming), so every
// instance given the same value derives the same key. A key shorter than
// MinSecretLength is rejected; the error never quotes the value, because
// errors end up in logs.
func ParseSecret(s string) ([]byte, error) {
	if len(s) < MinSecretLength {
		return nil, fmt.Errorf("SURVEY_JWT_SECRET is too short: %d bytes, need at least %d", len(s), MinSecretLength)
	}
	return []byte(s), nil
}
