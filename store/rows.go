package store

import "time"

// GORM row types. They mirror the migrations and never leave this package.

type settingRow struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

func (settingRow) TableName() string { return "settings" }

type administrationRow struct {
	Code      string `gorm:"primaryKey"`
	Name      string
	CreatedAt time.Time
}

func (administrationRow) TableName() string { return "administrations" }

type userRow struct {
	ID                 string `gorm:"primaryKey"`
	Email              string
	PasswordHash       string
	Role               string
	AdministrationCode *string
	PasswordChangedAt  time.Time
	DisabledAt         *time.Time
	TokensValidAfter   *time.Time
	CreatedAt          time.Time
}

func (userRow) TableName() string { return "users" }

type refreshTokenRow struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    string
	FamilyID  string
	TokenHash string
	ExpiresAt time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

func (refreshTokenRow) TableName() string { return "refresh_tokens" }

type revokedAccessTokenRow struct {
	JTI       string `gorm:"column:jti;primaryKey"`
	ExpiresAt time.Time
}

func (revokedAccessTokenRow) TableName() string { return "revoked_access_tokens" }

type loginFailureRow struct {
	ID       int64 `gorm:"primaryKey"`
	Scope    string
	FailedAt time.Time
}

func (loginFailureRow) TableName() string { return "login_failures" }

type questionnaireRow struct {
	ID          int64 `gorm:"primaryKey"`
	Key         string
	Version     int
	Status      string
	Document    string
	CreatedBy   *string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
}

func (questionnaireRow) TableName() string { return "questionnaires" }

type campaignRow struct {
	ID                 int64 `gorm:"primaryKey"`
	Key                string
	Year               int
	QuestionnaireID    int64
	OpensAt            time.Time
	ClosesAt           time.Time
	PreviousCampaignID *int64
	MinCellSize        int
	Status             string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	Title              string
	Revision           int
	LastClosedAt       *time.Time
	ReopenedAt         *time.Time
	ReopenReason       string
}

func (campaignRow) TableName() string { return "campaigns" }

type campaignAdministrationRow struct {
	CampaignID         int64  `gorm:"primaryKey"`
	AdministrationCode string `gorm:"primaryKey"`
}

func (campaignAdministrationRow) TableName() string { return "campaign_administrations" }

type responseRow struct {
	ID                  string `gorm:"primaryKey"`
	CampaignID          int64
	RespondentID        string
	AdministrationCode  string
	Revision            int
	DraftAnswers        string
	Pending             bool
	CurrentSubmissionID *string
	FirstSubmittedAt    *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (responseRow) TableName() string { return "responses" }

type submissionRow struct {
	ID          string `gorm:"primaryKey"`
	ResponseID  string
	Revision    int
	SubmittedBy string
	SubmittedAt time.Time
	Answers     string
}

func (submissionRow) TableName() string { return "submissions" }

type answerRow struct {
	ID           int64 `gorm:"primaryKey"`
	SubmissionID string
	QuestionKey  string
	OptionKey    *string
	Score        *float64
	NullScore    bool
	NumberValue  *float64
	TextValue    *string
}

func (answerRow) TableName() string { return "answers" }

// nullString stores an empty string as NULL.
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// emptyIfNull reads a NULL column as an empty string.
func emptyIfNull(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
