package storetest

import (
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// testResponding is the contract of responding.Store: the state a change
// is decided on, what a change writes, which campaigns a scope reaches, and
// that concurrent changes of one response never lose one another.
func testResponding(t *testing.T, open Open) {
	t.Run("changes", func(t *testing.T) { testResponseChanges(t, open) })
	t.Run("scope", func(t *testing.T) { testResponseScope(t, open) })
	t.Run("state", func(t *testing.T) { testResponseState(t, open) })
	t.Run("refused", func(t *testing.T) { testResponseRefused(t, open) })
	t.Run("references", func(t *testing.T) { testResponseReferences(t, open) })
	t.Run("race", func(t *testing.T) { testResponseRace(t, open) })
	t.Run("history", func(t *testing.T) { testResponseHistory(t, open) })
}

// respondingDocument is the questionnaire of the campaigns of
// testResponding: a required choice, a required text shown only for one
// of its options, a scored choice and a number.
const respondingDocument = `{
  "key": "responding",
  "default_language": "en",
  "title": {"en": "Responding"},
  "sections": [{
    "key": "main",
    "title": {"en": "Main"},
    "questions": [
      {"key": "used", "type": "single_choice", "required": true, "text": {"en": "Used?"},
       "options": [{"key": "yes", "label": {"en": "Yes"}}, {"key": "no", "label": {"en": "No"}}]},
      {"key": "why_not", "type": "text", "required": true, "text": {"en": "Why not?"},
       "show_if": {"question": "used", "in": ["no"]}},
      {"key": "rating", "type": "single_choice", "text": {"en": "Rating"},
       "options": [{"key": "low", "label": {"en": "Low"}, "score": 0},
                   {"key": "high", "label": {"en": "High"}, "score": 100},
                   {"key": "unsure", "label": {"en": "Don't know"}, "score": null}]},
      {"key": "count", "type": "number", "integer": true, "min": 0, "text": {"en": "How many?"}}
    ]
  }]
}`

// respondingClock is a clock that a test moves on, finer than the
// microsecond that the stores keep.
type respondingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *respondingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// tick moves the clock on by a second and a few nanoseconds and returns
// the new time as the stores keep it.
func (c *respondingClock) tick() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second + 7)
	return c.t.UTC().Truncate(time.Microsecond)
}

// respondingFixture is a store with the campaigns of testResponding, all of
// respondingDocument and closing at respondingClosesAt:
//   - "open-aa", open, invites AA;
//   - "draft-aa", a draft, invites AA;
//   - "closed-aa", closed, invites AA and BB;
//   - "open-bb", open, invites BB;
//
// and three respondents: two of AA (r1, r2) and one of BB (rb).
type respondingFixture struct {
	st         Store
	clock      *respondingClock
	doc        *survey.Document
	r1, r2, rb survey.Respondent
}

var respondingClosesAt = time.Date(2024, 6, 30, 23, 59, 59, 999999000, time.UTC)

