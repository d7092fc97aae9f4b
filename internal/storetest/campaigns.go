package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/customs-survey/surveyd/campaigns"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// testCampaigns is the contract of campaigns.Store (its Questionnaire is
// questionnaires.Store's, checked by testQuestionnaires).
func testCampaigns(t *testing.T, open Open) {
	t.Run("administrations", func(t *testing.T) { testCampaignAdministrations(t, open) })
	t.Run("create", func(t *testing.T) { testCreateCampaign(t, open) })
	t.Run("scope", func(t *testing.T) { testCampaignScope(t, open) })
	t.Run("status", func(t *testing.T) { testCampaignStatus(t, open) })
	t.Run("questionnaire", func(t *testing.T) { testCampaignQuestionnaire(t, open) })
	t.Run("import", func(t *testing.T) { testImportResponses(t, open) })
	t.Run("progress", func(t *testing.T) { testCampaignProgress(t, open) })
	t.Run("batches", func(t *testing.T) { testSubmittedBatches(t, open) })
	t.Run("revisions", func(t *testing.T) { testCampaignRevisions(t, open) })
	t.Run("change", func(t *testing.T) { testChangeCampaign(t, open) })
	t.Run("delete", func(t *testing.T) { testDeleteCampaign(t, open) })
	t.Run("respondent submissions", func(t *testing.T) { testRespondentSubmissions(t, open) })
}

// The campaigns of campaignFixture, each in the status given, of the
// given year and administrations, created in this order (neither their
// years' nor their keys' order): "c2024" open (BB), "k2023" closed (AA,
// BB), "k2025" draft (none), "b2024" open (AA), "a2024" draft (AA, CC).
// Every one is of version 2 of questionnaire "survey".
var fixtureCampaigns = []struct {
	key             string
	year            int
	administrations []string
	status          string
}{
	{"c2024", 2024, []string{"BB"}, survey.StatusOpen},
	{"k2023", 2023, []string{"BB", "AA"}, survey.StatusClosed},
	{"k2025", 2025, nil, survey.StatusDraft},
	{"b2024", 2024, []string{"AA"}, survey.StatusOpen},
	{"a2024", 2024, []string{"CC", "AA"}, survey.StatusDraft},
}

// campaignOpensAt is when the fixture's campaigns open, finer than the
// microsecond that the stores keep; they close a month later.
var campaignOpensAt = time.Date(2024, 5, 1, 8, 0, 0, 123456789, time.UTC)

// campaignFixture opens a store with administrations CC, AA and BB (in
// that order), an admin author, questionnaire "survey" in versions 1 and 2
// (published) and 3 (a draft), and the campaigns of fixtureCampaigns.
func campaignFixture(t *testing.T, open Open) (Store, *steppedClock) {
	t.Helper()
	clock := newSteppedClock()
	st := open(t, clock.now)
	ctx := t.Context()
	for _, code := range []string{"CC", "AA", "BB"} {
		if _, err := st.CreateAdministration(ctx, code, "Administration "+code); err != nil {
			t.Fatal(err)
		}
	}
	author := questionnaireAuthor(t, st)
	seedQuestionnaireVersions(t, st, clock, author, "survey", true, "Survey 1", "Survey 2", "Survey 3")
	for _, c := range fixtureCampaigns {
		clock.tick()
		if _, err := st.CreateCampaign(ctx, survey.NewCampaign{Key: c.key, Year: c.year, Questionnaire: "survey", Version: 2,
			OpensAt: campaignOpensAt, ClosesAt: campaignOpensAt.AddDate(0, 1, 0), Administrations: c.administrations,
			MinCellSize: 5}); err != nil {
			t.Fatal(err)
		}
		if c.status != survey.StatusDraft {
			moveCampaign(t, st, c.key, survey.StatusDraft, survey.StatusOpen)
		}
		if c.status == survey.StatusClosed {
			moveCampaign(t, st, c.key, survey.StatusOpen, survey.StatusClosed)
		}
	}
	return st, clock
}

func moveCampaign(t testing.TB, st Store, key, from, to string) {
	t.Helper()
	if _, err := st.SetCampaignStatus(t.Context(), key, from, to); err != nil {
		t.Fatal(err)
	}
}

