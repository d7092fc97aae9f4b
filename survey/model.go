package survey

import "time"

// Questionnaire and campaign states.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusOpen      = "open"
	StatusClosed    = "closed"
	StatusSubmitted = "submitted"
)

// Administration is a national customs administration, e.g. BE.
type Administration struct {
	Code      string
	Name      string
	CreatedAt time.Time
}

// User is an account of the service. The password hash never leaves the
// store.
type User struct {
	ID             string
	Email          string
	Role           string
	Administration string // empty for admins
	CreatedAt      time.Time
	Disabled       bool
}

// NewUser is what an admin or coordinator asks to create. Its validate
// tags are the rules of its fields (CheckRules), named as the API's
// request names them; users.Service.Create applies them.
type NewUser struct {
	Email          string `json:"email" validate:"required,email,max=254"`
	Password       string `json:"password" validate:"required"`
	Role           string `json:"role" validate:"required,role"`
	Administration string `json:"administration" validate:"omitempty,admin_code"`
}

// UserChange is what an admin or coordinator asks to change in an account.
// A nil member stays as it is.
type UserChange struct {
	Role *string
	// Administration is the new administration code; "" means none (an
	// admin's).
	Administration *string
	Disabled       *bool
}

// Questionnaire is one version of a questionnaire document.
type Questionnaire struct {
	Key         string
	Version     int
	Status      string // draft or published
	Document    *Document
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
}

// Campaign is one yearly edition of a published questionnaire, answered by
// a list of administrations: what was asked for, and its state.
type Campaign struct {
	NewCampaign
	Status    string // draft, open or closed
	CreatedAt time.Time
	UpdatedAt time.Time
	// Revision counts the campaign's changes (1 when created): a
	// correction names the revision it was made on.
	Revision int
	// LastClosedAt is when the campaign was last closed (its figures
	// final), nil if never; ReopenedAt is when it was last reopened after
	// that, nil if never.
	LastClosedAt *time.Time
	ReopenedAt   *time.Time
	ReopenReason string
}

// AcceptsAnswers reports whether respondents may save or submit at now.
func (c *Campaign) AcceptsAnswers(now time.Time) bool {
	return CheckAnswerable(c.Key, c.Status, c.ClosesAt, now) == nil
}

