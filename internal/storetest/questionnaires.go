package storetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// testQuestionnaires is the contract of questionnaires.Store.
func testQuestionnaires(t *testing.T, open Open) {
	t.Run("create", func(t *testing.T) { testCreateQuestionnaire(t, open) })
	t.Run("get and list", func(t *testing.T) { testGetQuestionnaire(t, open) })
	t.Run("update", func(t *testing.T) { testUpdateQuestionnaire(t, open) })
	t.Run("publish", func(t *testing.T) { testPublishQuestionnaire(t, open) })
	t.Run("add version", func(t *testing.T) { testAddQuestionnaireVersion(t, open) })
	t.Run("copies", func(t *testing.T) { testQuestionnaireCopies(t, open) })
	t.Run("pages", func(t *testing.T) { testQuestionnairePages(t, open) })
}

// steppedClock is a store's clock that a test moves on, so that the
// times a write sets can be told from those it keeps. It starts finer than
// the microsecond that the stores keep.
type steppedClock struct{ t time.Time }

func newSteppedClock() *steppedClock {
	return &steppedClock{t: time.Date(2024, 4, 2, 9, 30, 0, 987654321, time.UTC)}
}

func (c *steppedClock) now() time.Time { return c.t }

// tick moves the clock on and returns the new time as the stores keep it.
func (c *steppedClock) tick() time.Time {
	c.t = c.t.Add(time.Minute)
	return c.stored()
}

// stored is the clock's time as the stores keep it.
func (c *steppedClock) stored() time.Time { return c.t.Truncate(time.Microsecond) }

// questionnaireDoc is a small valid document of the given key: a required
// single choice q1 (options a and b, scored), an optional text question
// note, and a title that tells documents of one key apart.
func questionnaireDoc(t testing.TB, key, title string) *survey.Document {
	t.Helper()
	raw := fmt.Sprintf(`{
  "key": %q,
  "default_language": "en",
  "title": {"en": %q},
  "sections": [{
    "key": "main",
    "title": {"en": "Main"},
    "questions": [
      {"key": "q1", "type": "single_choice", "required": true, "text": {"en": "Pick one"},
       "options": [{"key": "a", "label": {"en": "A"}, "score": 0}, {"key": "b", "label": {"en": "B"}, "score": 100}]},
      {"key": "note", "type": "text", "text": {"en": "Anything else?"}}
    ]
  }]
}`, key, title)
	doc, err := survey.ParseDocument([]byte(raw))
	if err != nil {
		t.Fatalf("the contract's document: %v", err)
	}
	return doc
}

// sameDocument compares documents by their JSON, which is what the stores
// keep of them.
func sameDocument(t testing.TB, got, want *survey.Document) bool {
	t.Helper()
	if got == nil || want == nil {
		return got == want
	}
	a, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(a, b)
}

// checkErrMessage fails t unless err is of kind want and, when message is
// not empty, says exactly message: the use cases pass these messages on to
// clients.
func checkErrMessage(t testing.TB, what string, err, want error, message string) {
	t.Helper()
	switch {
	case want == nil && err != nil, want != nil && !errors.Is(err, want):
		t.Fatalf("%s: error %v, want %v", what, err, want)
	case want != nil && message != "" && err.Error() != message:
		t.Fatalf("%s: error %q, want %q", what, err.Error(), message)
	}
}

// questionnaireVersion is what the contract checks of a version.
type questionnaireVersion struct {
	key       string
	version   int
	status    string
	title     string // the document's English title
	created   time.Time
	updated   time.Time
	published time.Time // zero: not published
}

func checkQuestionnaire(t testing.TB, what string, q survey.Questionnaire, want questionnaireVersion) {
	t.Helper()
	published := q.PublishedAt != nil
	if q.Key != want.key || q.Version != want.version || q.Status != want.status ||
		q.Document == nil || q.Document.Key != want.key || q.Document.Title["en"] != want.title ||
		!q.CreatedAt.Equal(want.created) || !q.UpdatedAt.Equal(want.updated) ||
		published != !want.published.IsZero() || (published && !q.PublishedAt.Equal(want.published)) {
		t.Fatalf("%s = %+v (title %q), want %+v", what, q, documentTitle(q.Document), want)
	}
}

func documentTitle(doc *survey.Document) string {
	if doc == nil {
		return "<no document>"
	}
	return doc.Title["en"]
}

