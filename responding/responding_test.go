package responding_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/memstore"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

// document is the questionnaire of every campaign of a fixture: a required
// choice, a required text shown only when the choice is "no", a scored
// choice and a bounded whole number.
const document = `{
  "key": "answering",
  "default_language": "en",
  "title": {"en": "Answering"},
  "sections": [{
    "key": "main",
    "title": {"en": "Main"},
    "questions": [
      {"key": "used", "type": "single_choice", "required": true, "text": {"en": "Used?"},
       "options": [{"key": "yes", "label": {"en": "Yes"}}, {"key": "no", "label": {"en": "No"}}]},
      {"key": "why_not", "type": "text", "required": true, "text": {"en": "Why not?"},
       "show_if": {"question": "used", "in": ["no"]}},
      {"key": "rating", "type": "single_choice", "text": {"en": "Rating"},
       "options": [{"key": "low", "label": {"en": "Low"}, "score": 0}, {"key": "high", "label": {"en": "High"}, "score": 100}]},
      {"key": "count", "type": "number", "integer": true, "min": 0, "max": 100, "text": {"en": "How many?"}}
    ]
  }]
}`

var (
	// seeded is when a fixture's data is created; closesAt when its
	// campaigns close; the cases act at acted unless they say otherwise.
	seeded   = time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)
	acted    = seeded.Add(time.Hour)
	closesAt = time.Date(2024, 6, 30, 23, 59, 59, 0, time.UTC)
)