// campaignRespondent creates an account of role respondent.
func campaignRespondent(t testing.TB, st Store, email, administration string) survey.User {
	t.Helper()
	u, err := st.CreateUser(t.Context(), survey.NewAccount{Email: email, PasswordHash: auth.NoPassword,
		Role: string(auth.RoleRespondent), Administration: administration})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// choice is the answers of questionnaireDoc's documents choosing option
// of q1.
func choice(option string) survey.Answers {
	return survey.Answers{"q1": json.RawMessage(fmt.Sprintf("%q", option))}
}

// Answer saves who's answers to a campaign through ChangeResponse,
// as a respondent does, submitting them when submit is set.
func Answer(t testing.TB, st Store, key string, who survey.User, answers survey.Answers, submit bool) survey.Response {
	t.Helper()
	sc := survey.Scope{Administration: who.Administration, HideDrafts: true}
	r, err := st.ChangeResponse(t.Context(), sc, key, survey.Respondent{ID: who.ID, Administration: who.Administration},
		func(state survey.ResponseState) (survey.ResponseChange, error) {
			change := survey.ResponseChange{Answers: answers, Submit: submit}
			if submit {
				cleaned, rows, err := survey.PrepareSubmission(state.Document, answers)
				if err != nil {
					return change, err
				}
				change.Answers, change.Rows = cleaned, rows
			}
			return change, nil
		})
	if err != nil {
		t.Fatalf("ChangeResponse: %v", err)
	}
	return r
}

// imported is a response to import, prepared as the campaigns service
// does.
func imported(t testing.TB, administration, respondent string, at time.Time, option string) survey.PreparedImport {
	t.Helper()
	answers, rows, err := survey.PrepareSubmission(questionnaireDoc(t, "survey", "Survey"), choice(option))
	if err != nil {
		t.Fatal(err)
	}
	return survey.PreparedImport{Administration: administration, Respondent: respondent,
		Account: campaigns.ImportedAccount(administration, respondent), SubmittedAt: at, Answers: answers, Rows: rows}
}

func campaignKeys(list []survey.Campaign) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Key
	}
	return out
}

func testCampaignAdministrations(t *testing.T, open Open) {
	clock := newSteppedClock()
	st := open(t, clock.now)
	ctx := t.Context()
	if list, err := st.Administrations(ctx); err != nil || len(list) != 0 {
		t.Fatalf("Administrations of an empty store = %v, %v", list, err)
	}
	created := map[string]time.Time{}
	for _, code := range []string{"CC", "AA", "BB"} {
		created[code] = clock.tick()
		if _, err := st.CreateAdministration(ctx, code, "Administration "+code); err != nil {
			t.Fatal(err)
		}
	}
	list, err := st.Administrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, a := range list {
		codes = append(codes, a.Code)
		if a.Name != "Administration "+a.Code || !a.CreatedAt.Equal(created[a.Code]) {
			t.Fatalf("Administrations: %+v", a)
		}
	}
	if !slices.Equal(codes, []string{"AA", "BB", "CC"}) {
		t.Fatalf("Administrations = %v, want them by code", codes)
	}
}

func testCreateCampaign(t *testing.T, open Open) {
	st, clock := campaignFixture(t, open)
	ctx := t.Context()
	opens := time.Date(2026, 3, 1, 9, 0, 0, 999999999, time.FixedZone("CET", 3600))
	closes := opens.AddDate(0, 2, 0)
	valid := survey.NewCampaign{Key: "n2026", Year: 2026, Questionnaire: "survey", Version: 2, OpensAt: opens, ClosesAt: closes,
		Administrations: []string{"CC", "AA"}, PreviousCampaign: "k2025", MinCellSize: 7}
	with := func(change func(*survey.NewCampaign)) survey.NewCampaign {
		in := valid
		in.Administrations = slices.Clone(valid.Administrations)
		change(&in)
		return in
	}
	// The cases run in order on one store: the later ones collide with
	// the earlier.
	for _, c := range []struct {
		name string
		in   survey.NewCampaign
		// version and administrations are the campaign's as stored.
		version         int
		administrations []string
		err             error
		message         string
	}{
		{name: "a campaign", in: with(func(*survey.NewCampaign) {}), version: 2, administrations: []string{"AA", "CC"}},
		{name: "the latest version", in: with(func(in *survey.NewCampaign) { in.Key, in.Version = "latest", 0 }),
			version: 3, administrations: []string{"AA", "CC"}},
		{name: "no previous campaign, no administration", in: with(func(in *survey.NewCampaign) {
			in.Key, in.PreviousCampaign, in.Administrations = "alone", "", nil
		}), version: 2},
		{name: "an existing key", in: with(func(in *survey.NewCampaign) { in.Year = 2027 }),
			err: survey.ErrConflict, message: "campaign n2026 already exists"},
		{name: "an unknown questionnaire", in: with(func(in *survey.NewCampaign) { in.Key, in.Questionnaire = "q", "nope" }),
			err: survey.ErrNotFound, message: "questionnaire nope has no version 2"},
		{name: "an unknown version", in: with(func(in *survey.NewCampaign) { in.Key, in.Version = "v", 9 }),
			err: survey.ErrNotFound, message: "questionnaire survey has no version 9"},
		{name: "an unknown previous campaign", in: with(func(in *survey.NewCampaign) { in.Key, in.PreviousCampaign = "p", "nope" }),
			err: survey.ErrNotFound, message: "no campaign nope"},
		{name: "an unknown administration", in: with(func(in *survey.NewCampaign) { in.Key, in.Administrations = "u", []string{"AA", "ZZ"} }),
			err: survey.ErrConflict},
		{name: "an administration listed twice", in: with(func(in *survey.NewCampaign) { in.Key, in.Administrations = "d", []string{"BB", "AA", "BB"} }),
			err: survey.ErrConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			at := clock.tick()
			got, err := st.CreateCampaign(ctx, c.in)
			checkErrMessage(t, "CreateCampaign", err, c.err, c.message)
			if err != nil {
				// A refused campaign leaves nothing behind, not even
				// some of its administrations.
				if c.in.Key != valid.Key {
					if _, err := st.Campaign(ctx, survey.Everything, c.in.Key); !errors.Is(err, survey.ErrNotFound) {
						t.Fatalf("Campaign after a refused creation: %v", err)
					}
				}
				if prev, err := st.Campaign(ctx, survey.Everything, valid.Key); err != nil || prev.Year != valid.Year {
					t.Fatalf("the existing campaign after a refused creation: %+v, %v", prev, err)
				}
				return
			}
			want := survey.Campaign{NewCampaign: c.in, Status: survey.StatusDraft, CreatedAt: at, UpdatedAt: at}
			want.Version, want.Administrations = c.version, c.administrations
			checkCampaign(t, "CreateCampaign", got, want)
			// The store keeps lists of its own: changing the one given or
			// the one handed out changes nothing stored.
			for _, list := range [][]string{c.in.Administrations, got.Administrations} {
				if len(list) > 0 {
					list[0] = "XX"
				}
			}
			stored, err := st.Campaign(ctx, survey.Everything, c.in.Key)
			if err != nil {
				t.Fatal(err)
			}
			checkCampaign(t, "Campaign", stored, want)
			if len(stored.Administrations) > 0 {
				stored.Administrations[0] = "XX"
				if again, err := st.Campaign(ctx, survey.Everything, c.in.Key); err != nil || !slices.Equal(again.Administrations, c.administrations) {
					t.Fatalf("Campaign after a change of a copy: %+v, %v", again, err)
				}
			}
		})
	}
}