// questionnaireAuthor creates an admin account to write questionnaires.
func questionnaireAuthor(t testing.TB, st Store) string {
	t.Helper()
	u, err := st.CreateUser(t.Context(), survey.NewAccount{Email: "author@hq.test", PasswordHash: auth.NoPassword, Role: string(auth.RoleAdmin)})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func testCreateQuestionnaire(t *testing.T, open Open) {
	clock := newSteppedClock()
	st := open(t, clock.now)
	ctx := t.Context()
	author := questionnaireAuthor(t, st)
	// The cases run in order on one store: the later ones collide with
	// the earlier.
	for _, c := range []struct {
		name, by, key, title string
		err                  error
		message              string
	}{
		{name: "first version", by: author, key: "alpha", title: "Alpha"},
		{name: "without an author", by: "", key: "beta", title: "Beta"},
		{name: "existing key", by: author, key: "alpha", title: "Alpha again", err: survey.ErrConflict,
			message: "questionnaire alpha already exists; add a version instead"},
		{name: "author that is not an account", by: "00000000-0000-0000-0000-000000000000", key: "gamma", title: "Gamma",
			err: survey.ErrConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			at := clock.tick()
			got, err := st.CreateQuestionnaire(ctx, c.by, questionnaireDoc(t, c.key, c.title))
			checkErrMessage(t, "CreateQuestionnaire", err, c.err, c.message)
			if c.err != nil {
				// What was there stays as it was, and nothing is added.
				if latest, err := st.Questionnaire(ctx, c.key, 0); err == nil && (latest.Version != 1 || latest.Document.Title["en"] == c.title) {
					t.Fatalf("after a refused creation: %+v", latest)
				} else if err != nil && !errors.Is(err, survey.ErrNotFound) {
					t.Fatal(err)
				}
				return
			}
			want := questionnaireVersion{key: c.key, version: 1, status: survey.StatusDraft, title: c.title, created: at, updated: at}
			checkQuestionnaire(t, "CreateQuestionnaire", got, want)
			stored, err := st.Questionnaire(ctx, c.key, 1)
			if err != nil {
				t.Fatal(err)
			}
			checkQuestionnaire(t, "Questionnaire", stored, want)
			if !sameDocument(t, stored.Document, questionnaireDoc(t, c.key, c.title)) {
				t.Fatalf("stored document %+v differs from the one given", stored.Document)
			}
		})
	}
	list, err := st.Questionnaires(ctx, survey.PageRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if keys := questionnaireKeys(list); !slices.Equal(keys, []string{"alpha/1", "beta/1"}) {
		t.Fatalf("Questionnaires after the creations = %v", keys)
	}
}

func questionnaireKeys(list []survey.Questionnaire) []string {
	out := make([]string, len(list))
	for i, q := range list {
		out[i] = fmt.Sprintf("%s/%d", q.Key, q.Version)
	}
	return out
}

// seedQuestionnaireVersions stores, through the store's own methods, the
// versions of the keys given: each key gets len(titles) versions, all
// published but the last when lastDraft.
func seedQuestionnaireVersions(t testing.TB, st Store, clock *steppedClock, by, key string, lastDraft bool, titles ...string) {
	t.Helper()
	ctx := t.Context()
	for i, title := range titles {
		clock.tick()
		if i == 0 {
			if _, err := st.CreateQuestionnaire(ctx, by, questionnaireDoc(t, key, title)); err != nil {
				t.Fatal(err)
			}
		} else {
			if _, err := st.AddQuestionnaireVersion(ctx, by, key, i); err != nil {
				t.Fatal(err)
			}
			if _, err := st.UpdateQuestionnaire(ctx, key, i+1, questionnaireDoc(t, key, title)); err != nil {
				t.Fatal(err)
			}
		}
		if i < len(titles)-1 || !lastDraft {
			if _, err := st.PublishQuestionnaire(ctx, key, i+1); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func testGetQuestionnaire(t *testing.T, open Open) {
	clock := newSteppedClock()
	st := open(t, clock.now)
	ctx := t.Context()
	if list, err := st.Questionnaires(ctx, survey.PageRequest{}); err != nil || len(list) != 0 {
		t.Fatalf("Questionnaires of an empty store = %v, %v", list, err)
	}
	author := questionnaireAuthor(t, st)
	// Created out of the order of their keys, so that the list's order
	// is the store's.
	seedQuestionnaireVersions(t, st, clock, author, "zulu", false, "Zulu")
	seedQuestionnaireVersions(t, st, clock, author, "alpha", true, "Alpha 1", "Alpha 2", "Alpha 3")
	seedQuestionnaireVersions(t, st, clock, author, "mike", false, "Mike 1", "Mike 2")
	for _, c := range []struct {
		name    string
		key     string
		version int
		title   string
		status  string
		err     error
		message string
	}{
		{name: "a version", key: "alpha", version: 2, title: "Alpha 2", status: survey.StatusPublished},
		{name: "the first version", key: "alpha", version: 1, title: "Alpha 1", status: survey.StatusPublished},
		{name: "the latest, a draft", key: "alpha", version: 0, title: "Alpha 3", status: survey.StatusDraft},
		{name: "the latest, published", key: "mike", version: 0, title: "Mike 2", status: survey.StatusPublished},
		{name: "the only version", key: "zulu", version: 0, title: "Zulu", status: survey.StatusPublished},
		{name: "a version beyond the latest", key: "alpha", version: 4, err: survey.ErrNotFound,
			message: "questionnaire alpha has no version 4"},
		{name: "an unknown key", key: "nope", version: 0, err: survey.ErrNotFound, message: "no questionnaire nope"},
		{name: "a version of an unknown key", key: "nope", version: 1, err: survey.ErrNotFound,
			message: "questionnaire nope has no version 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := st.Questionnaire(ctx, c.key, c.version)
			checkErrMessage(t, "Questionnaire", err, c.err, c.message)
			if err != nil {
				return
			}
			version := c.version
			if version == 0 {
				version = got.Version
			}
			if got.Key != c.key || got.Version != version || got.Status != c.status || documentTitle(got.Document) != c.title {
				t.Fatalf("Questionnaire = %s v%d %s %q, want v%d %s %q", got.Key, got.Version, got.Status,
					documentTitle(got.Document), version, c.status, c.title)
			}
			if got.Status == survey.StatusPublished && got.PublishedAt == nil {
				t.Fatal("a published version without its time of publication")
			}
		})
	}
	list, err := st.Questionnaires(ctx, survey.PageRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if keys := questionnaireKeys(list); !slices.Equal(keys, []string{"alpha/3", "mike/2", "zulu/1"}) {
		t.Fatalf("Questionnaires = %v, want the latest version of each key, by key", keys)
	}
	if documentTitle(list[0].Document) != "Alpha 3" || list[0].Status != survey.StatusDraft {
		t.Fatalf("Questionnaires[0] = %+v", list[0])
	}
}

func testUpdateQuestionnaire(t *testing.T, open Open) {
	clock := newSteppedClock()
	st := open(t, clock.now)
	ctx := t.Context()
	author := questionnaireAuthor(t, st)
	seedQuestionnaireVersions(t, st, clock, author, "alpha", true, "Alpha 1", "Alpha 2")
	created := clock.stored()
	for _, c := range []struct {
		name    string
		version int
		title   string
		err     error
		message string
	}{
		{name: "the draft", version: 2, title: "Alpha 2 edited"},
		{name: "the draft again", version: 2, title: "Alpha 2 edited twice"},
		{name: "the latest, a draft", version: 0, title: "Alpha 2 edited through the latest"},
		{name: "a published version", version: 1, title: "Alpha 1 edited", err: survey.ErrConflict,
			message: "questionnaire alpha version 1 was published meanwhile"},
		{name: "a version beyond the latest", version: 3, title: "Alpha 3", err: survey.ErrNotFound,
			message: "questionnaire alpha has no version 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, err := st.Questionnaire(ctx, "alpha", c.version)
			if err != nil && c.err == nil {
				t.Fatal(err)
			}
			at := clock.tick()
			got, err := st.UpdateQuestionnaire(ctx, "alpha", c.version, questionnaireDoc(t, "alpha", c.title))
			checkErrMessage(t, "UpdateQuestionnaire", err, c.err, c.message)
			if err != nil {
				if before.Version > 0 {
					after, err := st.Questionnaire(ctx, "alpha", before.Version)
					if err != nil || documentTitle(after.Document) != documentTitle(before.Document) || !after.UpdatedAt.Equal(before.UpdatedAt) {
						t.Fatalf("after a refused update: %+v, %v; before %+v", after, err, before)
					}
				}
				return
			}
			want := questionnaireVersion{key: "alpha", version: 2, status: survey.StatusDraft, title: c.title, created: created, updated: at}
			checkQuestionnaire(t, "UpdateQuestionnaire", got, want)
			stored, err := st.Questionnaire(ctx, "alpha", 2)
			if err != nil {
				t.Fatal(err)
			}
			checkQuestionnaire(t, "Questionnaire", stored, want)
		})
	}
	t.Run("unknown key", func(t *testing.T) {
		_, err := st.UpdateQuestionnaire(ctx, "nope", 1, questionnaireDoc(t, "nope", "Nope"))
		checkErrMessage(t, "UpdateQuestionnaire", err, survey.ErrNotFound, "questionnaire nope has no version 1")
	})
}

func testPublishQuestionnaire(t *testing.T, open Open) {
	clock := newSteppedClock()
	st := open(t, clock.now)
	ctx := t.Context()
	author := questionnaireAuthor(t, st)
	seedQuestionnaireVersions(t, st, clock, author, "alpha", true, "Alpha 1", "Alpha 2")
	seedQuestionnaireVersions(t, st, clock, author, "beta", true, "Beta")
	created := map[string]time.Time{}
	for _, key := range []string{"alpha", "beta"} {
		q, err := st.Questionnaire(ctx, key, 0)
		if err != nil {
			t.Fatal(err)
		}
		created[key] = q.CreatedAt
	}
	for _, c := range []struct {
		name, key string
		version   int
		// wantVersion and title are the version published and its title.
		wantVersion int
		title       string
		err         error
		message     string
	}{
		{name: "a draft", key: "alpha", version: 2, wantVersion: 2, title: "Alpha 2"},
		{name: "the same again", key: "alpha", version: 2, err: survey.ErrConflict, message: "questionnaire alpha version 2 is already published"},
		{name: "a version published long ago", key: "alpha", version: 1, err: survey.ErrConflict, message: "questionnaire alpha version 1 is already published"},
		{name: "the latest, a draft", key: "beta", version: 0, wantVersion: 1, title: "Beta"},
		{name: "the latest, published", key: "beta", version: 0, err: survey.ErrConflict, message: "questionnaire beta version 0 is already published"},
		{name: "a version beyond the latest", key: "alpha", version: 3, err: survey.ErrNotFound, message: "questionnaire alpha has no version 3"},
		{name: "an unknown key", key: "nope", version: 0, err: survey.ErrNotFound, message: "no questionnaire nope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			at := clock.tick()
			got, err := st.PublishQuestionnaire(ctx, c.key, c.version)
			checkErrMessage(t, "PublishQuestionnaire", err, c.err, c.message)
			if err != nil {
				return
			}
			want := questionnaireVersion{key: c.key, version: c.wantVersion, status: survey.StatusPublished, title: c.title,
				created: created[c.key], updated: at, published: at}
			checkQuestionnaire(t, "PublishQuestionnaire", got, want)
			stored, err := st.Questionnaire(ctx, c.key, c.wantVersion)
			if err != nil {
				t.Fatal(err)
			}
			checkQuestionnaire(t, "Questionnaire", stored, want)
		})
	}
	t.Run("published stays as it is", func(t *testing.T) {
		before, err := st.Questionnaire(ctx, "alpha", 2)
		if err != nil {
			t.Fatal(err)
		}
		clock.tick()
		if _, err := st.PublishQuestionnaire(ctx, "alpha", 2); !errors.Is(err, survey.ErrConflict) {
			t.Fatalf("publishing again: %v", err)
		}
		if _, err := st.UpdateQuestionnaire(ctx, "alpha", 2, questionnaireDoc(t, "alpha", "Changed")); !errors.Is(err, survey.ErrConflict) {
			t.Fatalf("updating a published version: %v", err)
		}
		after, err := st.Questionnaire(ctx, "alpha", 2)
		if err != nil {
			t.Fatal(err)
		}
		checkQuestionnaire(t, "Questionnaire", after, questionnaireVersion{key: "alpha", version: 2, status: survey.StatusPublished,
			title: "Alpha 2", created: before.CreatedAt, updated: before.UpdatedAt, published: *before.PublishedAt})
	})
}

func testAddQuestionnaireVersion(t *testing.T, open Open) {
	clock := newSteppedClock()
	st := open(t, clock.now)
	ctx := t.Context()
	author := questionnaireAuthor(t, st)
	seedQuestionnaireVersions(t, st, clock, author, "alpha", false, "Alpha 1", "Alpha 2")
	// The cases run in order on one store.
	for _, c := range []struct {
		name, by, key string
		from          int
		// title is the new version's, copied from version from.
		title   string
		err     error
		message string
	}{
		{name: "after the latest", by: author, key: "alpha", from: 2, title: "Alpha 2"},
		{name: "a version that exists", by: author, key: "alpha", from: 2, err: survey.ErrConflict,
			message: "another version of alpha was added meanwhile"},
		{name: "after an earlier version", by: author, key: "alpha", from: 1, err: survey.ErrConflict,
			message: "another version of alpha was added meanwhile"},
		{name: "after the draft", by: "", key: "alpha", from: 3, title: "Alpha 2"},
		{name: "after a version beyond the latest", by: author, key: "alpha", from: 7, err: survey.ErrNotFound,
			message: "questionnaire alpha has no version 7"},
		{name: "an unknown key", by: author, key: "nope", from: 1, err: survey.ErrNotFound,
			message: "questionnaire nope has no version 1"},
		{name: "author that is not an account", by: "00000000-0000-0000-0000-000000000000", key: "alpha", from: 4,
			err: survey.ErrConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, err := st.Questionnaires(ctx, survey.PageRequest{})
			if err != nil {
				t.Fatal(err)
			}
			at := clock.tick()
			got, err := st.AddQuestionnaireVersion(ctx, c.by, c.key, c.from)
			checkErrMessage(t, "AddQuestionnaireVersion", err, c.err, c.message)
			if err != nil {
				after, err := st.Questionnaires(ctx, survey.PageRequest{})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(questionnaireKeys(after), questionnaireKeys(before)) {
					t.Fatalf("after a refused version: %v, before %v", questionnaireKeys(after), questionnaireKeys(before))
				}
				return
			}
			want := questionnaireVersion{key: c.key, version: c.from + 1, status: survey.StatusDraft, title: c.title, created: at, updated: at}
			checkQuestionnaire(t, "AddQuestionnaireVersion", got, want)
			latest, err := st.Questionnaire(ctx, c.key, 0)
			if err != nil {
				t.Fatal(err)
			}
			checkQuestionnaire(t, "the latest version", latest, want)
			source, err := st.Questionnaire(ctx, c.key, c.from)
			if err != nil {
				t.Fatal(err)
			}
			if !sameDocument(t, latest.Document, source.Document) {
				t.Fatalf("version %d's document differs from version %d's", c.from+1, c.from)
			}
		})
	}
}

// testQuestionnaireCopies checks that a store keeps documents of its own:
// changing a document given or handed out changes nothing stored.
func testQuestionnaireCopies(t *testing.T, open Open) {
	clock := newSteppedClock()
	st := open(t, clock.now)
	ctx := t.Context()
	doc := questionnaireDoc(t, "alpha", "Alpha")
	created, err := st.CreateQuestionnaire(ctx, "", doc)
	if err != nil {
		t.Fatal(err)
	}
	doc.Title["en"] = "Changed after CreateQuestionnaire"
	created.Document.Title["en"] = "Changed in its result"
	got, err := st.Questionnaire(ctx, "alpha", 1)
	if err != nil {
		t.Fatal(err)
	}
	got.Document.Sections[0].Questions[0].Key = "changed"
	if again, err := st.Questionnaire(ctx, "alpha", 1); err != nil || !sameDocument(t, again.Document, questionnaireDoc(t, "alpha", "Alpha")) {
		t.Fatalf("stored document %+v, %v changed with a copy", again.Document, err)
	}
	update := questionnaireDoc(t, "alpha", "Alpha edited")
	if _, err := st.UpdateQuestionnaire(ctx, "alpha", 1, update); err != nil {
		t.Fatal(err)
	}
	update.Title["en"] = "Changed after UpdateQuestionnaire"
	list, err := st.Questionnaires(ctx, survey.PageRequest{})
	if err != nil {
		t.Fatal(err)
	}
	list[0].Document.Title["en"] = "Changed in the list"
	stored, err := st.Questionnaire(ctx, "alpha", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !sameDocument(t, stored.Document, questionnaireDoc(t, "alpha", "Alpha edited")) {
		t.Fatalf("stored document %+v changed with a copy", stored.Document)
	}
}
