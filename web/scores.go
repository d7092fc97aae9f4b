package web

import "net/http"

var scoresWords = map[string]map[string]string{"en": {}, "fr": {}}

func (s *server) scoresPage(w http.ResponseWriter, r *http.Request, v *visitor) error { return errTodo }
func (s *server) scoresDownload(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return errTodo
}
