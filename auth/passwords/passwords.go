package passwords

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password length limits, counted in Unicode characters (runes), not bytes,
// so that a passphrase in Greek or Bulgarian is held to the same rule as one
// in English.
const (
	// MinLength follows OWASP's minimum for passwords without
	// composition rules.
	MinLength = 12
	// MaxLength allows long passphrases while bounding the work a
	// single request can cause.
	MaxLength = 1024
)

// ErrPolicy is matched (with errors.Is) by every error of
// CheckPolicy, so callers can tell a rejected password from a
// failure of the system.
var ErrPolicy = errors.New("password does not meet the policy")

// PolicyError says why a password was rejected. Its Message is safe
// to show to the user; the API reports it under survey.CodeWeakPassword,
// the one code of every policy rule.
type PolicyError struct {
	Message string
}

// Error returns the message, which is written for the user.
func (e *PolicyError) Error() string { return e.Message }

// Unwrap makes errors.Is(err, ErrPolicy) true.
func (e *PolicyError) Unwrap() error { return ErrPolicy }

// CheckPolicy returns a *PolicyError when password may not be
// set as a new password, and nil otherwise. It is applied when a password is
// chosen, never at login, so tightening it later does not lock anyone out.
// There are no composition rules, following NIST SP 800-63B: length is what
// makes a password strong.
func CheckPolicy(password string) error {
	if !utf8.ValidString(password) {
		return &PolicyError{Message: "password must be valid UTF-8"}
	}
	// NUL is refused because C-based tools and some drivers truncate at it,
	// which would silently shorten the password.
	if strings.ContainsRune(password, 0) {
		return &PolicyError{Message: "password must not contain the NUL character"}
	}
	n := utf8.RuneCountInString(password)
	if n < MinLength {
		return &PolicyError{Message: fmt.Sprintf("password must be at least %d characters long", MinLength)}
	}
	if n > MaxLength {
		return &PolicyError{Message: fmt.Sprintf("password must be at most %d characters long", MaxLength)}
	}
	return nil
}

// argonParams are the argon2id cost parameters stored in every hash, so that
// old hashes stay verifiable when the defaults change.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32 // iterations
	threads uint8
	saltLen uint32 // bytes
	keyLen  uint32 // bytes
}

// defaultParams is the OWASP Password Storage Cheat Sheet's first argon2id
// configuration: 19 MiB, 2 iterations, 1 degree of parallelism.
var defaultParams = argonParams{memory: 19 * 1024, time: 2, threads: 1, saltLen: 16, keyLen: 32}

// Bounds on parameters read from a stored hash. The hashes are our own data,
// but a corrupted or tampered row must not make one login allocate gigabytes
// or spin for minutes.
const (
	maxMemory  = 1 << 20 // KiB, i.e. 1 GiB
	maxTime    = 32
	maxThreads = 16
	minSaltLen = 8 // RFC 9106 §3.1 minimum
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// ErrMalformedHash is returned by Verify when the stored hash is not
// an argon2id PHC string it can check. It points at bad data, not at a wrong
// password.
var ErrMalformedHash = errors.New("malformed password hash")

// b64 is the PHC string's base64: standard alphabet without padding. Strict
// decoding refuses non-canonical trailing bits, so each hash has exactly one
// spelling.
var b64 = base64.RawStdEncoding.Strict()

// Hash returns the argon2id hash of password as a PHC string,
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>, with a fresh random salt.
// It does not apply CheckPolicy; callers check the policy first.
// It waits for room in the memory budget of password hashing, and fails
// with ErrBusy when there is none for WaitLimit (see
// HashContext).
func Hash(password string) (string, error) {
	return HashContext(context.Background(), password)
}

// HashContext is Hash, giving up also when ctx ends (the
// client went away).
func HashContext(ctx context.Context, password string) (string, error) {
	p := defaultParams
	salt := make([]byte, p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	var key []byte
	if err := withHashMemory(ctx, p, func() {
		key = argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, p.keyLen)
	}); err != nil {
		return "", err
	}
	return encodeHash(p, salt, key), nil
}

// Verify reports whether password matches the PHC string encoded. A
// mismatch is (false, nil); an error wrapping ErrMalformedHash means the
// stored hash itself is unusable and should be logged; ErrBusy means the
// password was not checked for want of memory (see VerifyContext).
// The comparison takes constant time so it leaks nothing about how much of
// the hash matched.
func Verify(encoded, password string) (bool, error) {
	return VerifyContext(context.Background(), encoded, password)
}

// VerifyContext is Verify, giving up also when ctx ends
// before the check could start.
func VerifyContext(ctx context.Context, encoded, password string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	var got []byte
	if err := withHashMemory(ctx, p, func() {
		got = argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, p.keyLen)
	}); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with other parameters than
// Hash uses today (or cannot be read). After a successful login the
// caller can then store a fresh hash, so that raising the cost reaches every
// account over time.
func NeedsRehash(encoded string) bool {
	p, _, _, err := decodeHash(encoded)
	return err != nil || p != defaultParams
}

// DummyVerify spends the time and memory of one Verify and discards
// the result. The login handler calls it when the e-mail is unknown, so that
// response time does not reveal which addresses have accounts. It goes
// through the memory budget like a real check, and fails like one with
// ErrBusy or ctx's error.
func DummyVerify(ctx context.Context, password string) error {
	_, err := VerifyContext(ctx, DummyHash(), password)
	return err
}

// DummyHash is a well-formed hash with the current parameters that no
// password has to match, only cost the same to check: a fixed salt and an
// all-zero key serve, so building it needs no hashing, which keeps the first
// dummy check as fast as the later ones. It tracks Hash's parameters
// if they change.
var DummyHash = sync.OnceValue(func() string {
	p := defaultParams
	return encodeHash(p, make([]byte, p.saltLen), make([]byte, p.keyLen))
})

func encodeHash(p argonParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodeHash parses a PHC string strictly: exactly the fields Hash
// writes, in its order, with canonical numbers and base64, and parameters
// within the bounds above.
func decodeHash(encoded string) (argonParams, []byte, []byte, error) {
	fail := func(reason string) (argonParams, []byte, []byte, error) {
		return argonParams{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, reason)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return fail("want 5 $-separated fields")
	}
	if parts[1] != "argon2id" {
		return fail("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail("unsupported version")
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return fail("want parameters m, t and p")
	}
	var values [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := parseParam(params[i], name)
		if !ok {
			return fail("bad parameter " + name)
		}
		values[i] = v
	}
	m, t, threads := values[0], values[1], values[2]
	if threads < 1 || threads > maxThreads {
		return fail("parallelism out of range")
	}
	// RFC 9106 requires at least 8 KiB per lane.
	if m < 8*threads || m > maxMemory {
		return fail("memory out of range")
	}
	if t < 1 || t > maxTime {
		return fail("iterations out of range")
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return fail("bad salt")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return fail("bad hash")
	}
	p := argonParams{
		memory:  uint32(m),
		time:    uint32(t),
		threads: uint8(threads),
		saltLen: uint32(len(salt)),
		keyLen:  uint32(len(key)),
	}
	return p, salt, key, nil
}

// parseParam reads "name=value" with value a canonical decimal (no sign, no
// leading zeros), so that odd spellings of the same hash are refused.
func parseParam(s, name string) (uint64, bool) {
	value, ok := strings.CutPrefix(s, name+"=")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseUint(value, 10, 32)
	if err != nil || strconv.FormatUint(v, 10) != value {
		return 0, false
	}
	return v, true
}