// fixture is a service over a fake store holding administrations AA and BB,
// the campaigns
//   - "open" (AA, open), "closed" (AA, open then closed), "draft" (AA, a
//     draft), "open-bb" (BB, open), all closing at closesAt,
//
// and the principals resp and resp2 (respondents of AA), coord
// (coordinator of AA) and respB (respondent of BB).
type fixture struct {
	st  *memstore.Store
	svc *responding.Service
	now time.Time
	who map[string]auth.Principal
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{now: seeded, who: map[string]auth.Principal{}}
	clock := func() time.Time { return f.now }
	f.st = memstore.New(clock)
	f.svc = responding.New(f.st, clock)
	ctx := t.Context()
	for _, code := range []string{"AA", "BB"} {
		if _, err := f.st.CreateAdministration(ctx, code, "Administration "+code); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []struct {
		name, email    string
		role           auth.Role
		administration string
	}{
		{"resp", "resp@aa.test", auth.RoleRespondent, "AA"},
		{"resp2", "resp2@aa.test", auth.RoleRespondent, "AA"},
		{"coord", "coord@aa.test", auth.RoleCoordinator, "AA"},
		{"respB", "resp@bb.test", auth.RoleRespondent, "BB"},
	} {
		u, err := f.st.CreateUser(ctx, survey.NewAccount{Email: a.email, PasswordHash: auth.NoPassword, Role: string(a.role),
			Administration: a.administration})
		if err != nil {
			t.Fatal(err)
		}
		f.who[a.name] = auth.Principal{UserID: u.ID, Role: a.role, Administration: a.administration}
	}
	doc, err := survey.ParseDocument([]byte(document))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateQuestionnaire(ctx, "", doc); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.PublishQuestionnaire(ctx, doc.Key, 1); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key      string
		invited  string
		statuses []string // after draft
	}{
		{"open", "AA", []string{survey.StatusOpen}},
		{"closed", "AA", []string{survey.StatusOpen, survey.StatusClosed}},
		{"draft", "AA", nil},
		{"open-bb", "BB", []string{survey.StatusOpen}},
	} {
		if _, err := f.st.CreateCampaign(ctx, survey.NewCampaign{Key: c.key, Year: 2024, Questionnaire: doc.Key, Version: 1,
			OpensAt: seeded, ClosesAt: closesAt, Administrations: []string{c.invited}}); err != nil {
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
	f.now = acted
	return f
}

// answers builds answers from JSON.
func answers(t *testing.T, raw string) survey.Answers {
	t.Helper()
	var a survey.Answers
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// canonical is answers as JSON with sorted members, to compare them.
func canonical(a survey.Answers) string {
	b, _ := json.Marshal(a)
	var tree any
	_ = json.Unmarshal(b, &tree)
	b, _ = json.Marshal(tree)
	return string(b)
}

func rev(n int) *int { return &n }

// errInvalid stands for a *survey.ValidationError in the cases' wanted
// errors.
var errInvalid = errors.New("a validation error")

// checkErr fails t unless err is want: nil, a sentinel (errors.Is), or
// errInvalid (any *survey.ValidationError).
func checkErr(t *testing.T, what string, err, want error) {
	t.Helper()
	var invalid *survey.ValidationError
	switch {
	case want == nil && err == nil:
	case want == errInvalid && errors.As(err, &invalid):
	case want != nil && want != errInvalid && errors.Is(err, want):
	default:
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

// checkField fails t unless err is a *survey.ValidationError of exactly
// the one problem field, code.
func checkField(t *testing.T, what string, err error, field string, code survey.Code) {
	t.Helper()
	var invalid *survey.ValidationError
	if !errors.As(err, &invalid) || len(invalid.Errors) != 1 || invalid.Errors[0].Field != field || invalid.Errors[0].Code != code {
		t.Fatalf("%s: error %v, want %s %s", what, err, field, code)
	}
}

// revisionOf is the revision of p's response to a campaign, 0 when there
// is none.
func (f *fixture) revisionOf(t *testing.T, p auth.Principal, key string) int {
	t.Helper()
	r, err := f.svc.Mine(t.Context(), p, key)
	if errors.Is(err, survey.ErrNotFound) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return r.Revision
}

const complete = `{"used": "no", "why_not": "no budget", "rating": "high"}`

// TestAnswerable checks that answers are accepted only in an open campaign
// before its closing time, and that a campaign the respondent does not see
// is not found; a refused save or submission writes nothing.
func TestAnswerable(t *testing.T) {
	for _, c := range []struct {
		name string
		who  string
		key  string
		at   time.Time
		want error
	}{
		{name: "open", who: "resp", key: "open", at: acted},
		{name: "open, a microsecond before closing", who: "resp", key: "open", at: closesAt.Add(-time.Microsecond)},
		{name: "open, at the closing time", who: "resp", key: "open", at: closesAt, want: survey.ErrConflict},
		{name: "open, past the closing time", who: "resp", key: "open", at: closesAt.Add(time.Minute), want: survey.ErrConflict},
		{name: "closed", who: "resp", key: "closed", at: acted, want: survey.ErrConflict},
		{name: "a coordinator, who does not answer", who: "coord", key: "open", at: acted, want: survey.ErrForbidden},
		{name: "draft, hidden from respondents", who: "resp", key: "draft", at: acted, want: survey.ErrNotFound},
		{name: "of another administration", who: "respB", key: "open", at: acted, want: survey.ErrNotFound},
		{name: "unknown", who: "resp", key: "nope", at: acted, want: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.now = c.at
			p := f.who[c.who]
			_, err := f.svc.SaveDraft(t.Context(), p, c.key, answers(t, complete), nil)
			checkErr(t, "SaveDraft", err, c.want)
			_, err = f.svc.Submit(t.Context(), p, c.key, nil)
			checkErr(t, "Submit", err, c.want)
			if c.want != nil {
				if r, found, _ := f.st.Response(t.Context(), survey.Everything, c.key, p.UserID); found {
					t.Fatalf("a refused change wrote %+v", r)
				}
			}
		})
	}
}

// TestSaveDraftChecksAnswers checks that a save type-checks every answer
// given, also to a question hidden for now, and takes partial answers.
func TestSaveDraftChecksAnswers(t *testing.T) {
	for _, c := range []struct {
		name, answers string
		field         string // "" when the save succeeds
		code          survey.Code
	}{
		{name: "partial", answers: `{"rating": "low"}`},
		{name: "none", answers: `{}`},
		{name: "null is no answer", answers: `{"used": null, "count": null}`},
		{name: "hidden answer kept", answers: `{"used": "yes", "why_not": "kept for later"}`},
		{name: "choice of a number", answers: `{"used": 1}`, field: "answers.used", code: survey.CodeWrongType},
		{name: "unknown option", answers: `{"rating": "medium"}`, field: "answers.rating", code: survey.CodeNotAnOption},
		{name: "number of text", answers: `{"count": "three"}`, field: "answers.count", code: survey.CodeWrongType},
		{name: "fraction", answers: `{"count": 2.5}`, field: "answers.count", code: survey.CodeNotAnInteger},
		{name: "beyond max", answers: `{"count": 101}`, field: "answers.count", code: survey.CodeOutOfRange},
		{name: "hidden answer of the wrong type", answers: `{"used": "yes", "why_not": 5}`, field: "answers.why_not", code: survey.CodeWrongType},
		{name: "unknown question", answers: `{"colour": "red"}`, field: "answers.colour", code: survey.CodeUnknownQuestion},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			p := f.who["resp"]
			got, err := f.svc.SaveDraft(t.Context(), p, "open", answers(t, c.answers), nil)
			if c.field != "" {
				checkField(t, "SaveDraft", err, c.field, c.code)
				if n := f.revisionOf(t, p, "open"); n != 0 {
					t.Fatalf("a refused save wrote revision %d", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Revision != 1 || canonical(got.Answers) != canonical(answers(t, c.answers)) || got.Status() != survey.StatusDraft {
				t.Fatalf("SaveDraft = revision %d answers %s status %s", got.Revision, canonical(got.Answers), got.Status())
			}
		})
	}
}

// TestIfMatch checks the preconditions of saves and submissions: none
// without If-Match, 0 for "no response yet", AnyRevision for "any existing
// response", else the revision the response is at. A failed precondition
// writes nothing.
func TestIfMatch(t *testing.T) {
	for _, c := range []struct {
		name     string
		existing bool // the response exists, at revision 2, with complete answers
		submit   bool
		ifMatch  *int
		want     error // errInvalid: the precondition held, the submission did not
	}{
		{name: "save, none, no response", ifMatch: nil},
		{name: "save, 0, no response", ifMatch: rev(0)},
		{name: "save, any, no response", ifMatch: rev(survey.AnyRevision), want: survey.ErrPreconditionFailed},
		{name: "save, 1, no response", ifMatch: rev(1), want: survey.ErrPreconditionFailed},
		{name: "save, none", existing: true, ifMatch: nil},
		{name: "save, 0", existing: true, ifMatch: rev(0), want: survey.ErrPreconditionFailed},
		{name: "save, any", existing: true, ifMatch: rev(survey.AnyRevision)},
		{name: "save, current", existing: true, ifMatch: rev(2)},
		{name: "save, stale", existing: true, ifMatch: rev(1), want: survey.ErrPreconditionFailed},
		{name: "save, ahead", existing: true, ifMatch: rev(3), want: survey.ErrPreconditionFailed},
		{name: "submit, none, no response", submit: true, ifMatch: nil, want: errInvalid},
		{name: "submit, 0, no response", submit: true, ifMatch: rev(0), want: errInvalid},
		{name: "submit, any, no response", submit: true, ifMatch: rev(survey.AnyRevision), want: survey.ErrPreconditionFailed},
		{name: "submit, 1, no response", submit: true, ifMatch: rev(1), want: survey.ErrPreconditionFailed},
		{name: "submit, none", existing: true, submit: true, ifMatch: nil},
		{name: "submit, 0", existing: true, submit: true, ifMatch: rev(0), want: survey.ErrPreconditionFailed},
		{name: "submit, any", existing: true, submit: true, ifMatch: rev(survey.AnyRevision)},
		{name: "submit, current", existing: true, submit: true, ifMatch: rev(2)},
		{name: "submit, stale", existing: true, submit: true, ifMatch: rev(1), want: survey.ErrPreconditionFailed},
		{name: "submit, ahead", existing: true, submit: true, ifMatch: rev(3), want: survey.ErrPreconditionFailed},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := t.Context()
			p := f.who["resp"]
			before := 0
			if c.existing {
				for range 2 {
					if _, err := f.svc.SaveDraft(ctx, p, "open", answers(t, complete), nil); err != nil {
						t.Fatal(err)
					}
				}
				before = 2
			}
			var got survey.Response
			var err error
			if c.submit {
				got, err = f.svc.Submit(ctx, p, "open", c.ifMatch)
			} else {
				got, err = f.svc.SaveDraft(ctx, p, "open", answers(t, `{"rating": "low"}`), c.ifMatch)
			}
			checkErr(t, "change", err, c.want)
			if c.want != nil {
				if n := f.revisionOf(t, p, "open"); n != before {
					t.Fatalf("a refused change moved the response from revision %d to %d", before, n)
				}
				return
			}
			if got.Revision != before+1 || (len(got.Submissions) == 1) != c.submit {
				t.Fatalf("got revision %d with %d submissions, want revision %d", got.Revision, len(got.Submissions), before+1)
			}
		})
	}
}

// TestSubmit checks what a submission keeps: answers to hidden questions
// are dropped, every visible required question must be answered, and the
// kept answers become the working copy too.
func TestSubmit(t *testing.T) {
	for _, c := range []struct {
		name, draft string
		kept        string // when the submission succeeds
		field       string // when it does not
	}{
		{name: "complete", draft: complete, kept: `{"used": "no", "why_not": "no budget", "rating": "high"}`},
		{name: "hidden answer dropped", draft: `{"used": "yes", "why_not": "stale", "count": 3}`, kept: `{"used": "yes", "count": 3}`},
		{name: "empty optional answers dropped", draft: `{"used": "yes", "rating": null}`, kept: `{"used": "yes"}`},
		{name: "required question unanswered", draft: `{"rating": "low"}`, field: "answers.used"},
		{name: "required question null", draft: `{"used": null}`, field: "answers.used"},
		{name: "shown required question unanswered", draft: `{"used": "no"}`, field: "answers.why_not"},
		{name: "shown required question blank", draft: `{"used": "no", "why_not": "  "}`, field: "answers.why_not"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := t.Context()
			p := f.who["resp"]
			if _, err := f.svc.SaveDraft(ctx, p, "open", answers(t, c.draft), nil); err != nil {
				t.Fatal(err)
			}
			f.now = acted.Add(time.Minute)
			got, err := f.svc.Submit(ctx, p, "open", nil)
			if c.field != "" {
				checkField(t, "Submit", err, c.field, survey.CodeRequired)
				if n := f.revisionOf(t, p, "open"); n != 1 {
					t.Fatalf("a refused submission moved the response to revision %d", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if canonical(got.Answers) != canonical(answers(t, c.kept)) {
				t.Fatalf("submitted %s, want %s", canonical(got.Answers), canonical(answers(t, c.kept)))
			}
			if got.Revision != 2 || got.Status() != survey.StatusSubmitted || len(got.Submissions) != 1 ||
				got.Submissions[0].Revision != 2 || got.Submissions[0].SubmittedBy != p.UserID ||
				got.SubmittedAt == nil || !got.SubmittedAt.Equal(f.now) {
				t.Fatalf("Submit = %+v", got)
			}
		})
	}
}

// TestAmend follows one response through a submission and its amendments:
// a save after a submission is pending until submitted, the first
// submission's time stays, and a submission without a change amends too.
func TestAmend(t *testing.T) {
	f := newFixture(t)
	p := f.who["resp"]
	first := acted.Add(2 * time.Minute)
	// The steps run in order on one response.
	for i, c := range []struct {
		name     string
		save     string // else submit
		status   string
		pending  bool
		subs     int
		answers  string
		lastAt   time.Time
		revision int
	}{
		{name: "save", save: complete, status: survey.StatusDraft, answers: complete, revision: 1},
		{name: "submit", status: survey.StatusSubmitted, subs: 1, answers: complete, lastAt: first, revision: 2},
		{name: "save an amendment", save: `{"used": "yes"}`, status: survey.StatusDraft, pending: true, subs: 1,
			answers: `{"used": "yes"}`, lastAt: first, revision: 3},
		{name: "submit the amendment", status: survey.StatusSubmitted, subs: 2, answers: `{"used": "yes"}`,
			lastAt: acted.Add(4 * time.Minute), revision: 4},
		{name: "submit again unchanged", status: survey.StatusSubmitted, subs: 3, answers: `{"used": "yes"}`,
			lastAt: acted.Add(5 * time.Minute), revision: 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			f.now = acted.Add(time.Duration(i+1) * time.Minute)
			var got survey.Response
			var err error
			if c.save != "" {
				got, err = f.svc.SaveDraft(t.Context(), p, "open", answers(t, c.save), nil)
			} else {
				got, err = f.svc.Submit(t.Context(), p, "open", nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			mine, err := f.svc.Mine(t.Context(), p, "open")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []survey.Response{got, mine} {
				switch {
				case r.Revision != c.revision || r.Status() != c.status || r.AmendmentPending != c.pending:
					t.Fatalf("revision %d status %s pending %v, want %d %s %v", r.Revision, r.Status(), r.AmendmentPending,
						c.revision, c.status, c.pending)
				case len(r.Submissions) != c.subs || canonical(r.Answers) != canonical(answers(t, c.answers)):
					t.Fatalf("%d submissions, answers %s; want %d, %s", len(r.Submissions), canonical(r.Answers), c.subs, c.answers)
				case c.subs == 0 && (r.SubmittedAt != nil || r.FirstSubmittedAt != nil):
					t.Fatalf("submitted at %v, first %v before any submission", r.SubmittedAt, r.FirstSubmittedAt)
				case c.subs > 0 && (r.SubmittedAt == nil || !r.SubmittedAt.Equal(c.lastAt) ||
					r.FirstSubmittedAt == nil || !r.FirstSubmittedAt.Equal(first)):
					t.Fatalf("submitted at %v, first %v; want %v, %v", r.SubmittedAt, r.FirstSubmittedAt, c.lastAt, first)
				case !r.UpdatedAt.Equal(f.now) || !r.CreatedAt.Equal(acted.Add(time.Minute)):
					t.Fatalf("created %v updated %v", r.CreatedAt, r.UpdatedAt)
				}
			}
		})
	}
}

// TestMine checks that a respondent reads only their own response, and
// that before answering there is none.
func TestMine(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for _, c := range []struct {
		name, who, key string
		save           bool // the respondent saves first
		want           error
		message        string
	}{
		{name: "before answering", who: "resp", key: "open", want: survey.ErrNotFound,
			message: "you have not answered campaign open yet"},
		{name: "unknown campaign", who: "resp", key: "nope", want: survey.ErrNotFound, message: "no campaign nope"},
		{name: "after saving", who: "resp", key: "open", save: true},
		{name: "another respondent's is not theirs", who: "resp2", key: "open", want: survey.ErrNotFound,
			message: "you have not answered campaign open yet"},
		{name: "of a campaign not seen", who: "respB", key: "open", want: survey.ErrNotFound, message: "no campaign open"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := f.who[c.who]
			if c.save {
				if _, err := f.svc.SaveDraft(ctx, p, c.key, answers(t, `{"count": 7}`), nil); err != nil {
					t.Fatal(err)
				}
			}
			got, err := f.svc.Mine(ctx, p, c.key)
			checkErr(t, "Mine", err, c.want)
			if err != nil {
				if err.Error() != c.message {
					t.Fatalf("Mine: message %q, want %q", err, c.message)
				}
				return
			}
			if got.RespondentID != p.UserID || got.Campaign != c.key || canonical(got.Answers) != `{"count":7}` {
				t.Fatalf("Mine = %+v", got)
			}
		})
	}
}

// racingStore is a store whose first lost changes of a response lose a race
// to a concurrent change: they decide, and then fail with
// survey.ErrChangedMeanwhile having written nothing, as the store does.
type racingStore struct {
	responding.Store
	lost  int // the changes still to lose
	calls int // the changes asked for
}

func (s *racingStore) SaveResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	return s.ChangeResponse(ctx, sc, key, who, decide)
}

func (s *racingStore) SubmitResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	return s.ChangeResponse(ctx, sc, key, who, decide)
}

func (s *racingStore) ChangeResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	s.calls++
	if s.lost == 0 {
		return s.Store.ChangeResponse(ctx, sc, key, who, decide)
	}
	s.lost--
	return s.Store.ChangeResponse(ctx, sc, key, who, func(st survey.ResponseState) (survey.ResponseChange, error) {
		if _, err := decide(st); err != nil {
			return survey.ResponseChange{}, err
		}
		return survey.ResponseChange{}, survey.ErrChangedMeanwhile
	})
}

// TestChangedMeanwhile checks what a lost race does: a save without
// If-Match tries again, up to five tries in all; a save with If-Match and
// a submission fail as a failed precondition, so that the client reloads.
func TestChangedMeanwhile(t *testing.T) {
	for _, c := range []struct {
		name    string
		submit  bool
		ifMatch *int
		lost    int
		calls   int
		want    error
		message string
	}{
		{name: "save, no race", lost: 0, calls: 1},
		{name: "save retried once", lost: 1, calls: 2},
		{name: "save retried to the fifth try", lost: 4, calls: 5},
		{name: "save gives up after five tries", lost: 5, calls: 5, want: survey.ErrPreconditionFailed,
			message: survey.ErrChangedMeanwhile.Message},
		{name: "save with If-Match not retried", ifMatch: rev(1), lost: 1, calls: 1, want: survey.ErrPreconditionFailed,
			message: survey.ErrChangedMeanwhile.Message},
		{name: "save with If-Match any not retried", ifMatch: rev(survey.AnyRevision), lost: 1, calls: 1,
			want: survey.ErrPreconditionFailed, message: survey.ErrChangedMeanwhile.Message},
		{name: "submit, no race", submit: true, lost: 0, calls: 1},
		{name: "submit not retried", submit: true, lost: 1, calls: 1, want: survey.ErrPreconditionFailed,
			message: "the response changed meanwhile; reload it and submit again"},
		{name: "submit with If-Match not retried", submit: true, ifMatch: rev(1), lost: 1, calls: 1,
			want: survey.ErrPreconditionFailed, message: "the response changed meanwhile; reload it and submit again"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := t.Context()
			p := f.who["resp"]
			if _, err := f.svc.SaveDraft(ctx, p, "open", answers(t, complete), nil); err != nil {
				t.Fatal(err)
			}
			st := &racingStore{Store: f.st, lost: c.lost}
			svc := responding.New(st, func() time.Time { return f.now })
			var got survey.Response
			var err error
			if c.submit {
				got, err = svc.Submit(ctx, p, "open", c.ifMatch)
			} else {
				got, err = svc.SaveDraft(ctx, p, "open", answers(t, `{"used": "yes"}`), c.ifMatch)
			}
			checkErr(t, "change", err, c.want)
			if st.calls != c.calls {
				t.Fatalf("%d tries, want %d", st.calls, c.calls)
			}
			if err != nil {
				if err.Error() != c.message {
					t.Fatalf("message %q, want %q", err, c.message)
				}
				if n := f.revisionOf(t, p, "open"); n != 1 {
					t.Fatalf("a lost change moved the response to revision %d", n)
				}
				return
			}
			if got.Revision != 2 {
				t.Fatalf("revision %d, want 2: one change written", got.Revision)
			}
		})
	}
}
