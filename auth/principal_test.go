package auth

import (
	"context"
	"testing"
)

func TestPrincipalContext(t *testing.T) {
	p := Principal{UserID: "u-1", Email: "r@example.eu", Role: RoleRespondent, Administration: "BE"}
	tests := []struct {
		name   string
		ctx    context.Context
		want   Principal
		wantOK bool
	}{
		{"stored", WithPrincipal(context.Background(), p), p, true},
		{"absent", context.Background(), Principal{}, false},
		// A string key with the same spelling must not be mistaken for ours.
		{"string key", context.WithValue(context.Background(), "principal", p), Principal{}, false}, //nolint:staticcheck // the point of the test
		{"inner wins", WithPrincipal(WithPrincipal(context.Background(), Principal{UserID: "outer", Role: RoleAdmin}), p), p, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := PrincipalFrom(tt.ctx)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("PrincipalFrom = %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