func openResponding(t *testing.T, open Open) *respondingFixture {
	t.Helper()
	clock := &respondingClock{t: time.Date(2024, 4, 1, 9, 0, 0, 123456789, time.UTC)}
	f := &respondingFixture{st: open(t, clock.now), clock: clock}
	ctx := t.Context()
	for _, code := range []string{"AA", "BB"} {
		if _, err := f.st.CreateAdministration(ctx, code, code); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []struct {
		who            *survey.Respondent
		email, adminis string
	}{{&f.r1, "r1@aa.test", "AA"}, {&f.r2, "r2@aa.test", "AA"}, {&f.rb, "rb@bb.test", "BB"}} {
		u, err := f.st.CreateUser(ctx, survey.NewAccount{Email: r.email, PasswordHash: auth.NoPassword,
			Role: string(auth.RoleRespondent), Administration: r.adminis})
		if err != nil {
			t.Fatal(err)
		}
		*r.who = survey.Respondent{ID: u.ID, Administration: r.adminis}
	}
	doc, err := survey.ParseDocument([]byte(respondingDocument))
	if err != nil {
		t.Fatal(err)
	}
	f.doc = doc
	if _, err := f.st.CreateQuestionnaire(ctx, "", doc); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.PublishQuestionnaire(ctx, doc.Key, 1); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key             string
		administrations []string
		statuses        []string // the statuses it goes through after draft
	}{
		{"open-aa", []string{"AA"}, []string{survey.StatusOpen}},
		{"draft-aa", []string{"AA"}, nil},
		{"closed-aa", []string{"AA", "BB"}, []string{survey.StatusOpen, survey.StatusClosed}},
		{"open-bb", []string{"BB"}, []string{survey.StatusOpen}},
	} {
		if _, err := f.st.CreateCampaign(ctx, survey.NewCampaign{Key: c.key, Year: 2024, Questionnaire: doc.Key, Version: 1,
			OpensAt: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), ClosesAt: respondingClosesAt,
			Administrations: c.administrations}); err != nil {
			t.Fatal(err)
		}
		from := survey.StatusDraft
		for _, to := range c.statuses {
			if _, err := f.st.SetCampaignStatus(ctx, c.key, from, to); err != nil {
				t.Fatal(err)
			}
			from = to
		}
	}
	return f
}

// save changes who's response to a campaign with Everything, writing
// answers (and submitting them with submit), and fails t on an error.
func (f *respondingFixture) save(t *testing.T, key string, who survey.Respondent, answers survey.Answers, submit bool) survey.Response {
	t.Helper()
	r, err := f.st.ChangeResponse(t.Context(), survey.Everything, key, who, func(st survey.ResponseState) (survey.ResponseChange, error) {
		return respondingChange(t, st.Document, answers, submit), nil
	})
	if err != nil {
		t.Fatalf("ChangeResponse(%s): %v", key, err)
	}
	return r
}

// respondingChange is the change that saves answers or, with submit,
// submits them with their answer rows.
func respondingChange(t *testing.T, doc *survey.Document, answers survey.Answers, submit bool) survey.ResponseChange {
	if !submit {
		return survey.ResponseChange{Answers: answers}
	}
	cleaned, rows, err := survey.PrepareSubmission(doc, answers)
	if err != nil {
		t.Errorf("answers %s cannot be submitted: %v", respondingJSON(answers), err)
	}
	return survey.ResponseChange{Answers: cleaned, Submit: true, Rows: rows}
}

// mine reads who's response to a campaign with Everything.
func (f *respondingFixture) mine(t *testing.T, key string, who survey.Respondent) (survey.Response, bool) {
	t.Helper()
	r, found, err := f.st.Response(t.Context(), survey.Everything, key, who.ID)
	if err != nil {
		t.Fatalf("Response(%s): %v", key, err)
	}
	return r, found
}

// respondingJSON is v as canonical JSON (object members sorted), to
// compare answers and documents whatever their spacing.
func respondingJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "unmarshalable: " + err.Error()
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return "unparsable: " + err.Error()
	}
	b, _ = json.Marshal(tree)
	return string(b)
}

// sameResponse reports how got differs from want, times compared as
// instants and answers as JSON; "" when they agree.
func sameResponse(got, want survey.Response) string {
	sameTime := func(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
	switch {
	case got.ID != want.ID || got.Campaign != want.Campaign || got.RespondentID != want.RespondentID ||
		got.Administration != want.Administration:
		return "identity"
	case got.Revision != want.Revision:
		return "revision"
	case respondingJSON(got.Answers) != respondingJSON(want.Answers):
		return "answers"
	case got.AmendmentPending != want.AmendmentPending:
		return "amendment pending"
	case !sameTime(got.SubmittedAt, want.SubmittedAt):
		return "submitted at"
	case !sameTime(got.FirstSubmittedAt, want.FirstSubmittedAt):
		return "first submitted at"
	case !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt):
		return "created or updated at"
	case len(got.Submissions) != len(want.Submissions):
		return "number of submissions"
	}
	for i, s := range got.Submissions {
		w := want.Submissions[i]
		if s.ID != w.ID || s.Revision != w.Revision || s.SubmittedBy != w.SubmittedBy || !s.SubmittedAt.Equal(w.SubmittedAt) {
			return "submissions"
		}
	}
	return ""
}

