package store

import (
	"encoding/base64"
	"errors"
)

func encodeSecret(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func decodeSecret(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) < 32 {
		return nil, errors.New("stored jwt secret is corrupt")
	}
	return b, nil
}
