package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"
)

// opaqueTokenBytes is the entropy of an opaque token (a refresh token, a
// browser session's cookie, a form's CSRF token): 256 bits makes guessing
// hopeless, so a fast hash is enough to store it (unlike passwords).
const opaqueTokenBytes = 32

// NewOpaqueToken returns a new opaque token and the hash to store.
// Only the hash goes to the database, so a leaked table cannot be replayed;
// the plain token is given to the client once and never kept.
func NewOpaqueToken() (plain string, hash string, err error) {
	b := make([]byte, opaqueTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("generate token: %w", err)
	}
	plain = base64.RawURLEncoding.EncodeToString(b)
	return plain, HashOpaqueToken(plain), nil
}

// HashOpaqueToken returns the hex SHA-256 of a token as presented by a
// client, to look up the stored one. The token is random and long, so an
// unsalted fast hash is safe here and allows an indexed lookup.
func HashOpaqueToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// StoredRefreshToken is a refresh token as kept: whether it exists, was
// used or revoked, and until when it lives.
type StoredRefreshToken struct {
	Found     bool
	Used      bool // used or revoked
	ExpiresAt time.Time
}

// Rotation is what a refresh does to the token it was given.
type Rotation int

const (
	// Rotate marks the token used and issues the next of its family.
	Rotate Rotation = iota + 1
	// RevokeFamily revokes the token's whole family.
	RevokeFamily
)

// rotation is the rule of a refresh: an unknown or expired token, or one
// of a deleted or disabled account, is refused; a token used twice revokes
// its whole family (whoever replays a stolen token logs out the thief and
// the victim alike, and both must log in again); any other is rotated.
func rotation(old StoredRefreshToken, account Account, found bool, now time.Time) (Rotation, error) {
	switch {
	case !old.Found:
		return 0, ErrInvalidToken
	case old.Used:
		return RevokeFamily, ErrTokenReused
	case !now.Before(old.ExpiresAt):
		return 0, ErrInvalidToken
	case !found || account.Disabled:
		return 0, ErrInvalidToken
	}
	return Rotate, nil
}