// checkCampaign compares campaigns, times as instants to the microsecond
// that the stores keep. A campaign of no administration has an empty list,
// not none.
func checkCampaign(t testing.TB, what string, got, want survey.Campaign) {
	t.Helper()
	micro := func(at time.Time) time.Time { return at.Truncate(time.Microsecond) }
	if got.Administrations == nil || got.Key != want.Key || got.Year != want.Year || got.Questionnaire != want.Questionnaire || got.Version != want.Version ||
		!got.OpensAt.Equal(micro(want.OpensAt)) || !got.ClosesAt.Equal(micro(want.ClosesAt)) ||
		!slices.Equal(got.Administrations, want.Administrations) || got.PreviousCampaign != want.PreviousCampaign ||
		got.MinCellSize != want.MinCellSize || got.Status != want.Status ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Fatalf("%s = %+v, want %+v", what, got, want)
	}
}

// campaignScopes are the kinds of scope, with the fixture's campaigns each
// sees, in the order of a list: latest year first, then by key.
var campaignScopes = []struct {
	name  string
	scope survey.Scope
	sees  []string
}{
	{name: "everything", scope: survey.Everything, sees: []string{"k2025", "a2024", "b2024", "c2024", "k2023"}},
	{name: "an administration with drafts", scope: survey.Scope{Administration: "AA"}, sees: []string{"a2024", "b2024", "k2023"}},
	{name: "an administration without drafts", scope: survey.Scope{Administration: "AA", HideDrafts: true}, sees: []string{"b2024", "k2023"}},
	{name: "another administration", scope: survey.Scope{Administration: "BB", HideDrafts: true}, sees: []string{"c2024", "k2023"}},
	{name: "an administration invited to a draft only", scope: survey.Scope{Administration: "CC", HideDrafts: true}},
	{name: "the same with drafts", scope: survey.Scope{Administration: "CC"}, sees: []string{"a2024"}},
	{name: "an administration invited nowhere", scope: survey.Scope{Administration: "ZZ"}},
	{name: "the zero scope", scope: survey.Scope{}},
	{name: "no administration without drafts", scope: survey.Scope{HideDrafts: true}},
}