func respondingTime(t time.Time) *time.Time { return &t }

// testResponseChanges follows one response through its changes: each
// writes the working copy at the next revision, a submission is kept for
// ever and counts until the next one, and Response reads what the change
// returned.
func testResponseChanges(t *testing.T, open Open) {
	f := openResponding(t, open)
	ctx := t.Context()
	if _, found := f.mine(t, "open-aa", f.r1); found {
		t.Fatal("a response before any change")
	}
	var want survey.Response // what the response should be after each step
	// The steps run in order on one response.
	for _, c := range []struct {
		name    string
		answers survey.Answers
		submit  bool
	}{
		{name: "first change creates revision 1", answers: survey.Answers{"used": json.RawMessage(`"no"`)}},
		{name: "next change is the next revision", answers: survey.Answers{"used": json.RawMessage(`"no"`), "why_not": json.RawMessage(`"budget"`)}},
		{name: "submit", answers: survey.Answers{"used": json.RawMessage(`"no"`), "why_not": json.RawMessage(`"budget"`)}, submit: true},
		{name: "save after a submission is a pending amendment", answers: survey.Answers{"used": json.RawMessage(`"yes"`), "why_not": json.RawMessage(`"budget"`), "rating": json.RawMessage(`"high"`)}},
		{name: "submit the amendment", answers: survey.Answers{"used": json.RawMessage(`"yes"`), "rating": json.RawMessage(`"high"`)}, submit: true},
		{name: "submit again unchanged", answers: survey.Answers{"used": json.RawMessage(`"yes"`), "rating": json.RawMessage(`"high"`)}, submit: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			now := f.clock.tick()
			var seen survey.ResponseState
			// A save goes through SaveResponse, as the service's saves do.
			change := f.st.SaveResponse
			if c.submit {
				change = f.st.ChangeResponse
			}
			got, err := change(ctx, survey.Everything, "open-aa", f.r1, func(st survey.ResponseState) (survey.ResponseChange, error) {
				seen = st
				return respondingChange(t, st.Document, c.answers, c.submit), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// A save's decide may be given no draft: the save replaces it
			// (responding.Store).
			if seen.Found != (want.Revision > 0) || seen.Revision != want.Revision ||
				(want.Revision > 0 && (c.submit || seen.Draft != nil) && respondingJSON(seen.Draft) != respondingJSON(want.Answers)) {
				t.Fatalf("decide saw found %v revision %d draft %s, want revision %d draft %s",
					seen.Found, seen.Revision, respondingJSON(seen.Draft), want.Revision, respondingJSON(want.Answers))
			}
			if want.Revision == 0 {
				if got.ID == "" {
					t.Fatal("a new response without an id")
				}
				want = survey.Response{ID: got.ID, Campaign: "open-aa", RespondentID: f.r1.ID, Administration: f.r1.Administration,
					CreatedAt: now}
			}
			want.Revision++
			want.Answers = respondingChange(t, f.doc, c.answers, c.submit).Answers
			want.UpdatedAt = now
			want.AmendmentPending = !c.submit && len(want.Submissions) > 0
			if c.submit {
				n := len(got.Submissions)
				if n == 0 || got.Submissions[n-1].ID == "" {
					t.Fatalf("no new submission in %+v", got.Submissions)
				}
				for _, s := range want.Submissions {
					if s.ID == got.Submissions[n-1].ID {
						t.Fatalf("the new submission has the id %s of an earlier one", s.ID)
					}
				}
				want.Submissions = append(want.Submissions, survey.Submission{ID: got.Submissions[n-1].ID,
					Revision: want.Revision, SubmittedBy: f.r1.ID, SubmittedAt: now})
				want.SubmittedAt = respondingTime(now)
				if want.FirstSubmittedAt == nil {
					want.FirstSubmittedAt = respondingTime(now)
				}
			}
			if diff := sameResponse(got, want); diff != "" {
				t.Fatalf("ChangeResponse: %s differs:\n got %+v\nwant %+v", diff, got, want)
			}
			read, found := f.mine(t, "open-aa", f.r1)
			if diff := sameResponse(read, want); !found || diff != "" {
				t.Fatalf("Response (found %v): %s differs:\n got %+v\nwant %+v", found, diff, read, want)
			}
		})
	}
	t.Run("other respondents and campaigns are apart", func(t *testing.T) {
		if _, found := f.mine(t, "open-aa", f.r2); found {
			t.Fatal("r2 has r1's response")
		}
		if _, found := f.mine(t, "closed-aa", f.r1); found {
			t.Fatal("r1 has a response to another campaign")
		}
		other := f.save(t, "open-aa", f.r2, survey.Answers{"used": json.RawMessage(`"yes"`)}, false)
		if other.ID == want.ID || other.Revision != 1 || other.RespondentID != f.r2.ID {
			t.Fatalf("r2's first change: %+v", other)
		}
		if read, _ := f.mine(t, "open-aa", f.r1); sameResponse(read, want) != "" {
			t.Fatalf("r2's change changed r1's response: %+v", read)
		}
	})
	t.Run("the response keeps the respondent's administration", func(t *testing.T) {
		// The scope decides which campaigns are reached, not whose
		// administration the response is of.
		got := f.save(t, "closed-aa", f.rb, survey.Answers{}, false)
		if got.Administration != "BB" || got.Campaign != "closed-aa" {
			t.Fatalf("rb's response: %+v", got)
		}
	})
	t.Run("answers are the store's own", func(t *testing.T) {
		// Neither the answers handed in nor those handed out are shared
		// with what the store keeps.
		answers := survey.Answers{"used": json.RawMessage(`"yes"`)}
		got := f.save(t, "open-aa", f.r2, answers, false)
		answers["used"] = json.RawMessage(`"no"`)
		got.Answers["count"] = json.RawMessage(`3`)
		read, _ := f.mine(t, "open-aa", f.r2)
		if respondingJSON(read.Answers) != `{"used":"yes"}` {
			t.Fatalf("answers after changing the caller's copies: %s", respondingJSON(read.Answers))
		}
	})
}

// testResponseScope checks which campaigns each kind of scope reaches: a
// campaign that a scope does not see is "no campaign <key>" (ErrNotFound),
// for reads and changes alike, and a change of it decides nothing.
func testResponseScope(t *testing.T, open Open) {
	f := openResponding(t, open)
	ctx := t.Context()
	keys := []string{"open-aa", "draft-aa", "closed-aa", "open-bb"}
	before := map[string]survey.Response{}
	for _, key := range keys {
		before[key] = f.save(t, key, f.r1, survey.Answers{"count": json.RawMessage(`1`)}, false)
	}
	aa, bb := survey.Scope{Administration: "AA"}, survey.Scope{Administration: "BB"}
	aaNoDrafts := survey.Scope{Administration: "AA", HideDrafts: true}
	for _, c := range []struct {
		name string
		sc   survey.Scope
		sees []string // of keys
	}{
		{name: "all", sc: survey.Everything, sees: keys},
		{name: "all hiding drafts", sc: survey.Scope{All: true, HideDrafts: true}, sees: keys},
		{name: "administration", sc: aa, sees: []string{"open-aa", "draft-aa", "closed-aa"}},
		{name: "administration without drafts", sc: aaNoDrafts, sees: []string{"open-aa", "closed-aa"}},
		{name: "another administration", sc: bb, sees: []string{"closed-aa", "open-bb"}},
		{name: "an administration that is not invited", sc: survey.Scope{Administration: "ZZ"}},
		{name: "zero", sc: survey.Scope{}},
		{name: "no administration, without drafts", sc: survey.Scope{HideDrafts: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, key := range append(keys, "no-such") {
				visible := false
				for _, k := range c.sees {
					visible = visible || k == key
				}
				notFound := func(what string, err error) {
					t.Helper()
					var domain *survey.Error
					if !errors.Is(err, survey.ErrNotFound) || !errors.As(err, &domain) || domain.Message != "no campaign "+key {
						t.Fatalf("%s(%s): error %v, want \"no campaign %s\" (ErrNotFound)", what, key, err, key)
					}
				}
				got, found, err := f.st.Response(ctx, c.sc, key, f.r1.ID)
				switch {
				case !visible:
					notFound("Response", err)
				case err != nil || !found || sameResponse(got, before[key]) != "":
					t.Fatalf("Response(%s) = %+v, %v, %v; want %+v", key, got, found, err, before[key])
				}
				decided := false
				refused := errors.New("refused")
				_, err = f.st.ChangeResponse(ctx, c.sc, key, f.r1, func(st survey.ResponseState) (survey.ResponseChange, error) {
					decided = true
					if !st.Found || st.Revision != 1 {
						t.Errorf("ChangeResponse(%s): decide saw found %v revision %d", key, st.Found, st.Revision)
					}
					return survey.ResponseChange{}, refused
				})
				switch {
				case !visible:
					notFound("ChangeResponse", err)
					if decided {
						t.Fatalf("ChangeResponse(%s) decided on a campaign the scope does not see", key)
					}
				case !errors.Is(err, refused) || !decided:
					t.Fatalf("ChangeResponse(%s): decided %v, error %v, want decide's", key, decided, err)
				}
			}
		})
	}
	t.Run("a change through a scope", func(t *testing.T) {
		got, err := f.st.ChangeResponse(ctx, aaNoDrafts, "open-aa", f.r1, func(st survey.ResponseState) (survey.ResponseChange, error) {
			return survey.ResponseChange{Answers: survey.Answers{"count": json.RawMessage(`2`)}}, nil
		})
		if err != nil || got.Revision != 2 || got.ID != before["open-aa"].ID {
			t.Fatalf("ChangeResponse = %+v, %v; want revision 2 of %s", got, err, before["open-aa"].ID)
		}
	})
	t.Run("nothing else changed", func(t *testing.T) {
		for _, key := range keys[1:] {
			if read, _ := f.mine(t, key, f.r1); sameResponse(read, before[key]) != "" {
				t.Fatalf("%s: %+v, want %+v", key, read, before[key])
			}
		}
	})
}

// testResponseState checks what decide is handed: the campaign's status
// and closing time, its questionnaire document, and the response as it is,
// read afresh, so that what decide does to the draft stays its own. The
// document of a published version is shared by every change (read-only:
// decide must not change it).
func testResponseState(t *testing.T, open Open) {
	f := openResponding(t, open)
	ctx := t.Context()
	wantDoc := respondingJSON(f.doc)
	f.save(t, "closed-aa", f.r1, survey.Answers{"used": json.RawMessage(`"no"`), "count": json.RawMessage(`4`)}, false)
	for _, c := range []struct {
		name, key string
		who       survey.Respondent
		status    string
		found     bool
		revision  int
		draft     string
	}{
		{name: "open, no response", key: "open-aa", who: f.r1, status: survey.StatusOpen},
		{name: "draft campaign", key: "draft-aa", who: f.r1, status: survey.StatusDraft},
		{name: "closed, with a response", key: "closed-aa", who: f.r1, status: survey.StatusClosed, found: true, revision: 1,
			draft: `{"count":4,"used":"no"}`},
		{name: "closed, another respondent", key: "closed-aa", who: f.r2, status: survey.StatusClosed},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Twice: what the first decide does to the state must not
			// reach the second.
			for range 2 {
				stop := errors.New("stop")
				_, err := f.st.ChangeResponse(ctx, survey.Everything, c.key, c.who, func(st survey.ResponseState) (survey.ResponseChange, error) {
					if st.CampaignStatus != c.status || !st.ClosesAt.Equal(respondingClosesAt) {
						t.Errorf("campaign %s closing at %v, want %s closing at %v", st.CampaignStatus, st.ClosesAt, c.status, respondingClosesAt)
					}
					if st.Document == nil || respondingJSON(st.Document) != wantDoc {
						t.Errorf("document %s, want %s", respondingJSON(st.Document), wantDoc)
					}
					if st.Found != c.found || st.Revision != c.revision || (c.found && respondingJSON(st.Draft) != c.draft) ||
						(!c.found && st.Draft != nil) {
						t.Errorf("response found %v revision %d draft %s, want %v %d %s", st.Found, st.Revision,
							respondingJSON(st.Draft), c.found, c.revision, c.draft)
					}
					if st.Draft != nil {
						st.Draft["used"] = json.RawMessage(`"yes"`)
					}
					return survey.ResponseChange{}, stop
				})
				if !errors.Is(err, stop) {
					t.Fatalf("ChangeResponse: %v, want decide's error", err)
				}
			}
		})
	}
}

