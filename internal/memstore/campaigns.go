package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// Bounds of one batch of EachSubmittedBatch, the store's: at most
// exportBatchRows responses, and the batch ends with the response that
// brings its answers to exportBatchBytes or more.
const (
	exportBatchRows  = 100
	exportBatchBytes = 4 << 20
)

// Administrations lists every administration by code.
func (s *Store) Administrations(ctx context.Context) ([]survey.Administration, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list administrations: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]survey.Administration, 0, len(s.administrations))
	for _, a := range s.administrations {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// CreateCampaign stores a campaign in the draft state, of the named
// questionnaire version (0: the latest) and previous campaign, which must
// exist.
// Errors: ErrNotFound (the questionnaire version or the previous
// campaign), ErrConflict (the key exists, an administration listed twice
// or unknown, as the database's keys refuse them).
func (s *Store) CreateCampaign(ctx context.Context, in survey.NewCampaign) (survey.Campaign, error) {
	if err := ctx.Err(); err != nil {
		return survey.Campaign{}, fmt.Errorf("create campaign: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.findQuestionnaire(in.Questionnaire, in.Version)
	if err != nil {
		return survey.Campaign{}, err
	}
	var previous *campaign
	if in.PreviousCampaign != "" {
		if previous, err = s.scopedCampaign(survey.Everything, in.PreviousCampaign); err != nil {
			return survey.Campaign{}, err
		}
	}
	// In the order the store writes: the campaign (unique key), then its
	// administrations one by one (primary key, then foreign key).
	duplicate := survey.Errorf(survey.ErrConflict, "campaign %s already exists", in.Key)
	for _, c := range s.campaigns {
		if c.Key == in.Key {
			return survey.Campaign{}, duplicate
		}
	}
	for i, code := range in.Administrations {
		if slices.Contains(in.Administrations[:i], code) {
			return survey.Campaign{}, duplicate
		}
		if _, ok := s.administrations[code]; !ok {
			return survey.Campaign{}, fmt.Errorf("create campaign: %w", survey.ErrConflict)
		}
	}
	now := s.clock()
	c := &campaign{ID: s.id(), Questionnaire: q, Previous: previous, Campaign: survey.Campaign{
		NewCampaign: survey.NewCampaign{Key: in.Key, Year: in.Year, Questionnaire: q.Key, Version: q.Version,
			OpensAt: in.OpensAt.UTC().Truncate(time.Microsecond), ClosesAt: in.ClosesAt.UTC().Truncate(time.Microsecond),
			Administrations: slices.Sorted(slices.Values(in.Administrations)), MinCellSize: in.MinCellSize, Title: in.Title},
		Status: survey.StatusDraft, CreatedAt: now, UpdatedAt: now, Revision: 1}}
	if previous != nil {
		c.PreviousCampaign = previous.Key
	}
	s.campaigns = append(s.campaigns, c)
	return c.copy(), nil
}

// Campaigns lists the campaigns sc sees, latest year first, then by key.
func (s *Store) Campaigns(ctx context.Context, sc survey.Scope) ([]survey.Campaign, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []survey.Campaign{}
	for _, c := range s.campaigns {
		if c.seenBy(sc) {
			out = append(out, c.copy())
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Year != out[j].Year {
			return out[i].Year > out[j].Year
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// Campaign returns one campaign that sc sees.
// Errors: ErrNotFound (also for one that sc does not see).
func (s *Store) Campaign(ctx context.Context, sc survey.Scope, key string) (survey.Campaign, error) {
	if err := ctx.Err(); err != nil {
		return survey.Campaign{}, fmt.Errorf("get campaign: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(sc, key)
	if err != nil {
		return survey.Campaign{}, err
	}
	return c.copy(), nil
}

// SetCampaignStatus moves a campaign from one status to another on
// condition that it is still in the first.
// Errors: ErrNotFound, ErrConflict (no longer in status from).
func (s *Store) SetCampaignStatus(ctx context.Context, key, from, to string) (survey.Campaign, error) {
	if err := ctx.Err(); err != nil {
		return survey.Campaign{}, fmt.Errorf("set campaign status: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(survey.Everything, key)
	if err != nil {
		return survey.Campaign{}, err
	}
	if c.Status != from {
		return survey.Campaign{}, survey.Errorf(survey.ErrConflict, "campaign %s is no longer %s", key, from)
	}
	// The campaigns table's check; the store passes a violated check on
	// as a plain error, and so does this.
	if to != survey.StatusDraft && to != survey.StatusOpen && to != survey.StatusClosed {
		return survey.Campaign{}, fmt.Errorf("set campaign status: status %q violates a check of the campaigns table", to)
	}
	c.Status, c.UpdatedAt = to, s.clock()
	c.Revision++
	if to == survey.StatusClosed {
		at := c.UpdatedAt.UTC().Truncate(time.Microsecond)
		c.LastClosedAt, c.ReopenedAt, c.ReopenReason = &at, nil, ""
	}
	return c.copy(), nil
}

// CampaignQuestionnaire returns the questionnaire version of a campaign
// that sc sees.
// Errors: ErrNotFound.
func (s *Store) CampaignQuestionnaire(ctx context.Context, sc survey.Scope, key string) (survey.Questionnaire, error) {
	if err := ctx.Err(); err != nil {
		return survey.Questionnaire{}, fmt.Errorf("get campaign questionnaire: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(sc, key)
	if err != nil {
		return survey.Questionnaire{}, err
	}
	return c.Questionnaire.copy()
}

// Progress counts, per invited administration that sc sees, its active
// respondents and the campaign's drafts and submitted responses, by
// administration code.
// Errors: ErrNotFound.
func (s *Store) Progress(ctx context.Context, sc survey.Scope, key string) ([]survey.ProgressRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(sc, key)
	if err != nil {
		return nil, err
	}
	var rows []survey.ProgressRow
	for _, code := range c.Administrations {
		if !sc.All && code != sc.Administration {
			continue
		}
		row := survey.ProgressRow{Administration: code}
		for _, u := range s.users {
			if u.Administration == code && u.Role == string(auth.RoleRespondent) && !u.Disabled {
				row.Respondents++
			}
		}
		for _, r := range s.responses {
			switch {
			case r.Campaign != c || r.Administration != code:
			case r.Current == nil:
				row.Drafts++
			default:
				row.Submitted++
				if r.Pending {
					row.PendingAmendments++
				}
			}
			for _, sub := range r.Submissions {
				if r.Campaign == c && r.Administration == code && (row.LastSubmittedAt == nil || sub.SubmittedAt.After(*row.LastSubmittedAt)) {
					at := sub.SubmittedAt
					row.LastSubmittedAt = &at
				}
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// ImportResponses stores submitted responses of a campaign, already
// checked, all or none. The respondents get accounts that cannot log in
// (e-mail <respondent>@<administration>.import.invalid), or keep the one
// an earlier import made. A response without a time of submission is
// submitted now.
// Errors: ErrNotFound, ErrConflict (a respondent already answered, or an
// administration that does not exist).
func (s *Store) ImportResponses(ctx context.Context, key string, responses []survey.PreparedImport) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("import responses: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(survey.Everything, key)
	if err != nil {
		return err
	}
	// Everything is checked and built aside, then added at once, so that
	// a refused import leaves no trace, as a rolled back transaction does.
	now := s.clock()
	accounts := map[string]*user{} // the accounts this import creates, by e-mail
	var added []*response
	for i, in := range responses {
		u, err := s.importedRespondent(accounts, in.Account)
		if err != nil {
			return err
		}
		answered := func(r *response) bool { return r.Campaign == c && r.RespondentID == u.ID }
		if slices.ContainsFunc(s.responses, answered) || slices.ContainsFunc(added, answered) {
			return survey.Errorf(survey.ErrConflict, "responses[%d]: respondent %s of %s has already answered campaign %s",
				i, in.Respondent, in.Administration, key)
		}
		if _, ok := s.administrations[in.Administration]; !ok {
			return fmt.Errorf("import responses: %w", survey.ErrConflict)
		}
		body, err := json.Marshal(in.Answers)
		if err != nil {
			return err
		}
		var draft, submitted survey.Answers
		if err := json.Unmarshal(body, &draft); err != nil {
			return err
		}
		if err := json.Unmarshal(body, &submitted); err != nil {
			return err
		}
		at := in.SubmittedAt.UTC().Truncate(time.Microsecond)
		if at.IsZero() {
			at = now
		}
		sub := &submission{ID: uuid.NewString(), Revision: 1, SubmittedBy: u.ID, SubmittedAt: at, Answers: submitted,
			Rows: importedRows(in.Rows)}
		first := at
		added = append(added, &response{ID: uuid.NewString(), Campaign: c, RespondentID: u.ID, Administration: in.Administration,
			Revision: 1, Draft: draft, Current: sub, FirstSubmittedAt: &first, CreatedAt: at, UpdatedAt: at,
			Submissions: []*submission{sub}})
	}
	for _, u := range accounts {
		s.users[u.ID] = u
	}
	s.responses = append(s.responses, added...)
	return nil
}

// importedRespondent finds the account of an imported respondent, among
// the stored ones and those the import creates (accounts, by e-mail), or
// adds it to accounts. The caller holds s.mu.
// Errors: ErrConflict (an administration that does not exist).
func (s *Store) importedRespondent(accounts map[string]*user, a survey.NewAccount) (*user, error) {
	email, administration := a.Email, a.Administration
	for _, u := range s.users {
		if u.Email == email {
			return u, nil
		}
	}
	if u, ok := accounts[email]; ok {
		return u, nil
	}
	if _, ok := s.administrations[administration]; !ok {
		return nil, fmt.Errorf("import responses: %w", survey.ErrConflict)
	}
	now := s.clock()
	u := &user{User: survey.User{ID: uuid.NewString(), Email: email, Role: a.Role,
		Administration: administration, CreatedAt: now}, PasswordHash: a.PasswordHash, PasswordChangedAt: now}
	accounts[email] = u
	return u, nil
}

// importedRows copies answer rows, so that the caller's values are not
// shared with the fake.
func importedRows(rows []survey.AnswerRow) []survey.AnswerRow {
	if len(rows) == 0 {
		return nil
	}
	out := make([]survey.AnswerRow, len(rows))
	for i, r := range rows {
		out[i] = survey.AnswerRow{Question: r.Question, Option: clonePtr(r.Option), Score: clonePtr(r.Score),
			NullScore: r.NullScore, Number: clonePtr(r.Number), Text: clonePtr(r.Text)}
	}
	return out
}

// clonePtr returns a pointer to a copy of *p, or nil.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// EachSubmittedBatch calls fn with the submitted responses of a campaign
// that sc sees (only the administration of sc unless it sees all), with
// the answers and time of their latest submission, a batch at a time,
// ordered by administration code, then response id. As in the store, each
// batch is read on its own after the last key passed, and the lock is not
// held while fn runs: fn may use the fake. An error of fn stops the
// iteration and is returned as it is.
// Errors: ErrNotFound, and fn's errors.
func (s *Store) EachSubmittedBatch(ctx context.Context, sc survey.Scope, key string, fn func([]survey.ExportedResponse) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("export responses: %w", err)
	}
	s.mu.Lock()
	c, err := s.scopedCampaign(sc, key)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return survey.EachExportBatch(func(afterAdministration, afterID string) ([]survey.ExportedResponse, bool, error) {
		if err := ctx.Err(); err != nil {
			return nil, false, fmt.Errorf("export responses: %w", err)
		}
		return s.exportBatch(c, sc, afterAdministration, afterID)
	}, fn)
}

// exportBatch reads the submitted responses of c that sc sees after the
// given key, up to the bounds of a batch, and returns them with whether
// more may follow.
func (s *Store) exportBatch(c *campaign, sc survey.Scope, afterAdministration, afterID string) ([]survey.ExportedResponse, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var next []*response
	for _, r := range s.responses {
		if r.Campaign != c || r.Current == nil || (!sc.All && r.Administration != sc.Administration) {
			continue
		}
		if r.Administration > afterAdministration || (r.Administration == afterAdministration && r.ID > afterID) {
			next = append(next, r)
		}
	}
	sort.Slice(next, func(i, j int) bool {
		if next[i].Administration != next[j].Administration {
			return next[i].Administration < next[j].Administration
		}
		return next[i].ID < next[j].ID
	})
	var batch []survey.ExportedResponse
	size := 0
	for _, r := range next {
		body, err := json.Marshal(r.Current.Answers)
		if err != nil {
			return nil, false, err
		}
		out := survey.ExportedResponse{ResponseID: r.ID, Administration: r.Administration, SubmittedAt: r.Current.SubmittedAt.UTC()}
		if err := json.Unmarshal(body, &out.Answers); err != nil {
			return nil, false, fmt.Errorf("answers of response %s: %w", r.ID, err)
		}
		batch = append(batch, out)
		if size += len(body); size >= exportBatchBytes {
			return batch, true, nil // the rest in the next batch
		}
		if len(batch) == exportBatchRows {
			break
		}
	}
	return batch, len(batch) == exportBatchRows, nil
}

// scopedCampaign finds a campaign that sc sees. The caller holds s.mu.
// Errors: ErrNotFound (also for one that sc does not see).
func (s *Store) scopedCampaign(sc survey.Scope, key string) (*campaign, error) {
	for _, c := range s.campaigns {
		if c.Key != key {
			continue
		}
		if !c.seenBy(sc) {
			break
		}
		return c, nil
	}
	return nil, survey.Errorf(survey.ErrNotFound, "no campaign %s", key)
}

// seenBy reports whether sc sees the campaign: every campaign when it
// sees all, else one that invites its administration, and not a draft
// when it hides drafts.
func (c *campaign) seenBy(sc survey.Scope) bool {
	if sc.All {
		return true
	}
	return sc.Administration != "" && slices.Contains(c.Administrations, sc.Administration) &&
		!(sc.HideDrafts && c.Status == survey.StatusDraft)
}

// copy returns the campaign as the store hands it out, with a list of
// administrations of its own, empty rather than nil when there is none.
func (c *campaign) copy() survey.Campaign {
	out := c.Campaign
	out.Administrations = append([]string{}, c.Administrations...)
	return out
}
