package campaigns_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/internal/memstore"
	"github.com/customs-survey/surveyd/internal/storetest"
	"github.com/customs-survey/surveyd/survey"
)

var (
	// seeded is the time at which a fixture is written; acted the time at
	// which the case acts.
	seeded = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	acted  = seeded.Add(time.Hour)
	opens  = time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
)

// The document of the fixture's questionnaire: q1, a required choice of a
// or b, and q2, a text shown only when q1 is b.
const document = `{
  "key": "survey",
  "default_language": "en",
  "title": {"en": "Survey"},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "q1", "type": "single_choice", "required": true, "text": {"en": "Pick one"},
     "options": [{"key": "a", "label": {"en": "A"}, "score": 0}, {"key": "b", "label": {"en": "B"}, "score": 100}]},
    {"key": "q2", "type": "text", "text": {"en": "Why B?"}, "show_if": {"question": "q1", "in": ["b"]}}
  ]}]
}`

// The accounts of a fixture, by name.
var accounts = map[string]survey.NewAccount{
	"admin":   {Email: "admin@hq.test", Role: "admin"},
	"coordAA": {Email: "coord@aa.test", Role: "coordinator", Administration: "AA"},
	"coordCC": {Email: "coord@cc.test", Role: "coordinator", Administration: "CC"},
	"respAA":  {Email: "resp@aa.test", Role: "respondent", Administration: "AA"},
	"resp2AA": {Email: "resp2@aa.test", Role: "respondent", Administration: "AA"},
	"respBB":  {Email: "resp@bb.test", Role: "respondent", Administration: "BB"},
}

// The campaigns of a fixture, created in this order, all of version 1 of
// questionnaire "survey" (version 2 is a draft).
var seedCampaigns = []struct {
	key             string
	year            int
	administrations []string
	previous        string
	status          string
}{
	{"c2023", 2023, []string{"AA", "BB"}, "", survey.StatusClosed},
	{"c2024", 2024, []string{"AA", "BB"}, "c2023", survey.StatusOpen},
	{"d2024", 2024, []string{"AA"}, "", survey.StatusDraft},
	{"b2024", 2024, []string{"BB"}, "", survey.StatusOpen},
	{"e2025", 2025, nil, "", survey.StatusDraft},
}