// testResponseRefused checks that a change whose decide fails, or whose
// answers cannot be stored, writes nothing: no new response, and an
// existing one as it was.
func testResponseRefused(t *testing.T, open Open) {
	f := openResponding(t, open)
	ctx := t.Context()
	f.clock.tick()
	f.save(t, "open-aa", f.r1, survey.Answers{"used": json.RawMessage(`"yes"`)}, true)
	f.clock.tick()
	existing := f.save(t, "open-aa", f.r1, survey.Answers{"used": json.RawMessage(`"no"`)}, false)
	plain := errors.New("plain")
	conflict := survey.Errorf(survey.ErrConflict, "campaign open-aa accepts no answers")
	invalid := survey.Invalid("answers.count", survey.CodeRequired, "this question must be answered")
	for _, c := range []struct {
		name   string
		decide func(survey.ResponseState) (survey.ResponseChange, error)
		err    error // nil: any error
	}{
		{name: "plain error", decide: func(survey.ResponseState) (survey.ResponseChange, error) {
			return survey.ResponseChange{Answers: survey.Answers{}, Submit: true}, plain
		}, err: plain},
		{name: "domain error", decide: func(survey.ResponseState) (survey.ResponseChange, error) {
			return survey.ResponseChange{}, conflict
		}, err: conflict},
		{name: "validation error", decide: func(survey.ResponseState) (survey.ResponseChange, error) {
			return survey.ResponseChange{}, invalid
		}, err: invalid},
		{name: "answers that are not JSON", decide: func(survey.ResponseState) (survey.ResponseChange, error) {
			return survey.ResponseChange{Answers: survey.Answers{"used": json.RawMessage(`{"yes`)}, Submit: true}, nil
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, who := range []survey.Respondent{f.r1, f.r2} {
				f.clock.tick()
				_, err := f.st.ChangeResponse(ctx, survey.Everything, "open-aa", who, c.decide)
				if err == nil || (c.err != nil && !errors.Is(err, c.err)) {
					t.Fatalf("ChangeResponse: error %v, want %v", err, c.err)
				}
				if c.err != nil && err.Error() != c.err.Error() && !errors.Is(c.err, plain) {
					t.Fatalf("ChangeResponse: message %q, want decide's %q", err, c.err)
				}
				read, found := f.mine(t, "open-aa", who)
				switch {
				case who == f.r2 && found:
					t.Fatalf("a refused first change created %+v", read)
				case who == f.r1 && sameResponse(read, existing) != "":
					t.Fatalf("a refused change wrote %+v, want %+v", read, existing)
				}
			}
		})
	}
}