// CheckAnswerable is the rule of when a campaign takes answers: while it is
// open and before its closing time. Otherwise it says why, as ErrConflict.
func CheckAnswerable(key, status string, closesAt, now time.Time) error {
	if status != StatusOpen {
		return Errorf(ErrConflict, "campaign %s is %s and accepts no answers", key, status)
	}
	if !now.Before(closesAt) {
		return Errorf(ErrConflict, "campaign %s closed at %s", key, closesAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// NewCampaign is what an admin asks to create.
type NewCampaign struct {
	Key              string
	Title            string // "" for none
	Year             int
	Questionnaire    string
	Version          int
	OpensAt          time.Time
	ClosesAt         time.Time
	Administrations  []string
	PreviousCampaign string
	MinCellSize      int
}

// Response is one respondent's response to a campaign: a working copy of
// the answers and, once submitted, the latest submission, which is what
// counts in scores until an amendment is itself submitted.
type Response struct {
	ID               string
	Campaign         string
	RespondentID     string
	Administration   string
	Revision         int
	Answers          Answers // the working copy
	AmendmentPending bool    // saved after the latest submission
	SubmittedAt      *time.Time
	FirstSubmittedAt *time.Time
	Submissions      []Submission // the latest ListedSubmissions, oldest first
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Status is "submitted" when the latest state has been submitted, else
// "draft" (never submitted, or an amendment is pending).
func (r *Response) Status() string {
	if r.SubmittedAt != nil && !r.AmendmentPending {
		return StatusSubmitted
	}
	return StatusDraft
}

// ListedSubmissions is how many submissions a response lists: its latest
// ones. Its whole history is read a page at a time (responding's
// Submissions), so that a response amended a thousand times costs no more
// to change, and answers no longer, than one amended twenty times.
const ListedSubmissions = 20

// LatestSubmissions returns the latest ListedSubmissions of subs, which
// are oldest first.
func LatestSubmissions(subs []Submission) []Submission {
	if n := len(subs); n > ListedSubmissions {
		return subs[n-ListedSubmissions:]
	}
	return subs
}

// SetSubmissions records the latest submissions of a response from subs,
// oldest first (at most ListedSubmissions of them: LatestSubmissions),
// and the time of the latest as SubmittedAt (nil when there is none).
func (r *Response) SetSubmissions(subs []Submission) {
	r.Submissions, r.SubmittedAt = LatestSubmissions(subs), nil
	if n := len(subs); n > 0 {
		at := subs[n-1].SubmittedAt
		r.SubmittedAt = &at
	}
}

// Respondent is the account answering a campaign: its id and its
// administration, which its response keeps.
type Respondent struct {
	ID             string
	Administration string
}

// ResponseState is what a change of a response is decided on, read in the
// transaction that writes it: the campaign's state, its questionnaire
// document, and the respondent's response as it is (Found false: none yet).
type ResponseState struct {
	CampaignStatus string
	ClosesAt       time.Time
	Document       *Document
	Found          bool
	Revision       int
	Draft          Answers
}

// ResponseChange is what a change of a response writes: the new working
// copy at the next revision; with Submit, also a submission of it, whose
// answer rows are Rows.
type ResponseChange struct {
	Answers Answers
	Submit  bool
	Rows    []AnswerRow
}

// AnyRevision is the If-Match "*": any current revision will do, but the
// response must exist (RFC 9110, section 13.1.1).
const AnyRevision = -1

// Submission is one immutable submitted revision of a response.
type Submission struct {
	ID          string
	Revision    int
	SubmittedBy string
	SubmittedAt time.Time
}

// ProgressRow is the state of one administration's responses.
type ProgressRow struct {
	Administration string
	Respondents    int // active respondent accounts of the administration
	Drafts         int // responses started and never submitted
	// PendingAmendments counts submitted responses saved again since their
	// last submission: the submitted answers count until it is submitted.
	PendingAmendments int
	Submitted         int // responses submitted at least once
	// LastSubmittedAt is the time of the administration's latest
	// submission to the campaign, nil if none.
	LastSubmittedAt *time.Time
}

// Progress is a campaign's progress per administration, with totals.
type Progress struct {
	Campaign string
	Rows     []ProgressRow
	Totals   ProgressRow
}

// ImportedResponse is a submitted response brought in from elsewhere (an
// earlier survey tool, a demo data set). Its respondent is named by a
// reference unique within the administration; an account that cannot log in
// is created for it.
type ImportedResponse struct {
	Administration string    `json:"administration"`
	Respondent     string    `json:"respondent"`
	SubmittedAt    time.Time `json:"submitted_at"`
	Answers        Answers   `json:"answers"`
}

// PreparedImport is an imported response checked like a submission and
// ready to be stored: its cleaned answers and their answer rows.
type PreparedImport struct {
	Administration string
	Respondent     string
	// Account is the respondent's account, found by its e-mail or created
	// as it is.
	Account     NewAccount
	SubmittedAt time.Time
	Answers     Answers
	Rows        []AnswerRow
}

// StoredAnswer is the answer to a request made with an Idempotency-Key, kept
// to be replayed to a retry.
type StoredAnswer struct {
	Status      int
	ContentType string
	ETag        string
	Location    string
	Body        []byte
}

// IdempotencyClaim is an Idempotency-Key already claimed by a principal:
// the hash of the request that claimed it, when, and the answer kept once
// that request completed (nil while it is in progress).
type IdempotencyClaim struct {
	RequestHash string
	ClaimedAt   time.Time
	Answer      *StoredAnswer
}

// StoredTime is t as the stores keep a time (UTC, to the microsecond, the
// precision of both databases), or nil for nil.
func StoredTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	at := t.UTC().Truncate(time.Microsecond)
	return &at
}
