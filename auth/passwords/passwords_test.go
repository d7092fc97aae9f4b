package passwords

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestHashPasswordRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		password string
	}{
		{"ascii", "correct horse battery staple"},
		{"multibyte", "Καλημέρα-κόσμε-ΕΕ"},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			encoded, err := Hash(tt.password)
			if err != nil {
				t.Fatalf("Hash: %v", err)
			}
			if !strings.HasPrefix(encoded, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Fatalf("encoded = %q, want OWASP argon2id parameters", encoded)
			}
			ok, err := Verify(encoded, tt.password)
			if err != nil || !ok {
				t.Fatalf("Verify(right) = %v, %v; want true, nil", ok, err)
			}
			ok, err = Verify(encoded, tt.password+"x")
			if err != nil || ok {
				t.Fatalf("Verify(wrong) = %v, %v; want false, nil", ok, err)
			}
			if NeedsRehash(encoded) {
				t.Error("NeedsRehash of a fresh hash = true")
			}
		})
	}
}

func TestHashPasswordSaltsDiffer(t *testing.T) {
	a, err := Hash("same password twice")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Hash("same password twice")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("two hashes of the same password are equal; salt is not random")
	}
}

func TestVerifyPasswordOtherParameters(t *testing.T) {
	// A hash made with other (cheaper) parameters must still verify: the
	// parameters come from the string, not from the current defaults.
	p := argonParams{memory: 64, time: 1, threads: 2, saltLen: 8, keyLen: 16}
	salt := []byte("saltsalt")
	encoded := encodeHash(p, salt, argon2.IDKey([]byte("old password"), salt, p.time, p.memory, p.threads, p.keyLen))
	ok, err := Verify(encoded, "old password")
	if err != nil || !ok {
		t.Fatalf("Verify = %v, %v; want true, nil", ok, err)
	}
	if !NeedsRehash(encoded) {
		t.Error("NeedsRehash of a hash with old parameters = false")
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	const salt = "c2FsdHNhbHRzYWx0c2FsdA"                     // 16 bytes
	const key = "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U" // 32 bytes
	valid := "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key
	if _, err := Verify(valid, "x"); err != nil {
		t.Fatalf("fixture is not well-formed: %v", err)
	}
	tests := []struct {
		name    string
		encoded string
	}{
		{"empty", ""},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + key},
		{"argon2d", "$argon2d$v=19$m=19456,t=2,p=1$" + salt + "$" + key},
		{"old version", "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + key},
		{"no version", "$argon2id$m=19456,t=2,p=1$" + salt + "$" + key},
		{"no leading dollar", "argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key},
		{"extra field", valid + "$extra"},
		{"missing hash", "$argon2id$v=19$m=19456,t=2,p=1$" + salt},
		{"params reordered", "$argon2id$v=19$t=2,m=19456,p=1$" + salt + "$" + key},
		{"param missing", "$argon2id$v=19$m=19456,t=2$" + salt + "$" + key},
		{"param extra", "$argon2id$v=19$m=19456,t=2,p=1,k=1$" + salt + "$" + key},
		{"param not a number", "$argon2id$v=19$m=lots,t=2,p=1$" + salt + "$" + key},
		{"param signed", "$argon2id$v=19$m=+19456,t=2,p=1$" + salt + "$" + key},
		{"param leading zero", "$argon2id$v=19$m=019456,t=2,p=1$" + salt + "$" + key},
		{"param overflows uint32", "$argon2id$v=19$m=4294967296,t=2,p=1$" + salt + "$" + key},
		{"memory over 1 GiB", "$argon2id$v=19$m=1048577,t=2,p=1$" + salt + "$" + key},
		{"memory below 8 KiB per lane", "$argon2id$v=19$m=15,t=2,p=2$" + salt + "$" + key},
		{"zero iterations", "$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + key},
		{"absurd iterations", "$argon2id$v=19$m=19456,t=1000000,p=1$" + salt + "$" + key},
		{"zero parallelism", "$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key},
		{"absurd parallelism", "$argon2id$v=19$m=19456,t=2,p=255$" + salt + "$" + key},
		{"salt not base64", "$argon2id$v=19$m=19456,t=2,p=1$!!!!$" + key},
		{"salt padded", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "==$" + key},
		{"salt too short", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$" + key},
		{"salt empty", "$argon2id$v=19$m=19456,t=2,p=1$$" + key},
		{"hash too short", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$a2V5"},
		{"hash url alphabet", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + strings.Repeat("_", 43)},
		{"hash non-canonical bits", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key[:len(key)-1] + "f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := Verify(tt.encoded, "x")
			if ok {
				t.Fatal("Verify = true for a malformed hash")
			}
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("err = %v, want ErrMalformedHash", err)
			}
			if !NeedsRehash(tt.encoded) {
				t.Error("NeedsRehash of a malformed hash = false")
			}
		})
	}
}

func TestDummyVerify(t *testing.T) {
	// DummyVerify must really run argon2 with the current parameters: its
	// hash has to be well-formed, or Verify would return early and
	// unknown e-mails would answer faster than wrong passwords.
	if err := DummyVerify(context.Background(), "anything"); err != nil {
		t.Fatalf("DummyVerify: %v", err)
	}
	p, _, _, err := decodeHash(DummyHash())
	if err != nil {
		t.Fatalf("dummy hash is malformed: %v", err)
	}
	if p != defaultParams {
		t.Fatalf("dummy hash parameters = %+v, want %+v", p, defaultParams)
	}
	if ok, _ := Verify(DummyHash(), "anything"); ok {
		t.Fatal("dummy hash matched a password")
	}
}

func TestCheckPasswordPolicy(t *testing.T) {
	tests := []struct {
		name     string
		password string
		want     string // a part of the message; empty: accepted
	}{
		{"empty", "", "at least 12 characters"},
		{"11 characters", strings.Repeat("a", 11), "at least 12 characters"},
		{"12 characters", strings.Repeat("a", 12), ""},
		{"128 characters", strings.Repeat("a", 128), ""},
		{"1024 characters", strings.Repeat("a", 1024), ""},
		{"1025 characters", strings.Repeat("a", 1025), "at most 1024 characters"},
		// 11 runes but 22 bytes: counting bytes would wrongly accept it.
		{"11 multibyte characters", strings.Repeat("é", 11), "at least 12 characters"},
		{"12 multibyte characters", strings.Repeat("é", 12), ""},
		// 1024 runes but 4096 bytes: counting bytes would wrongly reject it.
		{"1024 four-byte characters", strings.Repeat("🔑", 1024), ""},
		{"1025 four-byte characters", strings.Repeat("🔑", 1025), "at most 1024 characters"},
		{"spaces allowed", "correct horse battery", ""},
		{"NUL", "correct horse\x00battery", "NUL"},
		{"invalid UTF-8", "correct horse\xffbattery", "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPolicy(tt.password)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckPolicy = %v, want nil", err)
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("CheckPolicy = %v, want *PolicyError", err)
			}
			if !strings.Contains(pe.Message, tt.want) {
				t.Errorf("Message = %q, want it to say %q", pe.Message, tt.want)
			}
			if !errors.Is(err, ErrPolicy) {
				t.Error("errors.Is(err, ErrPolicy) = false")
			}
		})
	}
}
