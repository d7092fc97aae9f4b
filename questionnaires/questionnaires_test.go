package questionnaires_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/memstore"
	"github.com/customs-survey/surveyd/questionnaires"
	"github.com/customs-survey/surveyd/survey"
)

var (
	// seeded is the time at which a fixture's versions are written; acted
	// the time at which the case acts.
	seeded = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	acted  = seeded.Add(time.Hour)
)

// fixture is a service over a fake store holding an admin and the versions
//
//	alpha: 1 published, 2 draft
//	beta:  1 published
//	gamma: 1 draft
//
// each titled "<key> <version>".
type fixture struct {
	st    *memstore.Store
	svc   *questionnaires.Service
	admin auth.Principal
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{now: seeded}
	f.st = memstore.New(func() time.Time { return f.now })
	f.svc = questionnaires.New(f.st)
	ctx := t.Context()
	u, err := f.st.CreateUser(ctx, survey.NewAccount{Email: "admin@hq.test", PasswordHash: auth.NoPassword, Role: string(auth.RoleAdmin)})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = auth.Principal{UserID: u.ID, Email: u.Email, Role: auth.RoleAdmin}
	for _, key := range []string{"alpha", "beta", "gamma"} {
		if _, err := f.st.CreateQuestionnaire(ctx, u.ID, document(t, key, key+" 1")); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"alpha", "beta"} {
		if _, err := f.st.PublishQuestionnaire(ctx, key, 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.st.AddQuestionnaireVersion(ctx, u.ID, "alpha", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.UpdateQuestionnaire(ctx, "alpha", 2, document(t, "alpha", "alpha 2")); err != nil {
		t.Fatal(err)
	}
	f.now = acted
	return f
}

// document is a small valid questionnaire of the given key and title.
func document(t *testing.T, key, title string) *survey.Document {
	t.Helper()
	doc, err := survey.ParseDocument(fmt.Appendf(nil, `{
  "key": %q,
  "default_language": "en",
  "title": {"en": %q},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "q1", "type": "single_choice", "required": true, "text": {"en": "Pick one"},
     "options": [{"key": "a", "label": {"en": "A"}, "score": 0}, {"key": "b", "label": {"en": "B"}, "score": 100}]}
  ]}]
}`, key, title))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// version is what a case expects of a version: its number, status and
// title.
type version struct {
	number int
	status string
	title  string
}

func (f *fixture) stored(t *testing.T, key string, number int) version {
	t.Helper()
	q, err := f.st.Questionnaire(t.Context(), key, number)
	if err != nil {
		t.Fatal(err)
	}
	return versionOf(q)
}

func versionOf(q survey.Questionnaire) version {
	return version{number: q.Version, status: q.Status, title: q.Document.Title["en"]}
}

// checkErr fails t unless err is of kind want (nil: none) and, when msg
// is set, says exactly msg.
func checkErr(t *testing.T, err, want error, msg string) {
	t.Helper()
	switch {
	case want == nil && err != nil, want != nil && !errors.Is(err, want):
		t.Fatalf("error %v, want %v", err, want)
	case msg != "" && err.Error() != msg:
		t.Fatalf("error %q, want %q", err.Error(), msg)
	}
}

// checkInvalid fails t unless err is a validation error of exactly the one
// problem field and code.
func checkInvalid(t *testing.T, err error, field string, code survey.Code) {
	t.Helper()
	var invalid *survey.ValidationError
	if !errors.As(err, &invalid) || len(invalid.Errors) != 1 || invalid.Errors[0].Field != field || invalid.Errors[0].Code != code {
		t.Fatalf("error %v, want a validation error of %s: %s", err, field, code)
	}
}

func TestCreate(t *testing.T) {
	for _, c := range []struct {
		name, key string
		err       error
		msg       string
	}{
		{name: "a new key is version 1, a draft", key: "delta"},
		{name: "an existing key", key: "beta", err: survey.ErrConflict, msg: "questionnaire beta already exists; add a version instead"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			got, err := f.svc.Create(t.Context(), f.admin, document(t, c.key, "created"))
			checkErr(t, err, c.err, c.msg)
			if err != nil {
				if latest := f.stored(t, c.key, 0); latest.title == "created" {
					t.Fatalf("the existing questionnaire changed: %+v", latest)
				}
				return
			}
			want := version{number: 1, status: survey.StatusDraft, title: "created"}
			if versionOf(got) != want || !got.CreatedAt.Equal(acted) || got.PublishedAt != nil {
				t.Fatalf("Create = %+v, want %+v created now", got, want)
			}
			if stored := f.stored(t, c.key, 1); stored != want {
				t.Fatalf("stored %+v, want %+v", stored, want)
			}
		})
	}
}

func TestListAndGet(t *testing.T) {
	f := newFixture(t)
	list, err := f.svc.List(t.Context(), f.admin)
	if err != nil {
		t.Fatal(err)
	}
	var got []version
	for _, q := range list {
		got = append(got, versionOf(q))
	}
	want := []version{{2, survey.StatusDraft, "alpha 2"}, {1, survey.StatusPublished, "beta 1"}, {1, survey.StatusDraft, "gamma 1"}}
	if !slices.Equal(got, want) {
		t.Fatalf("List = %+v, want the latest version of each, by key: %+v", got, want)
	}
	for _, c := range []struct {
		name, key string
		number    int
		want      version
		err       error
	}{
		{name: "a version", key: "alpha", number: 1, want: version{1, survey.StatusPublished, "alpha 1"}},
		{name: "the latest", key: "alpha", number: 0, want: version{2, survey.StatusDraft, "alpha 2"}},
		{name: "a version beyond the latest", key: "alpha", number: 3, err: survey.ErrNotFound},
		{name: "an unknown key", key: "nope", number: 0, err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := f.svc.Get(t.Context(), f.admin, c.key, c.number)
			checkErr(t, err, c.err, "")
			if err == nil && versionOf(q) != c.want {
				t.Fatalf("Get = %+v, want %+v", versionOf(q), c.want)
			}
		})
	}
}

func TestCheckEditable(t *testing.T) {
	for _, c := range []struct {
		name, key string
		number    int
		err       error
		msg       string
	}{
		{name: "a draft", key: "alpha", number: 2},
		{name: "the latest, a draft", key: "gamma", number: 0},
		{name: "a published version", key: "alpha", number: 1, err: survey.ErrConflict,
			msg: "questionnaire alpha version 1 is published and cannot change; add a version"},
		{name: "the latest, published", key: "beta", number: 0, err: survey.ErrConflict},
		{name: "a version beyond the latest", key: "alpha", number: 3, err: survey.ErrNotFound},
		{name: "an unknown key", key: "nope", number: 1, err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			checkErr(t, f.svc.CheckEditable(t.Context(), f.admin, c.key, c.number), c.err, c.msg)
		})
	}
}

func TestUpdate(t *testing.T) {
	for _, c := range []struct {
		name, key string
		number    int
		docKey    string // the key of the new document
		// invalid is the field of the validation error expected, if any.
		invalid string
		err     error
		msg     string
		// want is the version that the update writes.
		want version
	}{
		{name: "a draft", key: "alpha", number: 2, docKey: "alpha", want: version{2, survey.StatusDraft, "edited"}},
		{name: "the latest, a draft", key: "gamma", number: 0, docKey: "gamma", want: version{1, survey.StatusDraft, "edited"}},
		{name: "another key", key: "alpha", number: 2, docKey: "beta", invalid: "key"},
		{name: "another key, published", key: "beta", number: 1, docKey: "alpha", invalid: "key"},
		{name: "another key, no such questionnaire", key: "nope", number: 1, docKey: "alpha", invalid: "key"},
		{name: "a published version", key: "alpha", number: 1, docKey: "alpha", err: survey.ErrConflict,
			msg: "questionnaire alpha version 1 is published and cannot change; add a version"},
		{name: "a version beyond the latest", key: "alpha", number: 3, docKey: "alpha", err: survey.ErrNotFound},
		{name: "an unknown key", key: "nope", number: 1, docKey: "nope", err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			before, _ := f.svc.List(t.Context(), f.admin)
			got, err := f.svc.Update(t.Context(), f.admin, c.key, c.number, document(t, c.docKey, "edited"))
			if c.invalid != "" {
				checkInvalid(t, err, c.invalid, survey.CodeKeyMismatch)
			} else {
				checkErr(t, err, c.err, c.msg)
			}
			if err != nil {
				// Nothing changed.
				after, _ := f.svc.List(t.Context(), f.admin)
				if !slices.EqualFunc(after, before, func(a, b survey.Questionnaire) bool { return versionOf(a) == versionOf(b) }) {
					t.Fatalf("a refused update changed the questionnaires")
				}
				return
			}
			if versionOf(got) != c.want || !got.UpdatedAt.Equal(acted) {
				t.Fatalf("Update = %+v, want %+v updated now", versionOf(got), c.want)
			}
			if stored := f.stored(t, c.key, c.want.number); stored != c.want {
				t.Fatalf("stored %+v, want %+v", stored, c.want)
			}
		})
	}
}

