// Package campaigns holds the rules of the yearly campaigns: how one is
// created (of a published questionnaire version, for known administrations,
// after its previous campaign), how it moves draft → open → closed, who
// sees which campaign and which part of its progress and responses, and how
// responses of an earlier survey tool are brought in. Campaigns are kept
// through a Store, which package store implements and internal/memstore
// fakes.
package campaigns

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// DefaultMinCellSize is the smallest number of responses a breakdown cell
// may show (docs/scoring.md) when a campaign does not set its own.
const DefaultMinCellSize = 5

// Service is the campaigns on behalf of a caller.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns the service over st, with time.Now as its clock.
func New(st Store) *Service { return &Service{store: st, now: time.Now} }

// WithClock sets the clock against which closing dates are checked (the
// server's, which tests move) and returns the service.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = now
	return s
}

// Create creates a campaign in the draft state, closing in the future.
// Errors: ErrForbidden (not an admin), *ValidationError, ErrConflict
// (duplicate key, questionnaire version not published).
func (s *Service) Create(ctx context.Context, by auth.Principal, in survey.NewCampaign) (survey.Campaign, error) {
	return s.CreateChecked(ctx, by, in, nil)
}

// CreateChecked is Create for a request whose own reading already found
// the problems in found (nil for none): its checks add theirs, except on a
// field found already names, and every problem is reported at once.
func (s *Service) CreateChecked(ctx context.Context, by auth.Principal, in survey.NewCampaign, found *survey.ValidationError) (survey.Campaign, error) {
	if err := adminsOnly(by); err != nil {
		return survey.Campaign{}, err
	}
	return s.create(ctx, in, found, true)
}

// create checks and stores a new campaign; future requires its closing
// date to be after now, as every campaign run from here must.
func (s *Service) create(ctx context.Context, in survey.NewCampaign, found *survey.ValidationError, future bool) (survey.Campaign, error) {
	if in.MinCellSize == 0 {
		in.MinCellSize = DefaultMinCellSize
	}
	v := &survey.ValidationError{}
	if found != nil {
		v.Errors = append(v.Errors, found.Errors...)
	}
	named := fieldsOf(v)
	if !named("opens_at") && !named("closes_at") && !in.ClosesAt.After(in.OpensAt) {
		v.Add("closes_at", survey.CodeOutOfRange, "closes_at must be after opens_at")
	}
	if future && !named("closes_at") {
		s.checkFuture(in.ClosesAt, v)
	}
	checkTitle(in.Title, named, v)
	published := true
	if !named("questionnaire") && !named("version") {
		var err error
		if published, err = s.checkVersion(ctx, in.Questionnaire, in.Version, v); err != nil {
			return survey.Campaign{}, err
		}
	}
	if err := s.checkAdministrations(ctx, in.Administrations, named, v); err != nil {
		return survey.Campaign{}, err
	}
	if in.PreviousCampaign != "" && !named("previous_campaign") {
		prev, err := s.store.Campaign(ctx, survey.Everything, in.PreviousCampaign)
		switch {
		case errors.Is(err, survey.ErrNotFound):
			v.Add("previous_campaign", survey.CodeUnknownCampaign, "no campaign has key %q", in.PreviousCampaign)
		case err != nil:
			return survey.Campaign{}, err
		case !named("year") && prev.Year >= in.Year:
			v.Add("previous_campaign", survey.CodeOutOfRange, "the previous campaign is of %d, not before %d", prev.Year, in.Year)
		}
	}
	if err := v.Err(); err != nil {
		return survey.Campaign{}, err
	}
	if !published {
		return survey.Campaign{}, survey.Errorf(survey.ErrConflict, "questionnaire %s version %d is not published", in.Questionnaire, in.Version)
	}
	return s.store.CreateCampaign(ctx, in)
}

// fieldsOf returns whether v already has a problem on a field or on a
// part of it ("administrations" for "administrations[1]"): a check of a
// field already refused would only repeat it.
func fieldsOf(v *survey.ValidationError) func(field string) bool {
	return func(field string) bool {
		return slices.ContainsFunc(v.Errors, func(fe survey.FieldError) bool {
			return fe.Field == field || strings.HasPrefix(fe.Field, field+"[") || strings.HasPrefix(fe.Field, field+".")
		})
	}
}