// testResponseReferences checks that a new response is of an account and
// of an administration that exist, as the foreign keys of the responses
// table require: ErrConflict otherwise, and nothing written.
func testResponseReferences(t *testing.T, open Open) {
	f := openResponding(t, open)
	ctx := t.Context()
	for _, c := range []struct {
		name string
		who  survey.Respondent
	}{
		{name: "not an account", who: survey.Respondent{ID: "00000000-0000-0000-0000-000000000000", Administration: "AA"}},
		{name: "no administration", who: survey.Respondent{ID: f.r1.ID}},
		{name: "an administration that does not exist", who: survey.Respondent{ID: f.r1.ID, Administration: "ZZ"}},
	} {
		for _, submit := range []bool{true, false} {
			// A first submission goes through ChangeResponse, a first save
			// through SaveResponse, as the service makes them.
			name, change := "submission", f.st.ChangeResponse
			if !submit {
				name, change = "save", f.st.SaveResponse
			}
			t.Run(c.name+", "+name, func(t *testing.T) {
				_, err := change(ctx, survey.Everything, "open-aa", c.who, func(st survey.ResponseState) (survey.ResponseChange, error) {
					return respondingChange(t, st.Document, survey.Answers{"used": json.RawMessage(`"yes"`)}, submit), nil
				})
				if !errors.Is(err, survey.ErrConflict) {
					t.Fatalf("first %s: error %v, want ErrConflict", name, err)
				}
				if read, found := f.mine(t, "open-aa", c.who); found {
					t.Fatalf("a refused first %s created %+v", name, read)
				}
			})
		}
	}
}

