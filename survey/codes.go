package survey

// Codes of FieldError. They are part of the API contract (API.md, "Errors"):
// clients switch on them, so a code never changes meaning once published.
const (
	// CodeUnknownField: a member the document format does not define,
	// typically a typo such as "requried".
	CodeUnknownField = "unknown_field"
	// CodeWrongType: a value of the wrong JSON type (a string where a
	// boolean belongs), or a number a 64-bit float cannot hold.
	CodeWrongType = "wrong_type"
	// CodeDuplicateKey: the same member name twice in one JSON object, which
	// ordinary decoding would silently resolve to the last one.
	CodeDuplicateKey = "duplicate_key"
	// CodeRequired: a member, list or answer that must be given is missing
	// or empty.
	CodeRequired = "required"
	// CodeInvalidKey: a key that does not match ^[a-z][a-z0-9_]{0,63}$.
	CodeInvalidKey = "invalid_key"
	// CodeNotAllowed: a value outside its allowed set, or a member that is
	// not allowed in this place (for example min on a text question).
	CodeNotAllowed = "not_allowed"
	// CodeOutOfRange: a number or length outside its bounds.
	CodeOutOfRange = "out_of_range"
	// CodeInvalidLanguage: a language that is not an ISO 639-1 code.
	CodeInvalidLanguage = "invalid_language"
	// CodeMissingDefaultLanguage: a text without the document's
	// default_language, which every fallback relies on.
	CodeMissingDefaultLanguage = "missing_default_language"
	// CodeDuplicate: a key or code that must be unique appears again; it is
	// reported at the second occurrence.
	CodeDuplicate = "duplicate"
	// CodeUnknownQuestion: a reference to, or an answer for, a question the
	// questionnaire does not have.
	CodeUnknownQuestion = "unknown_question"
	// CodeUnknownOption: a reference to an option the question does not
	// have (in show_if, where or an indicator's options).
	CodeUnknownOption = "unknown_option"
	// CodeUnknownOptionSet: an options_ref naming no option set.
	CodeUnknownOptionSet = "unknown_option_set"
	// CodeForwardReference: a show_if naming the question itself or a later
	// one; visibility must be decidable in questionnaire order.
	CodeForwardReference = "forward_reference"
	// CodeNotAChoice: a show_if or where naming a question that is not a
	// single or multi choice question.
	CodeNotAChoice = "not_a_choice"
	// CodeMethodMismatch: an indicator whose method does not fit its
	// questions or options (SCORING.md, "Methods").
	CodeMethodMismatch = "method_mismatch"
	// CodeInvalidYear: a target by_year key that is not a four-digit year.
	CodeInvalidYear = "invalid_year"
	// CodeNotAnOption: a choice answer that is not an option key of its
	// question.
	CodeNotAnOption = "not_an_option"
	// CodeDuplicateOption: the same option twice in a multi-choice answer.
	CodeDuplicateOption = "duplicate_option"
	// CodeNotAnInteger: a fractional answer to an integer number question.
	CodeNotAnInteger = "not_an_integer"
	// CodeTooLong: a text answer longer than the question's max_length (or
	// DefaultMaxTextLength), counted in characters.
	CodeTooLong = "too_long"
	// CodeInvalidText: a text answer that is not valid UTF-8 or contains a
	// NUL character, which storage and exports cannot carry faithfully.
	CodeInvalidText = "invalid_text"
)