func testCampaignScope(t *testing.T, open Open) {
	st, _ := campaignFixture(t, open)
	ctx := t.Context()
	for _, c := range campaignScopes {
		t.Run(c.name, func(t *testing.T) {
			list, err := st.Campaigns(ctx, c.scope)
			if err != nil {
				t.Fatal(err)
			}
			if keys := campaignKeys(list); !slices.Equal(keys, c.sees) {
				t.Fatalf("Campaigns = %v, want %v", keys, c.sees)
			}
			for _, f := range fixtureCampaigns {
				key := f.key
				var want error
				if !slices.Contains(c.sees, key) {
					want = survey.ErrNotFound
				}
				got, err := st.Campaign(ctx, c.scope, key)
				checkErrMessage(t, "Campaign "+key, err, want, "")
				if err == nil && (got.Key != key || got.Status != f.status || !slices.Equal(got.Administrations, slices.Sorted(slices.Values(f.administrations)))) {
					t.Fatalf("Campaign %s = %+v", key, got)
				}
				_, err = st.CampaignQuestionnaire(ctx, c.scope, key)
				checkErrMessage(t, "CampaignQuestionnaire "+key, err, want, "")
				_, err = st.Progress(ctx, c.scope, key)
				checkErrMessage(t, "Progress "+key, err, want, "")
				err = st.EachSubmittedBatch(ctx, c.scope, key, func([]survey.ExportedResponse) error {
					return errors.New("a campaign without submitted responses has no batch")
				})
				checkErrMessage(t, "EachSubmittedBatch "+key, err, want, "")
			}
			for _, f := range []struct {
				what string
				err  error
			}{
				{"Campaign", func() error { _, err := st.Campaign(ctx, c.scope, "nope"); return err }()},
				{"CampaignQuestionnaire", func() error { _, err := st.CampaignQuestionnaire(ctx, c.scope, "nope"); return err }()},
				{"Progress", func() error { _, err := st.Progress(ctx, c.scope, "nope"); return err }()},
				{"EachSubmittedBatch", st.EachSubmittedBatch(ctx, c.scope, "nope", func([]survey.ExportedResponse) error { return nil })},
			} {
				checkErrMessage(t, f.what+" of an unknown campaign", f.err, survey.ErrNotFound, "")
			}
		})
	}
	t.Run("the messages", func(t *testing.T) {
		// A campaign that the scope does not see is reported exactly like
		// one that does not exist.
		_, unseen := st.Campaign(ctx, survey.Scope{Administration: "BB"}, "b2024")
		checkErrMessage(t, "Campaign unseen", unseen, survey.ErrNotFound, "no campaign b2024")
		_, unknown := st.Campaign(ctx, survey.Scope{Administration: "BB"}, "nope")
		checkErrMessage(t, "Campaign unknown", unknown, survey.ErrNotFound, "no campaign nope")
	})
}

func testCampaignStatus(t *testing.T, open Open) {
	st, clock := campaignFixture(t, open)
	ctx := t.Context()
	// The cases run in order on one store.
	for _, c := range []struct {
		name, key, from, to string
		err                 error
		message             string
		// status is the campaign's after the case.
		status string
	}{
		{name: "open a draft", key: "a2024", from: survey.StatusDraft, to: survey.StatusOpen, status: survey.StatusOpen},
		{name: "open it again", key: "a2024", from: survey.StatusDraft, to: survey.StatusOpen, err: survey.ErrConflict,
			message: "campaign a2024 is no longer draft", status: survey.StatusOpen},
		{name: "close it", key: "a2024", from: survey.StatusOpen, to: survey.StatusClosed, status: survey.StatusClosed},
		{name: "close a closed one", key: "k2023", from: survey.StatusOpen, to: survey.StatusClosed, err: survey.ErrConflict,
			message: "campaign k2023 is no longer open", status: survey.StatusClosed},
		{name: "a move from another status", key: "k2025", from: survey.StatusOpen, to: survey.StatusClosed, err: survey.ErrConflict,
			message: "campaign k2025 is no longer open", status: survey.StatusDraft},
		{name: "an unknown campaign", key: "nope", from: survey.StatusDraft, to: survey.StatusOpen, err: survey.ErrNotFound,
			message: "no campaign nope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, err := st.Campaign(ctx, survey.Everything, c.key)
			if err != nil && c.err != survey.ErrNotFound {
				t.Fatal(err)
			}
			at := clock.tick()
			got, err := st.SetCampaignStatus(ctx, c.key, c.from, c.to)
			checkErrMessage(t, "SetCampaignStatus", err, c.err, c.message)
			if errors.Is(err, survey.ErrNotFound) {
				return
			}
			want := before
			want.Status = c.status
			if err == nil {
				want.UpdatedAt = at
				checkCampaign(t, "SetCampaignStatus", got, want)
			}
			stored, err := st.Campaign(ctx, survey.Everything, c.key)
			if err != nil {
				t.Fatal(err)
			}
			checkCampaign(t, "Campaign", stored, want)
		})
	}
}

func testCampaignQuestionnaire(t *testing.T, open Open) {
	st, _ := campaignFixture(t, open)
	ctx := t.Context()
	// The campaign keeps its version, whatever versions come after it.
	got, err := st.CampaignQuestionnaire(ctx, survey.Scope{Administration: "AA", HideDrafts: true}, "b2024")
	if err != nil {
		t.Fatal(err)
	}
	want, err := st.Questionnaire(ctx, "survey", 2)
	if err != nil {
		t.Fatal(err)
	}
	if got.Key != "survey" || got.Version != 2 || got.Status != survey.StatusPublished || !got.CreatedAt.Equal(want.CreatedAt) ||
		got.PublishedAt == nil || !got.PublishedAt.Equal(*want.PublishedAt) || !sameDocument(t, got.Document, want.Document) ||
		documentTitle(got.Document) != "Survey 2" {
		t.Fatalf("CampaignQuestionnaire = %+v, want %+v", got, want)
	}
	// A copy: changing it changes nothing stored.
	got.Document.Title["en"] = "Changed"
	again, err := st.CampaignQuestionnaire(ctx, survey.Everything, "b2024")
	if err != nil || documentTitle(again.Document) != "Survey 2" {
		t.Fatalf("CampaignQuestionnaire after a change of a copy: %+v, %v", again, err)
	}
}

