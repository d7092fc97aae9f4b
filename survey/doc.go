// Package survey is the vocabulary of the Customs programme survey service,
// shared by the use case packages (users, questionnaires, campaigns,
// responding, scores), the store and the api: questionnaires as Commission
// staff write them, the answers national customs administrations give to
// them, the rules that decide whether either is acceptable, the domain's
// types and errors, what a caller may see (Scope) and what scoring reads of
// a campaign (Tally).
//
// A questionnaire is a JSON document (docs/api.md, "Questionnaire document")
// of sections, questions, option sets and the indicators (docs/scoring.md)
// that the annual progress report publishes. ParseDocument turns raw JSON
// into a Document and reports every problem at once, each under its JSON
// path, so that an author can fix a whole draft in one round trip. Localize gives
// respondents the same document in one language.
//
// Answers are checked twice: loosely while a respondent saves a draft
// (CheckAnswers: whatever is given must be well typed) and strictly at
// submission (PrepareSubmission: answers to questions hidden by show_if are
// dropped, required questions must be answered), which also produces the
// AnswerRows the database aggregates.
//
// The package handles no HTTP and no storage: problems are reported as the
// sentinel errors and the ValidationError of errors.go, which the api
// package maps to problem documents, and the store package keeps its own row
// types. Some of its plain data types do carry facts of an HTTP exchange,
// for the packages on either side to pass between them: StoredAnswer is the
// answer kept for a request made with an Idempotency-Key (status, content
// type, ETag, Location and body, replayed by api and kept by store), and an
// AuditEvent holds the answer's status, the client's address and the request
// id.
package survey
