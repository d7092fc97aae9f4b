package store

import (
	"context"
	"errors"
	"testing"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// TestCampaignVisibility: who sees the open campaign c-2023 of BE. A caller
// the rules do not know (no role, or no administration) sees nothing: the
// scope fails closed.
func TestCampaignVisibility(t *testing.T) {
	tests := []struct {
		name    string
		p       auth.Principal
		visible bool
	}{
		{"admin", auth.Principal{UserID: "a", Role: auth.RoleAdmin}, true},
		{"coordinator of BE", auth.Principal{UserID: "c", Role: auth.RoleCoordinator, Administration: "BE"}, true},
		{"respondent of BE", auth.Principal{UserID: "r", Role: auth.RoleRespondent, Administration: "BE"}, true},
		{"coordinator of FR", auth.Principal{UserID: "c", Role: auth.RoleCoordinator, Administration: "FR"}, false},
		{"coordinator without an administration", auth.Principal{UserID: "c", Role: auth.RoleCoordinator}, false},
		{"nobody", auth.Principal{}, false},
		{"an unknown role", auth.Principal{UserID: "x", Role: "auditor"}, false},
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		s, _ := openCampaign(t, url)
		for _, tt := range tests {
			_, err := s.Campaign(context.Background(), survey.ScopeOf(tt.p), "c-2023")
			if tt.visible && err != nil || !tt.visible && !errors.Is(err, survey.ErrNotFound) {
				t.Errorf("%s: %v, want visible=%v", tt.name, err, tt.visible)
			}
		}
	})
}