// exportAll collects the batches of EachSubmittedBatch.
func exportAll(t testing.TB, st Store, sc survey.Scope, key string) ([][]survey.ExportedResponse, error) {
	t.Helper()
	var batches [][]survey.ExportedResponse
	err := st.EachSubmittedBatch(t.Context(), sc, key, func(batch []survey.ExportedResponse) error {
		batches = append(batches, slices.Clone(batch))
		return nil
	})
	return batches, err
}

// exported is one exported response as the contract compares it.
type exported struct {
	administration string
	at             time.Time
	option         string // the answer to q1
}

// exportedOf flattens batches, checking their order (administration, then
// response id) and that no response comes twice.
func exportedOf(t testing.TB, batches [][]survey.ExportedResponse) []exported {
	t.Helper()
	var out []exported
	var last survey.ExportedResponse
	for i, batch := range batches {
		for j, r := range batch {
			if (i > 0 || j > 0) && (r.Administration < last.Administration ||
				(r.Administration == last.Administration && r.ResponseID <= last.ResponseID)) {
				t.Fatalf("batch %d, response %d: %s/%s after %s/%s", i, j, r.Administration, r.ResponseID, last.Administration, last.ResponseID)
			}
			last = r
			var option string
			if err := json.Unmarshal(r.AnswerTo("q1"), &option); err != nil {
				t.Fatalf("answers %s %s: %v", r.Answers, r.Values, err)
			}
			out = append(out, exported{administration: r.Administration, at: r.SubmittedAt, option: option})
		}
	}
	return out
}

// sortExported orders exported responses as the contract expects them
// when their ids are unknown: by administration, then time.
func sortExported(list []exported) []exported {
	out := slices.Clone(list)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].administration != out[j].administration {
			return out[i].administration < out[j].administration
		}
		return out[i].at.Before(out[j].at)
	})
	return out
}

func sameExported(got, want []exported) bool {
	return slices.EqualFunc(got, want, func(a, b exported) bool {
		return a.administration == b.administration && a.at.Equal(b.at) && a.option == b.option
	})
}

func userEmailsOf(t testing.TB, st Store) []string {
	t.Helper()
	list, err := st.Users(t.Context(), survey.Everything)
	if err != nil {
		t.Fatal(err)
	}
	return userEmails(list)
}

func testImportResponses(t *testing.T, open Open) {
	st, clock := campaignFixture(t, open)
	ctx := t.Context()
	at := time.Date(2023, 6, 1, 10, 0, 0, 0, time.UTC)
	// The cases run in order on one store: the later ones collide with
	// the earlier. Imports are stored whatever the campaign's status.
	for _, c := range []struct {
		name, key string
		in        []survey.PreparedImport
		err       error
		message   string
		// accounts are the e-mails of the accounts the case creates;
		// added the responses it adds to the campaign (a zero time: the
		// clock's).
		accounts []string
		added    []exported
	}{
		{name: "two respondents", key: "k2023",
			in:       []survey.PreparedImport{imported(t, "BB", "R2", time.Time{}, "b"), imported(t, "AA", "r1", at, "a")},
			accounts: []string{"r1@aa.import.invalid", "r2@bb.import.invalid"},
			added:    []exported{{"AA", at, "a"}, {"BB", time.Time{}, "b"}}},
		{name: "a respondent who answered", key: "k2023",
			in:  []survey.PreparedImport{imported(t, "AA", "r3", at, "a"), imported(t, "AA", "r1", at, "b")},
			err: survey.ErrConflict, message: "responses[1]: respondent r1 of AA has already answered campaign k2023"},
		{name: "a respondent twice", key: "k2023",
			in:  []survey.PreparedImport{imported(t, "BB", "r4", at, "a"), imported(t, "BB", "r4", at.Add(time.Hour), "b")},
			err: survey.ErrConflict, message: "responses[1]: respondent r4 of BB has already answered campaign k2023"},
		{name: "an administration that does not exist", key: "k2023",
			in:  []survey.PreparedImport{imported(t, "AA", "r5", at, "a"), imported(t, "ZZ", "r6", at, "a")},
			err: survey.ErrConflict},
		{name: "the same respondent in another campaign", key: "b2024",
			in:    []survey.PreparedImport{imported(t, "AA", "R1", at.Add(time.Minute), "b")},
			added: []exported{{"AA", at.Add(time.Minute), "b"}}},
		{name: "nothing", key: "k2023"},
		{name: "an unknown campaign", key: "nope", in: []survey.PreparedImport{imported(t, "AA", "r7", at, "a")},
			err: survey.ErrNotFound, message: "no campaign nope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			accountsBefore := userEmailsOf(t, st)
			var before [][]survey.ExportedResponse
			if c.err != survey.ErrNotFound {
				var err error
				if before, err = exportAll(t, st, survey.Everything, c.key); err != nil {
					t.Fatal(err)
				}
			}
			now := clock.tick()
			err := st.ImportResponses(ctx, c.key, c.in)
			checkErrMessage(t, "ImportResponses", err, c.err, c.message)
			// All or nothing: a refused import adds no account and no
			// response.
			wantAccounts := slices.Sorted(slices.Values(append(slices.Clone(accountsBefore), c.accounts...)))
			if got := userEmailsOf(t, st); !slices.Equal(got, wantAccounts) {
				t.Fatalf("accounts %v, want %v", got, wantAccounts)
			}
			if c.err == survey.ErrNotFound {
				return
			}
			after, err := exportAll(t, st, survey.Everything, c.key)
			if err != nil {
				t.Fatal(err)
			}
			want := exportedOf(t, before)
			for _, a := range c.added {
				if a.at.IsZero() {
					a.at = now
				}
				want = append(want, a)
			}
			if got := sortExported(exportedOf(t, after)); !sameExported(got, sortExported(want)) {
				t.Fatalf("exported after the import: %+v, want %+v", got, want)
			}
		})
	}
	t.Run("the accounts", func(t *testing.T) {
		// Imported respondents are respondents of their administration,
		// active, who cannot log in.
		list, err := st.Users(ctx, survey.Everything)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"r1@aa.import.invalid": "AA", "r2@bb.import.invalid": "BB"}
		for _, u := range list {
			if administration, ok := want[u.Email]; ok {
				if u.Role != string(auth.RoleRespondent) || u.Administration != administration || u.Disabled {
					t.Fatalf("imported account %+v", u)
				}
				delete(want, u.Email)
			}
		}
		if len(want) > 0 {
			t.Fatalf("no imported accounts %v", want)
		}
	})
	t.Run("stored as submitted", func(t *testing.T) {
		// An imported response is a response submitted once, at its time,
		// by its respondent.
		var r1 survey.User
		list, err := st.Users(ctx, survey.Everything)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range list {
			if u.Email == "r1@aa.import.invalid" {
				r1 = u
			}
		}
		for _, c := range []struct {
			key    string
			at     time.Time
			option string
		}{{"k2023", at, "a"}, {"b2024", at.Add(time.Minute), "b"}} {
			r, found, err := st.Response(ctx, survey.Everything, c.key, r1.ID)
			if err != nil || !found {
				t.Fatalf("Response of %s: %+v, %v, %v", c.key, r, found, err)
			}
			if r.Campaign != c.key || r.RespondentID != r1.ID || r.Administration != "AA" || r.Revision != 1 ||
				r.Status() != survey.StatusSubmitted || r.AmendmentPending ||
				r.SubmittedAt == nil || !r.SubmittedAt.Equal(c.at) || r.FirstSubmittedAt == nil || !r.FirstSubmittedAt.Equal(c.at) ||
				string(r.Answers["q1"]) != fmt.Sprintf("%q", c.option) || len(r.Submissions) != 1 ||
				r.Submissions[0].Revision != 1 || r.Submissions[0].SubmittedBy != r1.ID || !r.Submissions[0].SubmittedAt.Equal(c.at) {
				t.Fatalf("Response of %s = %+v", c.key, r)
			}
		}
	})
}

