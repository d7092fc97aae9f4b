package web

import (
	"net/http"

	"github.com/customs-survey/surveyd/survey"
)

var respondWords = map[string]map[string]string{"en": {}, "fr": {}}

var errTodo = survey.Errorf(survey.ErrNotFound, "not built yet")

func (s *server) respondentCampaigns(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
func (s *server) responseForm(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
func (s *server) saveResponse(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
func (s *server) checkAnswers(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
func (s *server) submitResponse(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
func (s *server) receipt(w http.ResponseWriter, r *http.Request, v *visitor) error { return errTodo }