// fixture is a service over a fake store holding administrations AA, BB
// and CC, the accounts of accounts, questionnaire "survey" and the
// campaigns of seedCampaigns.
type fixture struct {
	st  *memstore.Store
	svc *campaigns.Service
	now time.Time
	who map[string]auth.Principal
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{now: seeded, who: map[string]auth.Principal{}}
	f.st = memstore.New(func() time.Time { return f.now })
	f.svc = campaigns.New(f.st).WithClock(func() time.Time { return f.now })
	ctx := t.Context()
	for _, code := range []string{"AA", "BB", "CC"} {
		if _, err := f.st.CreateAdministration(ctx, code, "Administration "+code); err != nil {
			t.Fatal(err)
		}
	}
	for name, a := range accounts {
		a.PasswordHash = auth.NoPassword
		u, err := f.st.CreateUser(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		f.who[name] = auth.Principal{UserID: u.ID, Email: u.Email, Role: auth.Role(u.Role), Administration: u.Administration}
	}
	doc, err := survey.ParseDocument([]byte(document))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateQuestionnaire(ctx, f.who["admin"].UserID, doc); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.PublishQuestionnaire(ctx, "survey", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AddQuestionnaireVersion(ctx, f.who["admin"].UserID, "survey", 1); err != nil {
		t.Fatal(err)
	}
	for _, c := range seedCampaigns {
		if _, err := f.st.CreateCampaign(ctx, survey.NewCampaign{Key: c.key, Year: c.year, Questionnaire: "survey", Version: 1,
			OpensAt: opens.AddDate(c.year-2025, 0, 0), ClosesAt: opens.AddDate(c.year-2025, 1, 0),
			Administrations: c.administrations, PreviousCampaign: c.previous, MinCellSize: 5}); err != nil {
			t.Fatal(err)
		}
		if c.status != survey.StatusDraft {
			f.move(t, c.key, survey.StatusDraft, survey.StatusOpen)
		}
		if c.status == survey.StatusClosed {
			f.move(t, c.key, survey.StatusOpen, survey.StatusClosed)
		}
	}
	f.now = acted
	return f
}

func (f *fixture) move(t *testing.T, key, from, to string) {
	t.Helper()
	if _, err := f.st.SetCampaignStatus(t.Context(), key, from, to); err != nil {
		t.Fatal(err)
	}
}

// answer saves the answers of the account name to a campaign as the
// respondent does, submitting them when submit is set.
func (f *fixture) answer(t *testing.T, name, key string, answers survey.Answers, submit bool) {
	t.Helper()
	p := f.who[name]
	storetest.Answer(t, f.st, key, survey.User{ID: p.UserID, Administration: p.Administration}, answers, submit)
}

// answers builds answers from pairs of a question key and a JSON value.
func answers(pairs ...string) survey.Answers {
	out := survey.Answers{}
	for i := 0; i < len(pairs); i += 2 {
		out[pairs[i]] = json.RawMessage(pairs[i+1])
	}
	return out
}

// problem is a field and a code of a validation error.
type problem struct {
	field string
	code  survey.Code
}

// checkErr fails t unless err matches: the problems of a validation error
// when invalid is set, else an error of kind want (nil: none) that, when
// msg is set, says exactly msg.
func checkErr(t *testing.T, err, want error, invalid []problem, msg string) {
	t.Helper()
	if invalid != nil {
		var v *survey.ValidationError
		if !errors.As(err, &v) {
			t.Fatalf("error %v, want a validation error %v", err, invalid)
		}
		var got []problem
		for _, fe := range v.Errors {
			got = append(got, problem{fe.Field, fe.Code})
		}
		if !slices.Equal(got, invalid) {
			t.Fatalf("problems %v, want %v", got, invalid)
		}
		return
	}
	switch {
	case want == nil && err != nil, want != nil && !errors.Is(err, want):
		t.Fatalf("error %v, want %v", err, want)
	case msg != "" && err.Error() != msg:
		t.Fatalf("error %q, want %q", err.Error(), msg)
	}
}

func keys(list []survey.Campaign) []string {
	out := []string{}
	for _, c := range list {
		out = append(out, c.Key)
	}
	return out
}

func TestCreate(t *testing.T) {
	valid := survey.NewCampaign{Key: "c2025", Year: 2025, Questionnaire: "survey", Version: 1, OpensAt: opens, ClosesAt: opens.AddDate(0, 1, 0),
		Administrations: []string{"BB", "AA"}, PreviousCampaign: "c2024"}
	with := func(change func(*survey.NewCampaign)) survey.NewCampaign {
		in := valid
		in.Administrations = slices.Clone(valid.Administrations)
		change(&in)
		return in
	}
	for _, c := range []struct {
		name    string
		in      survey.NewCampaign
		invalid []problem
		err     error
		msg     string
		// minCellSize is the created campaign's.
		minCellSize int
	}{
		{name: "the default smallest cell", in: valid, minCellSize: campaigns.DefaultMinCellSize},
		{name: "a smallest cell of its own", in: with(func(in *survey.NewCampaign) { in.MinCellSize = 3 }), minCellSize: 3},
		{name: "no previous campaign, no administration", in: with(func(in *survey.NewCampaign) { in.PreviousCampaign, in.Administrations = "", nil }),
			minCellSize: 5},
		{name: "closing when it opens", in: with(func(in *survey.NewCampaign) { in.ClosesAt = in.OpensAt }),
			invalid: []problem{{"closes_at", survey.CodeOutOfRange}}},
		{name: "closing before it opens", in: with(func(in *survey.NewCampaign) { in.ClosesAt = in.OpensAt.Add(-time.Second) }),
			invalid: []problem{{"closes_at", survey.CodeOutOfRange}}},
		{name: "an unknown version", in: with(func(in *survey.NewCampaign) { in.Version = 9 }),
			invalid: []problem{{"version", survey.CodeUnknownQuestionnaire}}},
		{name: "an unknown questionnaire", in: with(func(in *survey.NewCampaign) { in.Questionnaire = "nope" }),
			invalid: []problem{{"version", survey.CodeUnknownQuestionnaire}}},
		{name: "an administration listed twice", in: with(func(in *survey.NewCampaign) { in.Administrations = []string{"AA", "BB", "AA"} }),
			invalid: []problem{{"administrations[2]", survey.CodeDuplicate}}},
		{name: "an unknown administration", in: with(func(in *survey.NewCampaign) { in.Administrations = []string{"AA", "ZZ"} }),
			invalid: []problem{{"administrations[1]", survey.CodeUnknownAdministration}}},
		{name: "an unknown administration listed twice", in: with(func(in *survey.NewCampaign) { in.Administrations = []string{"ZZ", "BB", "ZZ"} }),
			invalid: []problem{{"administrations[0]", survey.CodeUnknownAdministration}, {"administrations[2]", survey.CodeDuplicate}}},
		{name: "an unknown previous campaign", in: with(func(in *survey.NewCampaign) { in.PreviousCampaign = "nope" }),
			invalid: []problem{{"previous_campaign", survey.CodeUnknownCampaign}}},
		{name: "a previous campaign of the same year", in: with(func(in *survey.NewCampaign) { in.Year = 2024 }),
			invalid: []problem{{"previous_campaign", survey.CodeOutOfRange}}},
		{name: "a previous campaign of a later year", in: with(func(in *survey.NewCampaign) { in.Year = 2022 }),
			invalid: []problem{{"previous_campaign", survey.CodeOutOfRange}}},
		{name: "a previous campaign that respondents do not see", in: with(func(in *survey.NewCampaign) { in.PreviousCampaign = "d2024" }),
			minCellSize: 5},
		{name: "every problem at once", in: with(func(in *survey.NewCampaign) {
			in.ClosesAt, in.Version, in.Administrations, in.PreviousCampaign = in.OpensAt, 9, []string{"ZZ"}, "nope"
		}), invalid: []problem{{"closes_at", survey.CodeOutOfRange}, {"version", survey.CodeUnknownQuestionnaire},
			{"administrations[0]", survey.CodeUnknownAdministration}, {"previous_campaign", survey.CodeUnknownCampaign}}},
		{name: "a version not published", in: with(func(in *survey.NewCampaign) { in.Version = 2 }),
			err: survey.ErrConflict, msg: "questionnaire survey version 2 is not published"},
		{name: "a version not published and a problem", in: with(func(in *survey.NewCampaign) { in.Version, in.ClosesAt = 2, in.OpensAt }),
			invalid: []problem{{"closes_at", survey.CodeOutOfRange}}},
		{name: "an existing key", in: with(func(in *survey.NewCampaign) { in.Key = "b2024" }), err: survey.ErrConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			before, err := f.st.Campaigns(t.Context(), survey.Everything)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.Create(t.Context(), f.who["admin"], c.in)
			checkErr(t, err, c.err, c.invalid, c.msg)
			after, err := f.st.Campaigns(t.Context(), survey.Everything)
			if err != nil {
				t.Fatal(err)
			}
			if c.err != nil || c.invalid != nil {
				if !slices.Equal(keys(after), keys(before)) {
					t.Fatalf("campaigns after a refused creation: %v", keys(after))
				}
				if c.in.Key == "b2024" && after[slices.Index(keys(after), "b2024")].Year != 2024 {
					t.Fatal("the existing campaign changed")
				}
				return
			}
			want := c.in
			want.MinCellSize = c.minCellSize
			want.Administrations = slices.Sorted(slices.Values(c.in.Administrations))
			if got.Status != survey.StatusDraft || !got.CreatedAt.Equal(acted) || got.Key != want.Key || got.Year != want.Year ||
				got.Version != want.Version || got.PreviousCampaign != want.PreviousCampaign || got.MinCellSize != want.MinCellSize ||
				!slices.Equal(got.Administrations, want.Administrations) || !got.OpensAt.Equal(want.OpensAt) || !got.ClosesAt.Equal(want.ClosesAt) {
				t.Fatalf("Create = %+v, want %+v, a draft created now", got, want)
			}
			if len(after) != len(before)+1 {
				t.Fatalf("campaigns after a creation: %v", keys(after))
			}
		})
	}
}

func TestList(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		name string
		who  auth.Principal
		want []string
	}{
		{name: "an admin sees every campaign", who: f.who["admin"], want: []string{"e2025", "b2024", "c2024", "d2024", "c2023"}},
		{name: "a coordinator those of the administration", who: f.who["coordAA"], want: []string{"c2024", "d2024", "c2023"}},
		{name: "a coordinator of an administration invited to none", who: f.who["coordCC"], want: []string{}},
		{name: "a respondent the open ones of the administration", who: f.who["respAA"], want: []string{"c2024"}},
		{name: "another respondent", who: f.who["respBB"], want: []string{"b2024", "c2024"}},
		{name: "nobody", who: auth.Principal{}, want: []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			list, err := f.svc.List(t.Context(), c.who)
			if err != nil {
				t.Fatal(err)
			}
			if got := keys(list); !slices.Equal(got, c.want) {
				t.Fatalf("List = %v, want %v", got, c.want)
			}
		})
	}
}