// testResponseRace runs changes of one response at once. Each either
// commits or fails with ErrChangedMeanwhile (or with decide's own error),
// and none is lost: the final revision counts every change that
// succeeded, each at a revision of its own. A decide that insists on the
// revision every change read first lets exactly one of them through.
func testResponseRace(t *testing.T, open Open) {
	const n = 8
	for _, c := range []struct {
		name     string
		existing bool // a response exists before the race
		ifMatch  bool // decide fails unless it sees the revision read before the race
		save     bool // through SaveResponse, not ChangeResponse
	}{
		{name: "first changes"},
		{name: "changes of an existing response", existing: true},
		{name: "changes on condition of the revision read", existing: true, ifMatch: true},
		{name: "first saves", save: true},
		{name: "saves of an existing response", existing: true, save: true},
		{name: "saves on condition of the revision read", existing: true, ifMatch: true, save: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := openResponding(t, open)
			ctx := t.Context()
			change := f.st.ChangeResponse
			if c.save {
				change = f.st.SaveResponse
			}
			start := 0
			if c.existing {
				start = f.save(t, "open-aa", f.r1, survey.Answers{}, false).Revision
			}
			stale := errors.New("stale")
			var (
				wg        sync.WaitGroup
				mu        sync.Mutex
				revisions = map[int]bool{}
				errs      []error
			)
			// Every change waits in decide, a little, for the others to
			// read too, so that a store that lets them read side by side
			// makes them collide when they write.
			ready, allRead := make(chan struct{}), make(chan struct{})
			var reading atomic.Int32
			for i := range n {
				wg.Go(func() {
					<-ready
					got, err := change(ctx, survey.Everything, "open-aa", f.r1, func(st survey.ResponseState) (survey.ResponseChange, error) {
						if reading.Add(1) == n {
							close(allRead)
						}
						select {
						case <-allRead:
						case <-time.After(50 * time.Millisecond):
						}
						if c.ifMatch && st.Revision != start {
							return survey.ResponseChange{}, stale
						}
						return survey.ResponseChange{Answers: survey.Answers{"count": json.RawMessage(strconv.Itoa(i))}}, nil
					})
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						errs = append(errs, err)
						return
					}
					if revisions[got.Revision] {
						t.Errorf("two changes committed revision %d", got.Revision)
					}
					revisions[got.Revision] = true
				})
			}
			close(ready)
			wg.Wait()
			for _, err := range errs {
				if !errors.Is(err, survey.ErrChangedMeanwhile) && !(c.ifMatch && errors.Is(err, stale)) {
					t.Errorf("a losing change failed with %v", err)
				}
			}
			successes := len(revisions)
			read, found := f.mine(t, "open-aa", f.r1)
			switch {
			case successes == 0:
				t.Fatalf("no change committed: %v", errs)
			case c.ifMatch && successes != 1:
				t.Fatalf("%d changes committed on condition of revision %d", successes, start)
			case !found || read.Revision != start+successes:
				t.Fatalf("final revision %d (found %v), want %d + %d changes", read.Revision, found, start, successes)
			}
			for r := range revisions {
				if r <= start || r > start+successes {
					t.Errorf("a change committed revision %d, outside %d..%d", r, start+1, start+successes)
				}
			}
		})
	}
}