// checkFuture adds to v a problem when closesAt is not after now: a
// campaign that closed already could take no answer.
func (s *Service) checkFuture(closesAt time.Time, v *survey.ValidationError) {
	if now := s.now(); !closesAt.After(now) {
		v.Add("closes_at", survey.CodeOutOfRange, "closes_at %s is in the past; a campaign must close after now (%s)",
			closesAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
}

// MaxTitle is the most characters of a campaign's title.
const MaxTitle = 200

// checkTitle adds to v a problem with a title too long or with control
// characters.
func checkTitle(title string, named func(string) bool, v *survey.ValidationError) {
	switch {
	case named("title"):
	case utf8.RuneCountInString(title) > MaxTitle:
		v.Add("title", survey.CodeOutOfRange, "title must be at most %d characters", MaxTitle)
	case strings.ContainsFunc(title, unicode.IsControl):
		v.Add("title", survey.CodeInvalidText, "title must not hold control characters")
	}
}

// checkVersion adds to v a problem when the questionnaire version does not
// exist, and reports whether it is published (true when it does not
// exist, the problem being in v).
func (s *Service) checkVersion(ctx context.Context, key string, version int, v *survey.ValidationError) (bool, error) {
	q, err := s.store.Questionnaire(ctx, key, version)
	if errors.Is(err, survey.ErrNotFound) {
		v.Add("version", survey.CodeUnknownQuestionnaire, "questionnaire %s has no version %d", key, version)
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return q.Status == survey.StatusPublished, nil
}

// checkAdministrations adds to v a problem for each administration listed
// twice or unknown.
func (s *Service) checkAdministrations(ctx context.Context, codes []string, named func(string) bool, v *survey.ValidationError) error {
	if len(codes) == 0 || named("administrations") {
		return nil
	}
	all, err := s.store.Administrations(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, a := range all {
		known[a.Code] = true
	}
	seen := map[string]bool{}
	for i, code := range codes {
		field := fmt.Sprintf("administrations[%d]", i)
		switch {
		case seen[code]:
			v.Add(field, survey.CodeDuplicate, "%s is listed twice", code)
		case !known[code]:
			v.Add(field, survey.CodeUnknownAdministration, "no administration has code %q", code)
		}
		seen[code] = true
	}
	return nil
}

// List returns the campaigns p may see: every campaign for admins, those
// of their administration for coordinators. Respondents list theirs with
// RespondentList.
func (s *Service) List(ctx context.Context, p auth.Principal) ([]survey.Campaign, error) {
	if p.Role == auth.RoleRespondent {
		list, err := s.RespondentList(ctx, p)
		out := make([]survey.Campaign, len(list))
		for i, item := range list {
			out[i] = item.Campaign
		}
		return out, err
	}
	return s.store.Campaigns(ctx, survey.ScopeOf(p))
}

// Get returns one campaign if p may see it.
// Errors: ErrNotFound (also for a campaign of another administration, or a
// draft campaign asked for by a respondent).
func (s *Service) Get(ctx context.Context, p auth.Principal, key string) (survey.Campaign, error) {
	return s.store.Campaign(ctx, survey.ScopeOf(p), key)
}

// Open opens a draft campaign; Close closes an open one.
// Errors: ErrForbidden (not an admin), ErrNotFound, ErrConflict (any
// other transition, or the same transition made meanwhile by another
// request).
// A campaign whose closing date has passed is not opened: it could take
// no answer (*ValidationError on closes_at; correct the date first).
func (s *Service) Open(ctx context.Context, by auth.Principal, key string) (survey.Campaign, error) {
	return s.move(ctx, by, key, survey.StatusDraft, survey.StatusOpen)
}

// Close closes an open campaign: from then on no answer is accepted, and
// what is scored and exported is final.
func (s *Service) Close(ctx context.Context, by auth.Principal, key string) (survey.Campaign, error) {
	return s.move(ctx, by, key, survey.StatusOpen, survey.StatusClosed)
}

func (s *Service) move(ctx context.Context, by auth.Principal, key, from, to string) (survey.Campaign, error) {
	if err := adminsOnly(by); err != nil {
		return survey.Campaign{}, err
	}
	c, err := s.store.Campaign(ctx, survey.Everything, key)
	if err != nil {
		return c, err
	}
	if c.Status != from {
		return survey.Campaign{}, survey.Errorf(survey.ErrConflict, "campaign %s is %s; only a campaign that is %s can become %s", key, c.Status, from, to)
	}
	if to == survey.StatusOpen {
		v := &survey.ValidationError{}
		if s.checkFuture(c.ClosesAt, v); v.Err() != nil {
			return survey.Campaign{}, v.Err()
		}
	}
	return s.store.SetCampaignStatus(ctx, key, from, to)
}

// Questionnaire returns the questionnaire version of a campaign that p may
// see. Errors: ErrNotFound.
func (s *Service) Questionnaire(ctx context.Context, p auth.Principal, key string) (survey.Questionnaire, error) {
	return s.store.CampaignQuestionnaire(ctx, survey.ScopeOf(p), key)
}

// Progress counts, per invited administration, its respondents and their
// drafts and submissions, with totals. Coordinators see their own row only.
// Errors: ErrForbidden (respondents), ErrNotFound.
func (s *Service) Progress(ctx context.Context, p auth.Principal, key string) (survey.Progress, error) {
	if err := staffOnly(p); err != nil {
		return survey.Progress{}, err
	}
	rows, err := s.store.Progress(ctx, survey.ScopeOf(p), key)
	if err != nil {
		return survey.Progress{}, err
	}
	out := survey.Progress{Campaign: key, Rows: rows}
	if out.Rows == nil {
		out.Rows = []survey.ProgressRow{}
	}
	for _, r := range rows {
		out.Totals.Respondents += r.Respondents
		out.Totals.Drafts += r.Drafts
		out.Totals.Submitted += r.Submitted
		out.Totals.PendingAmendments += r.PendingAmendments
		if r.LastSubmittedAt != nil && (out.Totals.LastSubmittedAt == nil || r.LastSubmittedAt.After(*out.Totals.LastSubmittedAt)) {
			out.Totals.LastSubmittedAt = r.LastSubmittedAt
		}
	}
	return out, nil
}

// SubmittedResponses calls fn with the submitted responses of a campaign
// that p may see (coordinators: their administration's), in batches.
// Errors: ErrNotFound, ErrForbidden (respondents), and any error of fn.
func (s *Service) SubmittedResponses(ctx context.Context, p auth.Principal, key string, fn func([]survey.ExportedResponse) error) error {
	if err := staffOnly(p); err != nil {
		return err
	}
	return s.store.EachSubmittedBatch(ctx, survey.ScopeOf(p), key, fn)
}

// Import stores submitted responses of a campaign brought in from
// elsewhere, all or none. Each is checked like a submission (hidden
// answers dropped, required questions checked, scores copied from the
// campaign's questionnaire), whatever the campaign's state, so that a past
// campaign can be loaded after it closed. Every problem of every response
// is reported at once, under "responses[i]…".
// Errors: ErrForbidden (not an admin), ErrNotFound, ErrConflict (a
// respondent already answered), *ValidationError.
func (s *Service) Import(ctx context.Context, p auth.Principal, key string, responses []survey.ImportedResponse) error {
	if err := adminsOnly(p); err != nil {
		return err
	}
	sc := survey.ScopeOf(p)
	c, err := s.store.Campaign(ctx, sc, key)
	if err != nil {
		return err
	}
	q, err := s.store.CampaignQuestionnaire(ctx, sc, key)
	if err != nil {
		return err
	}
	v := &survey.ValidationError{}
	prepared := make([]survey.PreparedImport, 0, len(responses))
	for i, in := range responses {
		prefix := fmt.Sprintf("responses[%d]", i)
		if !slices.Contains(c.Administrations, in.Administration) {
			v.Add(prefix+".administration", survey.CodeNotInvited, "administration %q is not invited to campaign %s", in.Administration, key)
			continue
		}
		if in.Respondent == "" {
			v.Add(prefix+".respondent", survey.CodeRequired, "name the respondent")
			continue
		}
		cleaned, rows, err := survey.PrepareSubmission(q.Document, in.Answers)
		var invalid *survey.ValidationError
		if errors.As(err, &invalid) {
			for _, fe := range invalid.Errors {
				v.Add(prefix+"."+fe.Field, fe.Code, "%s", fe.Message)
			}
			continue
		} else if err != nil {
			return err
		}
		prepared = append(prepared, survey.PreparedImport{Administration: in.Administration, Respondent: in.Respondent,
			Account:     ImportedAccount(in.Administration, in.Respondent),
			SubmittedAt: in.SubmittedAt, Answers: cleaned, Rows: rows})
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.store.ImportResponses(ctx, key, prepared)
}

// ImportedAccount is the account of an imported respondent: named by the
// reference of the earlier survey tool within its administration
// (<respondent>@<administration>.import.invalid, a domain that cannot
// exist), a respondent of that administration that cannot log in.
func ImportedAccount(administration, respondent string) survey.NewAccount {
	return survey.NewAccount{Email: auth.NormalizeEmail(respondent + "@" + strings.ToLower(administration) + ".import.invalid"),
		PasswordHash: auth.NoPassword, Role: string(auth.RoleRespondent), Administration: administration}
}

// adminsOnly lets Commission staff run campaigns.
func adminsOnly(p auth.Principal) error {
	if p.Role != auth.RoleAdmin {
		return survey.Errorf(survey.ErrForbidden, "only admins run campaigns")
	}
	return nil
}

// staffOnly lets admins and coordinators follow campaigns.
func staffOnly(p auth.Principal) error {
	if p.Role != auth.RoleAdmin && p.Role != auth.RoleCoordinator {
		return survey.Errorf(survey.ErrForbidden, "only admins and coordinators follow campaigns")
	}
	return nil
}
