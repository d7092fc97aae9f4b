// Package questionnaires holds the rules of writing questionnaires:
// versions are created as drafts, edited while they are drafts, published
// once, and never changed after; a new version starts as a copy of the
// latest published one. Documents arrive already parsed and validated
// (survey.ParseDocument). Versions are kept through a Store, which package
// store implements and internal/memstore fakes.
package questionnaires

import (
	"context"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// Store is the persistence of questionnaire versions. Every method may also
// return an error of the store (unavailable database, ...).
type Store interface {
	// CreateQuestionnaire stores doc as version 1 of its key, a draft.
	// Errors: ErrConflict (the key exists).
	CreateQuestionnaire(ctx context.Context, by string, doc *survey.Document) (survey.Questionnaire, error)
	// Questionnaires lists the latest version of every questionnaire, by
	// key (the sort key of its pages, compared byte by byte): the page
	// that page selects, the whole list for the zero PageRequest.
	Questionnaires(ctx context.Context, page survey.PageRequest) ([]survey.Questionnaire, error)
	// Questionnaire returns one version; version 0 means the latest.
	// Errors: ErrNotFound.
	Questionnaire(ctx context.Context, key string, version int) (survey.Questionnaire, error)
	// UpdateQuestionnaire replaces the document of a version if it is
	// still a draft, and PublishQuestionnaire publishes it if it is.
	// Errors: ErrNotFound, ErrConflict (not a draft any more).
	UpdateQuestionnaire(ctx context.Context, key string, version int, doc *survey.Document) (survey.Questionnaire, error)
	PublishQuestionnaire(ctx context.Context, key string, version int) (survey.Questionnaire, error)
	// AddQuestionnaireVersion stores a copy of version from as version
	// from+1, a draft.
	// Errors: ErrNotFound, ErrConflict (version from+1 exists).
	AddQuestionnaireVersion(ctx context.Context, by, key string, from int) (survey.Questionnaire, error)
}

// Service is the writing of questionnaires on behalf of Commission staff:
// every method refuses any other role (ErrForbidden).
type Service struct {
	store Store
}

// New returns the service over st.
func New(st Store) *Service { return &Service{store: st} }

// Create stores a new questionnaire's document as version 1, a draft.
// Errors: ErrForbidden, ErrConflict when the key exists.
func (s *Service) Create(ctx context.Context, by auth.Principal, doc *survey.Document) (survey.Questionnaire, error) {
	if err := staffOnly(by); err != nil {
		return survey.Questionnaire{}, err
	}
	return s.store.CreateQuestionnaire(ctx, by.UserID, doc)
}

// List returns the latest version of every questionnaire, by key.
func (s *Service) List(ctx context.Context, by auth.Principal) ([]survey.Questionnaire, error) {
	return s.ListPage(ctx, by, survey.PageRequest{})
}

// ListPage returns one page of List: the questionnaires after page.After
// (a key), at most page.Limit of them.
func (s *Service) ListPage(ctx context.Context, by auth.Principal, page survey.PageRequest) ([]survey.Questionnaire, error) {
	if err := staffOnly(by); err != nil {
		return nil, err
	}
	return s.store.Questionnaires(ctx, page)
}

// Get returns one version; version 0 means the latest.
// Errors: ErrNotFound.
func (s *Service) Get(ctx context.Context, by auth.Principal, key string, version int) (survey.Questionnaire, error) {
	if err := staffOnly(by); err != nil {
		return survey.Questionnaire{}, err
	}
	return s.store.Questionnaire(ctx, key, version)
}

// CheckEditable fails unless the version exists and is a draft: a published
// version never changes, whatever the new document would be, so this is
// asked before the document is read.
// Errors: ErrNotFound, ErrConflict.
func (s *Service) CheckEditable(ctx context.Context, by auth.Principal, key string, version int) error {
	q, err := s.Get(ctx, by, key, version)
	if err != nil {
		return err
	}
	if q.Status != survey.StatusDraft {
		return survey.Errorf(survey.ErrConflict, "questionnaire %s version %d is published and cannot change; add a version", key, version)
	}
	return nil
}

// Update replaces the document of a draft version; the document keeps the
// key of the path.
// Errors: *ValidationError (key changed), ErrNotFound, ErrConflict
// (published, also if it was published meanwhile).
func (s *Service) Update(ctx context.Context, by auth.Principal, key string, version int, doc *survey.Document) (survey.Questionnaire, error) {
	if err := staffOnly(by); err != nil {
		return survey.Questionnaire{}, err
	}
	if doc.Key != key {
		return survey.Questionnaire{}, survey.Invalid("key", survey.CodeKeyMismatch, "the document's key must be %q, the key in the path", key)
	}
	if err := s.CheckEditable(ctx, by, key, version); err != nil {
		return survey.Questionnaire{}, err
	}
	return s.store.UpdateQuestionnaire(ctx, key, version, doc)
}

// Publish makes a draft version immutable.
// Errors: ErrNotFound, ErrConflict (already published).
func (s *Service) Publish(ctx context.Context, by auth.Principal, key string, version int) (survey.Questionnaire, error) {
	q, err := s.Get(ctx, by, key, version)
	if err != nil {
		return q, err
	}
	if q.Status != survey.StatusDraft {
		return survey.Questionnaire{}, survey.Errorf(survey.ErrConflict, "questionnaire %s version %d is already published", key, version)
	}
	return s.store.PublishQuestionnaire(ctx, key, version)
}

// AddVersion adds a draft version copied from the latest one, which must be
// published: there is one draft at a time.
// Errors: ErrNotFound, ErrConflict.
func (s *Service) AddVersion(ctx context.Context, by auth.Principal, key string) (survey.Questionnaire, error) {
	latest, err := s.Get(ctx, by, key, 0)
	if err != nil {
		return latest, err
	}
	if latest.Status == survey.StatusDraft {
		return survey.Questionnaire{}, survey.Errorf(survey.ErrConflict, "version %d of questionnaire %s is still a draft: edit it instead", latest.Version, key)
	}
	return s.store.AddQuestionnaireVersion(ctx, by.UserID, key, latest.Version)
}

// staffOnly lets admins, Commission staff, write and read questionnaires.
func staffOnly(by auth.Principal) error {
	if by.Role != auth.RoleAdmin {
		return survey.Errorf(survey.ErrForbidden, "only admins work on questionnaires")
	}
	return nil
}
