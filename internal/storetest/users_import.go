package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// testImportUsers: an import stores every account or none, in the order
// given; TakenEmails names the e-mails already used, whatever the
// administration.
func testImportUsers(t *testing.T, open Open) {
	st := openUsers(t, open)
	ctx := t.Context()
	seeded := userSeed(t, st)
	account := func(email, role, administration string) survey.NewAccount {
		return survey.NewAccount{Email: email, PasswordHash: "hash of " + email, Role: role, Administration: administration}
	}
	resp := string(auth.RoleRespondent)

	t.Run("taken e-mails", func(t *testing.T) {
		taken, err := st.TakenEmails(ctx, []string{"new@aa.test", seeded["coord"].Email, seeded["resp"].Email, "admin1@hq.test.other"})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"coord@bb.test", "resp@aa.test"}; !slices.Equal(taken, want) {
			t.Fatalf("TakenEmails = %v, want %v", taken, want)
		}
		if taken, err := st.TakenEmails(ctx, nil); err != nil || len(taken) != 0 {
			t.Fatalf("TakenEmails of none = %v, %v", taken, err)
		}
	})

	for _, c := range []struct {
		name     string
		accounts []survey.NewAccount
	}{
		{"an e-mail taken", []survey.NewAccount{account("first@aa.test", resp, "AA"), account("resp@aa.test", resp, "AA")}},
		{"an e-mail twice", []survey.NewAccount{account("twice@aa.test", resp, "AA"), account("twice@aa.test", resp, "BB")}},
		{"an unknown administration", []survey.NewAccount{account("first@aa.test", resp, "AA"), account("zz@zz.test", resp, "ZZ")}},
	} {
		t.Run("refused: "+c.name, func(t *testing.T) {
			before := listAllUsers(t, st)
			_, _, err := st.ImportUsers(ctx, c.accounts, time.Hour)
			checkUserErr(t, "ImportUsers", err, survey.ErrConflict)
			if after := listAllUsers(t, st); !slices.Equal(after, before) {
				t.Fatalf("after a refused import: %v, before %v", after, before)
			}
		})
	}

	t.Run("created in order", func(t *testing.T) {
		in := []survey.NewAccount{account("zed@aa.test", resp, "AA"), account("coord2@bb.test", string(auth.RoleCoordinator), "BB"),
			account("admin3@hq.test", string(auth.RoleAdmin), "")}
		got, expires, err := st.ImportUsers(ctx, in, 72*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if want := userClock.Truncate(time.Microsecond).Add(72 * time.Hour); !expires.Equal(want) {
			t.Errorf("expires %v, want %v", expires, want)
		}
		if len(got) != len(in) {
			t.Fatalf("%d accounts, want %d", len(got), len(in))
		}
		for i, u := range got {
			if u.ID == "" || u.Email != in[i].Email || u.Role != in[i].Role || u.Administration != in[i].Administration || u.Disabled {
				t.Errorf("account %d = %+v, want %+v", i, u, in[i])
			}
			stored, err := st.User(ctx, survey.Everything, u.ID)
			if err != nil || !sameUser(stored, u) {
				t.Errorf("stored %+v, %v; want %+v", stored, err, u)
			}
		}
		if taken, _ := st.TakenEmails(ctx, []string{"zed@aa.test"}); !slices.Equal(taken, []string{"zed@aa.test"}) {
			t.Errorf("an imported e-mail is not taken: %v", taken)
		}
	})
}

// listAllUsers lists the e-mails of every account.
func listAllUsers(t *testing.T, st Store) []string {
	t.Helper()
	list, err := st.Users(t.Context(), survey.Everything)
	if err != nil {
		t.Fatal(err)
	}
	return userEmails(list)
}
