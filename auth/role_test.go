package auth

import "testing"

func TestRole(t *testing.T) {
	tests := []struct {
		role                       Role
		valid, needsAdministration bool
	}{
		{RoleAdmin, true, false},
		{RoleCoordinator, true, true},
		{RoleRespondent, true, true},
		{"", false, false},
		{"Admin", false, false},
		{"root", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			if got := tt.role.Valid(); got != tt.valid {
				t.Errorf("Valid() = %v, want %v", got, tt.valid)
			}
			if got := tt.role.NeedsAdministration(); got != tt.needsAdministration {
				t.Errorf("NeedsAdministration() = %v, want %v", got, tt.needsAdministration)
			}
		})
	}
}