func testCampaignProgress(t *testing.T, open Open) {
	st, clock := campaignFixture(t, open)
	ctx := t.Context()
	clock.tick()
	if _, err := st.CreateCampaign(ctx, survey.NewCampaign{Key: "p2024", Year: 2024, Questionnaire: "survey", Version: 2,
		OpensAt: campaignOpensAt, ClosesAt: campaignOpensAt.AddDate(1, 0, 0), Administrations: []string{"BB", "AA"}, MinCellSize: 5}); err != nil {
		t.Fatal(err)
	}
	moveCampaign(t, st, "p2024", survey.StatusDraft, survey.StatusOpen)
	a1 := campaignRespondent(t, st, "a1@aa.test", "AA")
	a2 := campaignRespondent(t, st, "a2@aa.test", "AA")
	disableUser(t, st, campaignRespondent(t, st, "a3@aa.test", "AA").ID)
	if _, err := st.CreateUser(ctx, survey.NewAccount{Email: "coord@aa.test", PasswordHash: auth.NoPassword,
		Role: string(auth.RoleCoordinator), Administration: "AA"}); err != nil {
		t.Fatal(err)
	}
	b1 := campaignRespondent(t, st, "b1@bb.test", "BB")
	campaignRespondent(t, st, "c1@cc.test", "CC")
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC) // before the clock: later submissions are the latest
	row := func(administration string, respondents, drafts, submitted int) survey.ProgressRow {
		return survey.ProgressRow{Administration: administration, Respondents: respondents, Drafts: drafts, Submitted: submitted}
	}
	amending := func(r survey.ProgressRow, pending int) survey.ProgressRow {
		r.PendingAmendments = pending
		return r
	}
	// The steps run in order on one store; each counts what the ones
	// before it did. Active respondents are counted, disabled ones and
	// coordinators are not; drafts are responses never submitted. Each row
	// has the time of its administration's latest submission: an import's
	// own time, or the step's (last, updated by submitted).
	last := map[string]*time.Time{}
	for _, c := range []struct {
		name      string
		do        func(t *testing.T)
		want      []survey.ProgressRow // every row, by administration
		submitted []string             // the administrations submitting at the step's time
	}{
		{name: "no response", do: func(*testing.T) {},
			want: []survey.ProgressRow{row("AA", 2, 0, 0), row("BB", 1, 0, 0)}},
		{name: "imported", do: func(t *testing.T) {
			if err := st.ImportResponses(ctx, "p2024", []survey.PreparedImport{imported(t, "BB", "x1", at, "a"), imported(t, "BB", "x2", at, "b")}); err != nil {
				t.Fatal(err)
			}
		}, want: []survey.ProgressRow{row("AA", 2, 0, 0), row("BB", 3, 0, 2)}, submitted: []string{"imported BB"}},
		{name: "a draft", do: func(t *testing.T) { Answer(t, st, "p2024", a1, choice("a"), false) },
			want: []survey.ProgressRow{row("AA", 2, 1, 0), row("BB", 3, 0, 2)}},
		{name: "a submission", do: func(t *testing.T) { Answer(t, st, "p2024", a2, choice("b"), true) },
			want: []survey.ProgressRow{row("AA", 2, 1, 1), row("BB", 3, 0, 2)}, submitted: []string{"AA"}},
		{name: "the draft submitted", do: func(t *testing.T) { Answer(t, st, "p2024", a1, choice("a"), true) },
			want: []survey.ProgressRow{row("AA", 2, 0, 2), row("BB", 3, 0, 2)}, submitted: []string{"AA"}},
		{name: "an amendment pending", do: func(t *testing.T) {
			Answer(t, st, "p2024", b1, choice("a"), true)
			Answer(t, st, "p2024", b1, choice("b"), false)
		}, want: []survey.ProgressRow{row("AA", 2, 0, 2), amending(row("BB", 3, 0, 3), 1)}, submitted: []string{"BB"}},
		{name: "a response to another campaign", do: func(t *testing.T) { Answer(t, st, "b2024", a2, choice("a"), false) },
			want: []survey.ProgressRow{row("AA", 2, 0, 2), amending(row("BB", 3, 0, 3), 1)}},
		{name: "a respondent disabled", do: func(t *testing.T) { disableUser(t, st, a2.ID) },
			want: []survey.ProgressRow{row("AA", 1, 0, 2), amending(row("BB", 3, 0, 3), 1)}},
		{name: "the amendment submitted", do: func(t *testing.T) { Answer(t, st, "p2024", b1, choice("b"), true) },
			want: []survey.ProgressRow{row("AA", 1, 0, 2), row("BB", 3, 0, 3)}, submitted: []string{"BB"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stepAt := clock.tick().Truncate(time.Microsecond)
			c.do(t)
			for _, code := range c.submitted {
				when := &stepAt
				if code == "imported BB" {
					code, when = "BB", &at
				}
				if last[code] == nil || when.After(*last[code]) {
					last[code] = when // the latest, whatever the order of submission
				}
			}
			c.want = slices.Clone(c.want)
			for i := range c.want {
				c.want[i].LastSubmittedAt = last[c.want[i].Administration]
			}
			for _, sc := range []struct {
				scope survey.Scope
				want  []survey.ProgressRow
			}{
				{survey.Everything, c.want},
				{survey.Scope{Administration: "AA"}, c.want[:1]},
				{survey.Scope{Administration: "BB", HideDrafts: true}, c.want[1:]},
			} {
				got, err := st.Progress(ctx, sc.scope, "p2024")
				if err != nil {
					t.Fatal(err)
				}
				if !slices.EqualFunc(got, sc.want, sameProgressRow) {
					t.Fatalf("Progress for %+v = %+v, want %+v", sc.scope, got, sc.want)
				}
			}
			if _, err := st.Progress(ctx, survey.Scope{Administration: "CC"}, "p2024"); !errors.Is(err, survey.ErrNotFound) {
				t.Fatalf("Progress of an administration not invited: %v", err)
			}
		})
	}
	t.Run("other campaigns", func(t *testing.T) {
		for _, c := range []struct {
			key   string
			scope survey.Scope
			want  []survey.ProgressRow
		}{
			{"k2025", survey.Everything, nil},
			{"a2024", survey.Everything, []survey.ProgressRow{row("AA", 1, 0, 0), row("CC", 1, 0, 0)}},
			{"a2024", survey.Scope{Administration: "CC"}, []survey.ProgressRow{row("CC", 1, 0, 0)}},
			{"b2024", survey.Scope{Administration: "AA", HideDrafts: true}, []survey.ProgressRow{row("AA", 1, 1, 0)}},
		} {
			got, err := st.Progress(ctx, c.scope, c.key)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, c.want, sameProgressRow) {
				t.Fatalf("Progress of %s for %+v = %+v, want %+v", c.key, c.scope, got, c.want)
			}
		}
	})
}

