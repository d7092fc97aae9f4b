package api

import (
	"errors"
	"reflect"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// FuzzDecodeRequests feeds arbitrary bodies to the strict request decoder
// for every request type. It must never panic; every rejection must be one
// of the documented kinds; and whatever it accepts must satisfy the type's
// validation rules.
func FuzzDecodeRequests(f *testing.F) {
	for _, seed := range []string{
		`{"email":"a@b.eu","password":"a long password"}`,
		`{"code":"BE","name":"Belgium"}`,
		`{"email":"r@b.eu","password":"a long password","role":"respondent","administration":"BE"}`,
		`{"key":"c-2023","year":2023,"questionnaire":"q","version":1,"opens_at":"2024-01-01T00:00:00Z","closes_at":"2024-02-01T00:00:00Z","administrations":["BE"]}`,
		`{"answers":{"q":"a","m":["x","y"],"n":4.5,"t":"text"}}`,
		`{"Code":"BE","code":"FR"}`,
		`{"answers":{"a":1,"a":2}}`,
		`{"year":1e400}`,
		"{\"name\":\"\xff\"}",
		`[]`, `null`, ``,
	} {
		f.Add([]byte(seed))
	}
	s := &server{}
	targets := []func() any{
		func() any { return &loginRequest{} },
		func() any { return &refreshRequest{} },
		func() any { return &administrationRequest{} },
		func() any { return &userRequest{} },
		func() any { return &campaignRequest{} },
		func() any { return &saveRequest{} },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, newTarget := range targets {
			dst := newTarget()
			err := s.decodeBytes(body, dst)
			if err == nil {
				if verr := survey.Validator().Struct(dst); verr != nil {
					t.Fatalf("%T accepted but invalid: %v", dst, verr)
				}
				continue
			}
			var invalid *survey.ValidationError
			switch {
			case errors.Is(err, survey.ErrMalformed):
			case errors.As(err, &invalid):
				if len(invalid.Errors) == 0 {
					t.Fatalf("%T: empty validation error", dst)
				}
			default:
				t.Fatalf("%T: unexpected %s: %v", dst, reflect.TypeOf(err), err)
			}
		}
	})
}