// testResponseHistory: a response amended more often than
// survey.ListedSubmissions lists its latest submissions, and Submissions
// pages through every one of them, oldest first.
func testResponseHistory(t *testing.T, open Open) {
	f := openResponding(t, open)
	ctx := t.Context()
	if _, found, err := f.st.Submissions(ctx, survey.Everything, "open-aa", f.r1.ID, 0, 10); err != nil || found {
		t.Fatalf("Submissions before any response: found %v, %v", found, err)
	}
	if _, _, err := f.st.Submissions(ctx, survey.Everything, "no-such-campaign", f.r1.ID, 0, 10); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("Submissions of no campaign: %v, want ErrNotFound", err)
	}
	answers := survey.Answers{"used": json.RawMessage(`"yes"`)}
	var all []survey.Submission
	var last survey.Response
	for range survey.ListedSubmissions + 3 {
		last = f.save(t, "open-aa", f.r1, answers, true)
		all = append(all, last.Submissions[len(last.Submissions)-1])
	}
	latest := all[len(all)-survey.ListedSubmissions:]
	read, _ := f.mine(t, "open-aa", f.r1)
	for name, got := range map[string]survey.Response{"the last submission": last, "a read": read} {
		if len(got.Submissions) != len(latest) || got.Submissions[0].ID != latest[0].ID || !got.SubmittedAt.Equal(latest[len(latest)-1].SubmittedAt) {
			t.Errorf("%s lists %d submissions from %+v, want the latest %d from %+v", name, len(got.Submissions),
				got.Submissions[0], len(latest), latest[0])
		}
	}
	for _, c := range []struct{ after, limit, from, to int }{
		{after: 0, limit: 10, from: 0, to: 10},
		{after: all[9].Revision, limit: 10, from: 10, to: 20},
		{after: all[19].Revision, limit: 10, from: 20, to: len(all)},
		{after: all[len(all)-1].Revision, limit: 10, from: len(all), to: len(all)},
		{after: 0, limit: 100, from: 0, to: len(all)},
	} {
		got, found, err := f.st.Submissions(ctx, survey.Everything, "open-aa", f.r1.ID, c.after, c.limit)
		want := all[c.from:c.to]
		if err != nil || !found || len(got) != len(want) {
			t.Fatalf("Submissions after %d, %d: %d of them, found %v, %v; want %d", c.after, c.limit, len(got), found, err, len(want))
		}
		for i, sub := range got {
			if w := want[i]; sub.ID != w.ID || sub.Revision != w.Revision || sub.SubmittedBy != w.SubmittedBy ||
				!sub.SubmittedAt.Equal(w.SubmittedAt) {
				t.Errorf("Submissions after %d, %d: #%d is %+v, want %+v", c.after, c.limit, i, sub, w)
			}
		}
	}
}
