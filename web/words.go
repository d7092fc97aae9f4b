package web

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// The interface's own words (buttons, headings, messages) per language.
// English is complete; another language falls back to English word by word
// (TestWordsAreTranslated keeps French complete). The questionnaire's own
// texts come from its document, in the language the person chose.
//
// Each part of the pages keeps its words beside it (words_*.go); catalogue
// merges them.
var catalogue = sync.OnceValue(func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, part := range []map[string]map[string]string{commonWords, respondWords, staffWords, scoresWords} {
		for lang, words := range part {
			if out[lang] == nil {
				out[lang] = map[string]string{}
			}
			for k, w := range words {
				if _, dup := out[lang][k]; dup {
					panic("web: the word " + k + " is defined twice")
				}
				out[lang][k] = w
			}
		}
	}
	return out
})

// languages are the languages of the interface, the first the default.
var languages = []string{"en", "fr"}

// languageCookie keeps the language a visitor chose.
const languageCookie = "surveyd_lang"

// translate returns the words for key in lang, else in English, formatted
// with args; an unknown key shows as itself, so that a missing word is
// visible (and TestTemplatesUseKnownWords fails).
func translate(lang, key string, args ...any) string {
	w, ok := catalogue()[lang][key]
	if !ok {
		if w, ok = catalogue()["en"][key]; !ok {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(w, args...)
	}
	return w
}

// chooseLanguage is the language of the interface for a request: the one
// asked for with ?lang= (then remembered in a cookie), else the remembered
// one, else the first of the browser's Accept-Language that the interface
// speaks, else English. A ?lang= the interface does not speak (a
// questionnaire's language, say) leaves the interface as it was.
func chooseLanguage(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); speaks(l) {
		http.SetCookie(w, &http.Cookie{Name: languageCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		return l
	}
	if c, err := r.Cookie(languageCookie); err == nil && speaks(c.Value) {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if speaks(base) {
			return base
		}
	}
	return languages[0]
}

func speaks(lang string) bool {
	for _, l := range languages {
		if l == lang {
			return true
		}
	}
	return false
}

// commonWords are the words of the layout, the login page and the error
// pages.
var commonWords = map[string]map[string]string{
	"en": {
		"service.name":       "EU Customs programme survey",
		"skip":               "Skip to main content",
		"nav.label":          "Main menu",
		"nav.campaigns":      "Campaigns",
		"nav.questionnaires": "Questionnaires",
		"nav.users":          "Users",
		"nav.signed_in_as":   "Signed in as %s",
		"nav.logout":         "Sign out",
		"nav.language":       "Language",
		"login.title":        "Sign in",
		"login.email":        "E-mail address",
		"login.password":     "Password",
		"login.submit":       "Sign in",
		"login.wrong":        "The e-mail address or the password is wrong",
		"login.busy":         "The service is busy: try again in a moment",
		"problem.title":      "There is a problem",
		"error.prefix":       "Error:",
		"error.not_found":    "Page not found",
		"error.no_page":      "There is no such page, or it is not yours to see.",
		"error.forbidden":    "Not allowed",
		"error.conflict":     "This cannot be done now",
		"error.signed_out":   "You are signed out",
		"error.unavailable":  "The service is unavailable",
		"error.internal":     "Something went wrong",
		"error.try_later":    "Please try again later. If it happens again, tell your contact and give them this reference: %s",
		"error.back":         "Go to your campaigns",
		"error.sign_in":      "Sign in again",

		"login.throttled_until":     "Too many failed attempts. Try again at %s",
		"password.title":            "Change your password",
		"password.required":         "Your password was reset. Choose a new password before you continue.",
		"password.current":          "Current password",
		"password.current_one_time": "One-time password you were given",
		"password.new":              "New password",
		"password.new_hint":         "At least %d characters.",
		"password.confirm":          "New password again",
		"password.submit":           "Change password",
		"password.current.required": "Enter your current password",
		"password.current.wrong":    "The current password is wrong",
		"password.new.required":     "Enter a new password",
		"password.confirm.mismatch": "Enter the same new password twice",
	},
	"fr": {
		"service.name":       "Enquête du programme Douane de l'UE",
		"skip":               "Aller au contenu principal",
		"nav.label":          "Menu principal",
		"nav.campaigns":      "Campagnes",
		"nav.questionnaires": "Questionnaires",
		"nav.users":          "Utilisateurs",
		"nav.signed_in_as":   "Connecté en tant que %s",
		"nav.logout":         "Se déconnecter",
		"nav.language":       "Langue",
		"login.title":        "Se connecter",
		"login.email":        "Adresse électronique",
		"login.password":     "Mot de passe",
		"login.submit":       "Se connecter",
		"login.wrong":        "L'adresse électronique ou le mot de passe est incorrect",
		"login.busy":         "Le service est occupé : réessayez dans un instant",
		"problem.title":      "Il y a un problème",
		"error.prefix":       "Erreur :",
		"error.not_found":    "Page introuvable",
		"error.no_page":      "Cette page n'existe pas, ou vous n'y avez pas accès.",
		"error.forbidden":    "Non autorisé",
		"error.conflict":     "Impossible pour le moment",
		"error.signed_out":   "Vous êtes déconnecté",
		"error.unavailable":  "Le service est indisponible",
		"error.internal":     "Une erreur s'est produite",
		"error.try_later":    "Veuillez réessayer plus tard. Si cela se reproduit, signalez-le en donnant cette référence : %s",
		"error.back":         "Aller à vos campagnes",
		"error.sign_in":      "Se reconnecter",

		"login.throttled_until":     "Trop de tentatives échouées. Réessayez à %s",
		"password.title":            "Changer votre mot de passe",
		"password.required":         "Votre mot de passe a été réinitialisé. Choisissez un nouveau mot de passe avant de continuer.",
		"password.current":          "Mot de passe actuel",
		"password.current_one_time": "Mot de passe à usage unique qui vous a été remis",
		"password.new":              "Nouveau mot de passe",
		"password.new_hint":         "Au moins %d caractères.",
		"password.confirm":          "Nouveau mot de passe, une seconde fois",
		"password.submit":           "Changer le mot de passe",
		"password.current.required": "Saisissez votre mot de passe actuel",
		"password.current.wrong":    "Le mot de passe actuel est incorrect",
		"password.new.required":     "Saisissez un nouveau mot de passe",
		"password.confirm.mismatch": "Saisissez deux fois le même nouveau mot de passe",
	},
}