// sameProgressRow compares progress rows, their times as instants.
func sameProgressRow(a, b survey.ProgressRow) bool {
	at, bt := a.LastSubmittedAt, b.LastSubmittedAt
	a.LastSubmittedAt, b.LastSubmittedAt = nil, nil
	return a == b && (at == nil) == (bt == nil) && (at == nil || at.Equal(*bt))
}

// errStopExport is an error of a batch's callback.
var errStopExport = errors.New("stop the export")

func testSubmittedBatches(t *testing.T, open Open) {
	st, clock := campaignFixture(t, open)
	ctx := t.Context()
	clock.tick()
	if _, err := st.CreateCampaign(ctx, survey.NewCampaign{Key: "x2024", Year: 2024, Questionnaire: "survey", Version: 2,
		OpensAt: campaignOpensAt, ClosesAt: campaignOpensAt.AddDate(1, 0, 0), Administrations: []string{"CC", "BB", "AA"}, MinCellSize: 5}); err != nil {
		t.Fatal(err)
	}
	moveCampaign(t, st, "x2024", survey.StatusDraft, survey.StatusOpen)
	// More responses than a batch holds in BB, a few in AA, none in CC.
	at := time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)
	var in []survey.PreparedImport
	var want []exported
	for i := range 150 {
		option := []string{"a", "b"}[i%2]
		in = append(in, imported(t, "BB", fmt.Sprintf("b%03d", i), at.Add(time.Duration(i)*time.Minute), option))
		want = append(want, exported{"BB", at.Add(time.Duration(i) * time.Minute), option})
	}
	for i := range 3 {
		in = append(in, imported(t, "AA", fmt.Sprintf("a%d", i), at.Add(time.Duration(i)*time.Second), "a"))
		want = append(want, exported{"AA", at.Add(time.Duration(i) * time.Second), "a"})
	}
	if err := st.ImportResponses(ctx, "x2024", in); err != nil {
		t.Fatal(err)
	}
	only := func(administration string) []exported {
		return slices.DeleteFunc(slices.Clone(want), func(e exported) bool { return e.administration != administration })
	}
	t.Run("imported", func(t *testing.T) {
		for _, c := range []struct {
			name  string
			scope survey.Scope
			sizes []int // of the batches
			want  []exported
		}{
			{name: "everything", scope: survey.Everything, sizes: []int{100, 53}, want: want},
			{name: "an administration of more than a batch", scope: survey.Scope{Administration: "BB", HideDrafts: true},
				sizes: []int{100, 50}, want: only("BB")},
			{name: "an administration of a few", scope: survey.Scope{Administration: "AA"}, sizes: []int{3}, want: only("AA")},
			{name: "an administration of none", scope: survey.Scope{Administration: "CC"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				batches, err := exportAll(t, st, c.scope, "x2024")
				if err != nil {
					t.Fatal(err)
				}
				var sizes []int
				for _, b := range batches {
					sizes = append(sizes, len(b))
				}
				if !slices.Equal(sizes, c.sizes) {
					t.Fatalf("batches of %v responses, want %v", sizes, c.sizes)
				}
				if got := sortExported(exportedOf(t, batches)); !sameExported(got, sortExported(c.want)) {
					t.Fatalf("exported %+v, want %+v", got, c.want)
				}
			})
		}
	})
	t.Run("an error of the callback", func(t *testing.T) {
		calls := 0
		err := st.EachSubmittedBatch(ctx, survey.Everything, "x2024", func([]survey.ExportedResponse) error {
			calls++
			return errStopExport
		})
		if err != errStopExport || calls != 1 {
			t.Fatalf("EachSubmittedBatch = %v after %d calls, want the callback's error after one", err, calls)
		}
	})
	t.Run("the store used between batches", func(t *testing.T) {
		calls := 0
		err := st.EachSubmittedBatch(ctx, survey.Everything, "x2024", func([]survey.ExportedResponse) error {
			calls++
			_, err := st.Campaign(ctx, survey.Everything, "x2024")
			return err
		})
		if err != nil || calls != 2 {
			t.Fatalf("EachSubmittedBatch = %v after %d calls", err, calls)
		}
	})
	t.Run("the latest submission", func(t *testing.T) {
		// What a respondent submitted, not what it saved since; a
		// response never submitted is not exported.
		resp := campaignRespondent(t, st, "resp@cc.test", "CC")
		other := campaignRespondent(t, st, "other@cc.test", "CC")
		submittedAt := clock.tick()
		submitted := Answer(t, st, "x2024", resp, choice("a"), true)
		clock.tick()
		Answer(t, st, "x2024", resp, choice("b"), false)
		Answer(t, st, "x2024", other, choice("b"), false)
		check := func(option string, at time.Time) {
			t.Helper()
			batches, err := exportAll(t, st, survey.Scope{Administration: "CC"}, "x2024")
			if err != nil {
				t.Fatal(err)
			}
			if len(batches) != 1 || len(batches[0]) != 1 {
				t.Fatalf("batches %+v, want the one submitted response", batches)
			}
			got := batches[0][0]
			if got.ResponseID != submitted.ID || got.Administration != "CC" || !got.SubmittedAt.Equal(at) ||
				got.SubmittedAt.Location() != time.UTC || string(got.AnswerTo("q1")) != fmt.Sprintf("%q", option) {
				t.Fatalf("exported %+v, want response %s submitted at %v with %s", got, submitted.ID, at, option)
			}
		}
		check("a", submittedAt)
		amendedAt := clock.tick()
		Answer(t, st, "x2024", resp, choice("b"), true)
		check("b", amendedAt)
	})
}
