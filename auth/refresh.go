package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// refreshTokenBytes is the entropy of a refresh token: 256 bits makes
// guessing hopeless, so a fast hash is enough to store it (unlike passwords).
const refreshTokenBytes = 32

// NewRefreshToken returns a new opaque refresh token and the hash to store.
// Only the hash goes to the database, so a leaked table cannot be replayed;
// the plain token is given to the client once and never kept.
func NewRefreshToken() (plain string, hash string, err error) {
	b := make([]byte, refreshTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("generate refresh token: %w", err)
	}
	plain = base64.RawURLEncoding.EncodeToString(b)
	return plain, HashRefreshToken(plain), nil
}

// HashRefreshToken returns the hex SHA-256 of a refresh token as presented by
// a client, to look up the stored token. The token is random and long, so an
// unsalted fast hash is safe here and allows an indexed lookup.
func HashRefreshToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