func TestGet(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		name, who, key string
		err            error
	}{
		{name: "an admin, a draft", who: "admin", key: "d2024"},
		{name: "a coordinator, a draft of the administration", who: "coordAA", key: "d2024"},
		{name: "a coordinator, a campaign of another administration", who: "coordAA", key: "b2024", err: survey.ErrNotFound},
		{name: "a respondent, an open campaign", who: "respAA", key: "c2024"},
		{name: "a respondent, a closed campaign", who: "respAA", key: "c2023"},
		{name: "a respondent, a draft", who: "respAA", key: "d2024", err: survey.ErrNotFound},
		{name: "a respondent, a campaign of another administration", who: "respBB", key: "d2024", err: survey.ErrNotFound},
		{name: "nobody", who: "", key: "c2024", err: survey.ErrNotFound},
		{name: "an unknown campaign", who: "admin", key: "nope", err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := f.svc.Get(t.Context(), f.who[c.who], c.key)
			checkErr(t, err, c.err, nil, "")
			if err == nil && got.Key != c.key {
				t.Fatalf("Get = %+v", got)
			}
			q, err := f.svc.Questionnaire(t.Context(), f.who[c.who], c.key)
			checkErr(t, err, c.err, nil, "")
			if err == nil && (q.Key != "survey" || q.Version != 1) {
				t.Fatalf("Questionnaire = %s v%d, want survey v1", q.Key, q.Version)
			}
		})
	}
}

