package web

import "net/http"

var staffWords = map[string]map[string]string{"en": {}, "fr": {}}

func (s *server) staffCampaigns(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
func (s *server) campaignOverview(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
func (s *server) openCampaign(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
func (s *server) closeCampaign(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
func (s *server) progress(w http.ResponseWriter, r *http.Request, v *visitor) error { return errTodo }
func (s *server) questionnaireList(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
func (s *server) uploadQuestionnaire(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
func (s *server) userList(w http.ResponseWriter, r *http.Request, v *visitor) error   { return errTodo }
func (s *server) createUser(w http.ResponseWriter, r *http.Request, v *visitor) error { return errTodo }