func TestPublish(t *testing.T) {
	for _, c := range []struct {
		name, key string
		number    int
		err       error
		msg       string
		want      version
	}{
		{name: "a draft", key: "alpha", number: 2, want: version{2, survey.StatusPublished, "alpha 2"}},
		{name: "the latest, a draft", key: "gamma", number: 0, want: version{1, survey.StatusPublished, "gamma 1"}},
		{name: "a published version", key: "beta", number: 1, err: survey.ErrConflict, msg: "questionnaire beta version 1 is already published"},
		{name: "the latest, published", key: "beta", number: 0, err: survey.ErrConflict},
		{name: "a version beyond the latest", key: "alpha", number: 3, err: survey.ErrNotFound},
		{name: "an unknown key", key: "nope", number: 0, err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			got, err := f.svc.Publish(t.Context(), f.admin, c.key, c.number)
			checkErr(t, err, c.err, c.msg)
			if err != nil {
				return
			}
			if versionOf(got) != c.want || got.PublishedAt == nil || !got.PublishedAt.Equal(acted) {
				t.Fatalf("Publish = %+v, want %+v published now", got, c.want)
			}
			if stored := f.stored(t, c.key, c.want.number); stored != c.want {
				t.Fatalf("stored %+v, want %+v", stored, c.want)
			}
		})
	}
}

