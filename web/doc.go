// Package web serves the service's pages, next to the JSON API and from the
// same binary: respondents answer their administration's campaigns in a
// browser, coordinators follow their administration, Commission staff run
// campaigns and read the indicators. The pages are a second client of the
// same use cases as the API (users, questionnaires, campaigns, responding,
// scores): no rule of access, validation or scoring is written here.
//
// Pages are html/template, embedded with a small stylesheet and a small
// script; every page works without the script, which only enhances
// (conditional questions, a warning before leaving unsaved changes). A
// strict Content-Security-Policy forbids inline script and style. Browsers
// sign in to a server-side session (auth.SignIn) behind an HttpOnly,
// SameSite cookie; every form post carries the session's CSRF token.
//
// The package uses net/http only; package api mounts it for every path
// outside /api/ (api.Deps.Pages), behind the API's logging, request ids,
// panic recovery and body limit.
package web
