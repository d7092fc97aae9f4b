package survey

// Code names the rule that a field breaks: the "code" of an entry of a
// problem's errors[]. Codes are part of the API contract (docs/problems.md):
// clients switch on them, so a code never changes meaning once published.
// Its only values are the Code variables of this file, the one place where
// codes are spelled, so that a misspelt code is a compile error.
type Code struct{ name string }

// String returns the code as clients read it.
func (c Code) String() string { return c.name }

// MarshalText writes the code as clients read it.
func (c Code) MarshalText() ([]byte, error) { return []byte(c.name), nil }

// The codes of FieldError.
var (
	// CodeUnknownField means a member the document format does not define,
	// typically a typo such as "requried".
	CodeUnknownField = Code{"unknown_field"}
	// CodeWrongType means a value of the wrong JSON type (a string where a
	// boolean belongs), or a number a 64-bit float cannot hold.
	CodeWrongType = Code{"wrong_type"}
	// CodeDuplicateKey means the same member name twice in one JSON object,
	// which ordinary decoding would silently resolve to the last one.
	CodeDuplicateKey = Code{"duplicate_key"}
	// CodeRequired means a member, list or answer that must be given is missing
	// or empty.
	CodeRequired = Code{"required"}
	// CodeInvalidKey means a key that does not match ^[a-z][a-z0-9_]{0,63}$.
	CodeInvalidKey = Code{"invalid_key"}
	// CodeNotAllowed means a value outside its allowed set, or a member that is
	// not allowed in this place (for example min on a text question).
	CodeNotAllowed = Code{"not_allowed"}
	// CodeOutOfRange means a number or length outside its bounds.
	CodeOutOfRange = Code{"out_of_range"}
	// CodeInvalidLanguage means a language that is not an ISO 639-1 code.
	CodeInvalidLanguage = Code{"invalid_language"}
	// CodeMissingDefaultLanguage means a text without the document's
	// default_language, which every fallback relies on.
	CodeMissingDefaultLanguage = Code{"missing_default_language"}
	// CodeDuplicate means a key or code that must be unique appears again; it is
	// reported at the second occurrence.
	CodeDuplicate = Code{"duplicate"}
	// CodeReservedKey: a question key that the responses export uses for
	// its own columns (ReservedQuestionKeys).
	CodeReservedKey = Code{"reserved_key"}
	// CodeUnknownQuestion means a reference to, or an answer for, a question the
	// questionnaire does not have.
	CodeUnknownQuestion = Code{"unknown_question"}
	// CodeUnknownOption means a reference to an option the question does not
	// have (in show_if, where or an indicator's options).
	CodeUnknownOption = Code{"unknown_option"}
	// CodeUnknownOptionSet means an options_ref naming no option set.
	CodeUnknownOptionSet = Code{"unknown_option_set"}
	// CodeForwardReference means a show_if naming the question itself or a later
	// one; visibility must be decidable in questionnaire order.
	CodeForwardReference = Code{"forward_reference"}
	// CodeNotAChoice means a show_if or where naming a question that is not a
	// single or multi choice question.
	CodeNotAChoice = Code{"not_a_choice"}
	// CodeMethodMismatch means an indicator whose method does not fit its
	// questions or options (docs/scoring.md, "Methods, in three steps").
	CodeMethodMismatch = Code{"method_mismatch"}
	// CodeInvalidYear means a target by_year key that is not a four-digit year.
	CodeInvalidYear = Code{"invalid_year"}
	// CodeNotAnOption means a choice answer that is not an option key of its
	// question.
	CodeNotAnOption = Code{"not_an_option"}
	// CodeDuplicateOption means the same option twice in a multi-choice answer.
	CodeDuplicateOption = Code{"duplicate_option"}
	// CodeNotAnInteger means a fractional answer to an integer number question.
	CodeNotAnInteger = Code{"not_an_integer"}
	// CodeTooLong means a text answer longer than the question's max_length (or
	// DefaultMaxTextLength), counted in characters.
	CodeTooLong = Code{"too_long"}
	// CodeInvalidText means a text (an answer, any string or member name of
	// a request body) that is not valid UTF-8 or contains a NUL character,
	// which storage and exports cannot carry faithfully.
	CodeInvalidText = Code{"invalid_text"}
	// CodeInvalidEmail means a value that is not an e-mail address.
	CodeInvalidEmail = Code{"invalid_email"}
	// CodeInvalidCode means an administration code that is not 2 to 8
	// upper-case letters or digits.
	CodeInvalidCode = Code{"invalid_code"}
	// CodeInvalidTime means a time that is not RFC 3339.
	CodeInvalidTime = Code{"invalid_time"}
	// CodeInvalidCursor means a paging cursor that no page handed out.
	CodeInvalidCursor = Code{"invalid_cursor"}
	// CodeInvalidCSV means a line of a CSV file that cannot be read as
	// one: a stray quote, or a number of fields other than the header's.
	CodeInvalidCSV = Code{"invalid_csv"}
	// CodeEmailTaken means an e-mail address that is already the address
	// of an account.
	CodeEmailTaken = Code{"email_taken"}
	// CodeWeakPassword means a password that fails the password policy.
	CodeWeakPassword = Code{"weak_password"}
	// CodeUnknownAdministration means an administration code that names no
	// administration.
	CodeUnknownAdministration = Code{"unknown_administration"}
	// CodeUnknownQuestionnaire means a questionnaire version that does not
	// exist.
	CodeUnknownQuestionnaire = Code{"unknown_questionnaire"}
	// CodeUnknownCampaign means a campaign key that names no campaign.
	CodeUnknownCampaign = Code{"unknown_campaign"}
	// CodeKeyMismatch means a document whose key is not the one in the
	// path.
	CodeKeyMismatch = Code{"key_mismatch"}
	// CodeNotInvited means an administration that the campaign does not
	// invite.
	CodeNotInvited = Code{"not_invited"}
	// CodeIdempotencyKeyReused means an Idempotency-Key already used for a
	// different request.
	CodeIdempotencyKeyReused = Code{"idempotency_key_reused"}
	// CodeWrongPassword means a current password that is not the account's.
	CodeWrongPassword = Code{"wrong_password"}
)

// ReservedQuestionKeys are the first columns of every responses export; a
// question with one of these keys would collide with them.
var ReservedQuestionKeys = map[string]bool{"response_id": true, "administration": true, "submitted_at": true}
