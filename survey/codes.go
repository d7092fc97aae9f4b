package survey

// Codes of FieldError. They are part of the API contract (API.md, "Errors"):
// clients switch on them, so a code never changes meaning once published.
const (
	// CodeUnknownField means a member the document format does not define,
	// typically a typo such as "requried".
	CodeUnknownField = "unknown_field"
	// CodeWrongType means a value of the wrong JSON type (a string where a
	// boolean belongs), or a number a 64-bit float cannot hold.
	CodeWrongType = "wrong_type"
	// CodeDuplicateKey means the same member name twice in one JSON object,
	// which ordinary decoding would silently resolve to the last one.
	CodeDuplicateKey = "duplicate_key"
	// CodeRequired means a member, list or answer that must be given is missing
	// or empty.
	CodeRequired = "required"
	// CodeInvalidKey means a key that does not match ^[a-z][a-z0-9_]{0,63}$.
	CodeInvalidKey = "invalid_key"
	// CodeNotAllowed means a value outside its allowed set, or a member that is
	// not allowed in this place (for example min on a text question).
	CodeNotAllowed = "not_allowed"
	// CodeOutOfRange means a number or length outside its bounds.
	CodeOutOfRange = "out_of_range"
	// CodeInvalidLanguage means a language that is not an ISO 639-1 code.
	CodeInvalidLanguage = "invalid_language"
	// CodeMissingDefaultLanguage means a text without the document's
	// default_language, which every fallback relies on.
	CodeMissingDefaultLanguage = "missing_default_language"
	// CodeDuplicate means a key or code that must be unique appears again; it is
	// reported at the second occurrence.
	CodeDuplicate = "duplicate"
	// CodeReservedKey: a question key that the responses export uses for
	// its own columns (ReservedQuestionKeys).
	CodeReservedKey = "reserved_key"
	// CodeUnknownQuestion means a reference to, or an answer for, a question the
	// questionnaire does not have.
	CodeUnknownQuestion = "unknown_question"
	// CodeUnknownOption means a reference to an option the question does not
	// have (in show_if, where or an indicator's options).
	CodeUnknownOption = "unknown_option"
	// CodeUnknownOptionSet means an options_ref naming no option set.
	CodeUnknownOptionSet = "unknown_option_set"
	// CodeForwardReference means a show_if naming the question itself or a later
	// one; visibility must be decidable in questionnaire order.
	CodeForwardReference = "forward_reference"
	// CodeNotAChoice means a show_if or where naming a question that is not a
	// single or multi choice question.
	CodeNotAChoice = "not_a_choice"
	// CodeMethodMismatch means an indicator whose method does not fit its
	// questions or options (SCORING.md, "Methods").
	CodeMethodMismatch = "method_mismatch"
	// CodeInvalidYear means a target by_year key that is not a four-digit year.
	CodeInvalidYear = "invalid_year"
	// CodeNotAnOption means a choice answer that is not an option key of its
	// question.
	CodeNotAnOption = "not_an_option"
	// CodeDuplicateOption means the same option twice in a multi-choice answer.
	CodeDuplicateOption = "duplicate_option"
	// CodeNotAnInteger means a fractional answer to an integer number question.
	CodeNotAnInteger = "not_an_integer"
	// CodeTooLong means a text answer longer than the question's max_length (or
	// DefaultMaxTextLength), counted in characters.
	CodeTooLong = "too_long"
	// CodeInvalidText means a text (an answer, any string or member name of
	// a request body) that is not valid UTF-8 or contains a NUL character,
	// which storage and exports cannot carry faithfully.
	CodeInvalidText = "invalid_text"
)

// ReservedQuestionKeys are the first columns of every responses export; a
// question with one of these keys would collide with them.
var ReservedQuestionKeys = map[string]bool{"response_id": true, "administration": true, "submitted_at": true}