func TestAddVersion(t *testing.T) {
	for _, c := range []struct {
		name, key string
		err       error
		msg       string
		// want is the new version, a copy of the latest.
		want version
	}{
		{name: "after a published version", key: "beta", want: version{2, survey.StatusDraft, "beta 1"}},
		{name: "while a later version is a draft", key: "alpha", err: survey.ErrConflict,
			msg: "version 2 of questionnaire alpha is still a draft: edit it instead"},
		{name: "while the only version is a draft", key: "gamma", err: survey.ErrConflict,
			msg: "version 1 of questionnaire gamma is still a draft: edit it instead"},
		{name: "an unknown key", key: "nope", err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			before, _ := f.svc.List(t.Context(), f.admin)
			got, err := f.svc.AddVersion(t.Context(), f.admin, c.key)
			checkErr(t, err, c.err, c.msg)
			if err != nil {
				after, _ := f.svc.List(t.Context(), f.admin)
				if !slices.EqualFunc(after, before, func(a, b survey.Questionnaire) bool { return versionOf(a) == versionOf(b) }) {
					t.Fatalf("a refused version changed the questionnaires")
				}
				return
			}
			if versionOf(got) != c.want || !got.CreatedAt.Equal(acted) {
				t.Fatalf("AddVersion = %+v, want %+v created now", versionOf(got), c.want)
			}
			if latest := f.stored(t, c.key, 0); latest != c.want {
				t.Fatalf("latest %+v, want %+v", latest, c.want)
			}
		})
	}
}

// TestOnlyAdmins: every use case of questionnaires refuses any role but
// admin, and a refused call changes nothing.
func TestOnlyAdmins(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for _, role := range []auth.Role{auth.RoleCoordinator, auth.RoleRespondent, ""} {
		p := auth.Principal{UserID: f.admin.UserID, Role: role, Administration: "AA"}
		calls := map[string]func() error{
			"create":     func() error { _, err := f.svc.Create(ctx, p, document(t, "delta", "d")); return err },
			"list":       func() error { _, err := f.svc.List(ctx, p); return err },
			"get":        func() error { _, err := f.svc.Get(ctx, p, "alpha", 0); return err },
			"check":      func() error { return f.svc.CheckEditable(ctx, p, "alpha", 1) },
			"update":     func() error { _, err := f.svc.Update(ctx, p, "alpha", 1, document(t, "alpha", "x")); return err },
			"publish":    func() error { _, err := f.svc.Publish(ctx, p, "alpha", 1); return err },
			"addVersion": func() error { _, err := f.svc.AddVersion(ctx, p, "alpha"); return err },
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, survey.ErrForbidden) {
				t.Errorf("%s by %q: %v, want forbidden", name, role, err)
			}
		}
	}
	if _, err := f.st.Questionnaire(ctx, "delta", 0); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("a refused create stored a questionnaire: %v", err)
	}
}