// meanwhile is a store in which another request moves a campaign just
// before each change of status.
type meanwhile struct {
	*memstore.Store
}

func (m meanwhile) SetCampaignStatus(ctx context.Context, key, from, to string) (survey.Campaign, error) {
	if _, err := m.Store.SetCampaignStatus(ctx, key, from, to); err != nil {
		return survey.Campaign{}, err
	}
	return m.Store.SetCampaignStatus(ctx, key, from, to)
}

func TestOpenAndClose(t *testing.T) {
	open := func(s *campaigns.Service, key string) (survey.Campaign, error) {
		return s.Open(context.Background(), auth.Operator(), key)
	}
	closeIt := func(s *campaigns.Service, key string) (survey.Campaign, error) {
		return s.Close(context.Background(), auth.Operator(), key)
	}
	for _, c := range []struct {
		name string
		move func(*campaigns.Service, string) (survey.Campaign, error)
		key  string
		// meanwhile makes another request make the same move first.
		meanwhile bool
		err       error
		msg       string
		status    string // the campaign's after the case
	}{
		{name: "open a draft", move: open, key: "d2024", status: survey.StatusOpen},
		{name: "open an open campaign", move: open, key: "c2024", err: survey.ErrConflict,
			msg: "campaign c2024 is open; only a campaign that is draft can become open", status: survey.StatusOpen},
		{name: "open a closed campaign", move: open, key: "c2023", err: survey.ErrConflict,
			msg: "campaign c2023 is closed; only a campaign that is draft can become open", status: survey.StatusClosed},
		{name: "open a draft opened meanwhile", move: open, key: "d2024", meanwhile: true, err: survey.ErrConflict,
			status: survey.StatusOpen},
		{name: "close an open campaign", move: closeIt, key: "c2024", status: survey.StatusClosed},
		{name: "close a draft", move: closeIt, key: "d2024", err: survey.ErrConflict, status: survey.StatusDraft},
		{name: "close a closed campaign", move: closeIt, key: "c2023", err: survey.ErrConflict, status: survey.StatusClosed},
		{name: "close an open campaign closed meanwhile", move: closeIt, key: "b2024", meanwhile: true, err: survey.ErrConflict,
			status: survey.StatusClosed},
		{name: "open an unknown campaign", move: open, key: "nope", err: survey.ErrNotFound},
		{name: "close an unknown campaign", move: closeIt, key: "nope", err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			svc := f.svc
			if c.meanwhile {
				svc = campaigns.New(meanwhile{f.st}).WithClock(func() time.Time { return f.now })
			}
			got, err := c.move(svc, c.key)
			checkErr(t, err, c.err, nil, c.msg)
			if err == nil && (got.Status != c.status || !got.UpdatedAt.Equal(acted)) {
				t.Fatalf("moved to %+v, want %s now", got, c.status)
			}
			if c.status == "" {
				return
			}
			stored, err := f.st.Campaign(t.Context(), survey.Everything, c.key)
			if err != nil || stored.Status != c.status {
				t.Fatalf("stored %+v, %v; want %s", stored, err, c.status)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	f := newFixture(t)
	f.answer(t, "respAA", "c2024", answers("q1", `"a"`), true)
	f.answer(t, "resp2AA", "c2024", answers("q1", `"b"`), false)
	later := acted.Add(time.Hour)
	f.now = later
	f.answer(t, "respBB", "c2024", answers("q1", `"b"`), true)
	if err := f.svc.Import(t.Context(), f.who["admin"], "c2024", []survey.ImportedResponse{
		{Administration: "BB", Respondent: "old1", Answers: answers("q1", `"a"`)},
	}); err != nil {
		t.Fatal(err)
	}
	// Each row has the time of its administration's latest submission,
	// the totals the latest of all.
	aa := survey.ProgressRow{Administration: "AA", Respondents: 2, Drafts: 1, Submitted: 1, LastSubmittedAt: &acted}
	bb := survey.ProgressRow{Administration: "BB", Respondents: 2, Submitted: 2, LastSubmittedAt: &later}
	for _, c := range []struct {
		name, who, key string
		rows           []survey.ProgressRow
		totals         survey.ProgressRow
		err            error
	}{
		{name: "an admin sees every administration", who: "admin", key: "c2024", rows: []survey.ProgressRow{aa, bb},
			totals: survey.ProgressRow{Respondents: 4, Drafts: 1, Submitted: 3, LastSubmittedAt: &later}},
		{name: "a coordinator the own row", who: "coordAA", key: "c2024", rows: []survey.ProgressRow{aa},
			totals: survey.ProgressRow{Respondents: 2, Drafts: 1, Submitted: 1, LastSubmittedAt: &acted}},
		{name: "a coordinator of an administration not invited", who: "coordCC", key: "c2024", err: survey.ErrNotFound},
		{name: "a campaign without administrations", who: "admin", key: "e2025", rows: []survey.ProgressRow{}},
		{name: "an unknown campaign", who: "admin", key: "nope", err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := f.svc.Progress(t.Context(), f.who[c.who], c.key)
			checkErr(t, err, c.err, nil, "")
			if err != nil {
				return
			}
			if got.Campaign != c.key || got.Rows == nil || !slices.EqualFunc(got.Rows, c.rows, sameProgressRow) || !sameProgressRow(got.Totals, c.totals) {
				t.Fatalf("Progress = %+v, want rows %+v and totals %+v", got, c.rows, c.totals)
			}
		})
	}
}

// errStop is an error of an export's callback.
var errStop = errors.New("stop")

func TestSubmittedResponses(t *testing.T) {
	f := newFixture(t)
	f.answer(t, "respAA", "c2024", answers("q1", `"a"`), true)
	f.answer(t, "resp2AA", "c2024", answers("q1", `"b"`), false)
	f.answer(t, "respBB", "c2024", answers("q1", `"b"`), true)
	for _, c := range []struct {
		name, who, key string
		// fail makes the callback fail.
		fail bool
		err  error
		want []string // the administrations of the responses passed
	}{
		{name: "an admin gets every submitted response", who: "admin", key: "c2024", want: []string{"AA", "BB"}},
		{name: "a coordinator those of the administration", who: "coordAA", key: "c2024", want: []string{"AA"}},
		{name: "a coordinator of an administration not invited", who: "coordCC", key: "c2024", err: survey.ErrNotFound},
		{name: "a respondent none", who: "respAA", key: "c2024", err: survey.ErrForbidden},
		{name: "nobody none", who: "", key: "c2024", err: survey.ErrForbidden},
		{name: "an unknown campaign", who: "admin", key: "nope", err: survey.ErrNotFound},
		{name: "an error of the callback", who: "admin", key: "c2024", fail: true, err: errStop, want: []string{"AA", "BB"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			err := f.svc.SubmittedResponses(t.Context(), f.who[c.who], c.key, func(batch []survey.ExportedResponse) error {
				for _, r := range batch {
					got = append(got, r.Administration)
				}
				if c.fail {
					return errStop
				}
				return nil
			})
			checkErr(t, err, c.err, nil, "")
			if !slices.Equal(got, c.want) {
				t.Fatalf("passed responses of %v, want %v", got, c.want)
			}
		})
	}
}

func TestImport(t *testing.T) {
	at := time.Date(2023, 6, 1, 10, 0, 0, 0, time.UTC)
	valid := func(administration, respondent string) survey.ImportedResponse {
		return survey.ImportedResponse{Administration: administration, Respondent: respondent, SubmittedAt: at, Answers: answers("q1", `"a"`)}
	}
	for _, c := range []struct {
		name, who, key string
		in             []survey.ImportedResponse
		invalid        []problem
		err            error
		msg            string
		// want are the answers exported afterwards, by administration,
		// when the import is stored.
		want []string
	}{
		{name: "into a closed campaign", who: "admin", key: "c2023",
			in:   []survey.ImportedResponse{valid("AA", "r1"), valid("BB", "r2")},
			want: []string{`{"q1":"a"}`, `{"q1":"a"}`}},
		{name: "hidden answers dropped", who: "admin", key: "c2023",
			in: []survey.ImportedResponse{
				{Administration: "AA", Respondent: "r1", Answers: answers("q1", `"a"`, "q2", `"hidden"`)},
				{Administration: "BB", Respondent: "r2", Answers: answers("q1", ` "b" `, "q2", `"shown"`)},
			},
			want: []string{`{"q1":"a"}`, `{"q1":"b","q2":"shown"}`}},
		{name: "an administration not invited", who: "admin", key: "c2023",
			in:      []survey.ImportedResponse{valid("AA", "r1"), valid("CC", "r2")},
			invalid: []problem{{"responses[1].administration", survey.CodeNotInvited}}},
		{name: "no respondent", who: "admin", key: "c2023",
			in:      []survey.ImportedResponse{valid("AA", "")},
			invalid: []problem{{"responses[0].respondent", survey.CodeRequired}}},
		{name: "a required answer missing", who: "admin", key: "c2023",
			in:      []survey.ImportedResponse{valid("AA", "r1"), {Administration: "BB", Respondent: "r2", Answers: answers()}},
			invalid: []problem{{"responses[1].answers.q1", survey.CodeRequired}}},
		{name: "an answer not an option", who: "admin", key: "c2023",
			in:      []survey.ImportedResponse{{Administration: "AA", Respondent: "r1", Answers: answers("q1", `"c"`)}},
			invalid: []problem{{"responses[0].answers.q1", survey.CodeNotAnOption}}},
		{name: "an unknown question", who: "admin", key: "c2023",
			in:      []survey.ImportedResponse{{Administration: "AA", Respondent: "r1", Answers: answers("q1", `"a"`, "q9", `1`)}},
			invalid: []problem{{"responses[0].answers.q9", survey.CodeUnknownQuestion}}},
		{name: "every problem of every response", who: "admin", key: "c2023",
			in: []survey.ImportedResponse{valid("CC", "r1"), valid("AA", "r2"), valid("BB", ""),
				{Administration: "AA", Respondent: "r3", Answers: answers("q1", `"c"`, "q9", `1`)}},
			invalid: []problem{{"responses[0].administration", survey.CodeNotInvited}, {"responses[2].respondent", survey.CodeRequired},
				{"responses[3].answers.q1", survey.CodeNotAnOption}, {"responses[3].answers.q9", survey.CodeUnknownQuestion}}},
		{name: "a respondent who answered", who: "admin", key: "c2024",
			in:  []survey.ImportedResponse{valid("BB", "r4"), valid("AA", "r5"), valid("AA", "r5")},
			err: survey.ErrConflict, msg: "responses[2]: respondent r5 of AA has already answered campaign c2024"},
		{name: "a coordinator, even of the administration", who: "coordAA", key: "c2024",
			in: []survey.ImportedResponse{valid("AA", "r1")}, err: survey.ErrForbidden},
		{name: "an unknown campaign", who: "admin", key: "nope", in: []survey.ImportedResponse{valid("AA", "r1")}, err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			users, err := f.st.Users(t.Context(), survey.Everything)
			if err != nil {
				t.Fatal(err)
			}
			err = f.svc.Import(t.Context(), f.who[c.who], c.key, c.in)
			checkErr(t, err, c.err, c.invalid, c.msg)
			var got []string
			if c.key != "nope" {
				if err := f.st.EachSubmittedBatch(t.Context(), survey.Everything, c.key, func(batch []survey.ExportedResponse) error {
					for _, r := range batch {
						body, err := json.Marshal(r.Answers)
						if err != nil {
							return err
						}
						got = append(got, string(body))
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			// All or none: a refused import stores no response and no
			// account.
			if !slices.Equal(got, c.want) {
				t.Fatalf("stored answers %v, want %v", got, c.want)
			}
			after, err := f.st.Users(t.Context(), survey.Everything)
			if err != nil {
				t.Fatal(err)
			}
			if added := len(after) - len(users); added != len(c.want) {
				t.Fatalf("%d accounts added, want %d", added, len(c.want))
			}
		})
	}
}

// TestRolesThatMayNot: running campaigns is for admins, following them for
// admins and coordinators; any other caller is refused before anything is
// read or written.
func TestRolesThatMayNot(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	next := survey.NewCampaign{Key: "z2026", Year: 2026, Questionnaire: "q", Version: 1, OpensAt: seeded,
		ClosesAt: seeded.Add(time.Hour), Administrations: []string{"AA"}}
	for _, c := range []struct {
		name string
		who  string
		call func(p auth.Principal) error
	}{
		{"a coordinator creates", "coordAA", func(p auth.Principal) error { _, err := f.svc.Create(ctx, p, next); return err }},
		{"a coordinator opens", "coordAA", func(p auth.Principal) error { _, err := f.svc.Open(ctx, p, "d2024"); return err }},
		{"a coordinator closes", "coordAA", func(p auth.Principal) error { _, err := f.svc.Close(ctx, p, "c2024"); return err }},
		{"a coordinator imports", "coordAA", func(p auth.Principal) error { return f.svc.Import(ctx, p, "c2024", nil) }},
		{"a respondent reads the progress", "respAA", func(p auth.Principal) error { _, err := f.svc.Progress(ctx, p, "c2024"); return err }},
		{"a respondent exports", "respAA", func(p auth.Principal) error {
			return f.svc.SubmittedResponses(ctx, p, "c2024", func([]survey.ExportedResponse) error { return nil })
		}},
		{"nobody reads the progress", "", func(p auth.Principal) error { _, err := f.svc.Progress(ctx, p, "c2024"); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(f.who[c.who]); !errors.Is(err, survey.ErrForbidden) {
				t.Fatalf("error %v, want forbidden", err)
			}
		})
	}
	if c, err := f.svc.Get(ctx, f.who["admin"], "c2024"); err != nil || c.Status != survey.StatusOpen {
		t.Fatalf("a refused close changed the campaign: %+v %v", c, err)
	}
}

// sameProgressRow compares progress rows, their times as instants.
func sameProgressRow(a, b survey.ProgressRow) bool {
	at, bt := a.LastSubmittedAt, b.LastSubmittedAt
	a.LastSubmittedAt, b.LastSubmittedAt = nil, nil
	return a == b && (at == nil) == (bt == nil) && (at == nil || at.Equal(*bt))
}
