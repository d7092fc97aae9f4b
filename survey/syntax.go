package survey

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// excerptBefore and excerptAfter bound the excerpt of a syntax error
// message, in characters either side of the error: enough to recognise the
// place, too little to echo a document back.
const (
	excerptBefore = 30
	excerptAfter  = 30
)

// syntaxError explains why raw, which is not valid JSON, cannot be read:
// the decoder's reason, the line and column (both counted from 1, columns
// in characters) of the character where reading stopped, and an excerpt of
// that line around it. A document is written by hand, and "not valid JSON"
// alone leaves its author searching hundreds of lines for a missing comma.
func syntaxError(raw []byte) error {
	var tree any
	err := json.Unmarshal(raw, &tree)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return Errorf(ErrMalformed, "the questionnaire is not valid JSON")
	}
	pos := int(se.Offset) - 1 // the offending byte was the last one read
	if se.Offset >= int64(len(raw)) && strings.HasPrefix(se.Error(), "unexpected end") {
		pos = len(bytes.TrimRight(raw, " \t\r\n"))
	}
	pos = max(0, min(pos, len(raw)))
	line, column, excerpt := locate(raw, pos)
	msg := "the questionnaire is not valid JSON: line " + strconv.Itoa(line) + ", column " + strconv.Itoa(column) + ": " + se.Error()
	if excerpt != "" {
		msg += ", at: " + excerpt
	}
	return Errorf(ErrMalformed, "%s", msg)
}

// locate returns the line and column of byte pos of raw, and the excerpt of
// its line: at most excerptBefore characters before pos and excerptAfter
// from it, "…" marking a cut, white space trimmed, control characters shown
// as spaces and invalid UTF-8 as U+FFFD.
func locate(raw []byte, pos int) (line, column int, excerpt string) {
	start := bytes.LastIndexByte(raw[:pos], '\n') + 1
	end := bytes.IndexByte(raw[pos:], '\n')
	if end < 0 {
		end = len(raw)
	} else {
		end += pos
	}
	line = bytes.Count(raw[:start], []byte{'\n'}) + 1
	before := []rune(strings.ToValidUTF8(string(raw[start:pos]), "\uFFFD"))
	after := []rune(strings.ToValidUTF8(string(raw[pos:end]), "\uFFFD"))
	column = len(before) + 1

	head, tail := "", ""
	if len(before) > excerptBefore {
		before, head = before[len(before)-excerptBefore:], "…"
	}
	if len(after) > excerptAfter {
		after, tail = after[:excerptAfter], "…"
	}
	text := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, string(before)+string(after))
	text = strings.TrimSpace(text)
	if text == "" {
		return line, column, ""
	}
	return line, column, head + text + tail
}

// invalidUTF8 says where raw, which is not valid UTF-8, first breaks it:
// decoding would silently replace the bad bytes with U+FFFD, so a text
// would not be stored as it was written.
func invalidUTF8(raw []byte) error {
	pos := 0
	for pos < len(raw) {
		r, size := utf8.DecodeRune(raw[pos:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		pos += size
	}
	line, column, excerpt := locate(raw, pos)
	msg := "the questionnaire is not valid UTF-8: line " + strconv.Itoa(line) + ", column " + strconv.Itoa(column)
	if excerpt != "" {
		msg += ", at: " + excerpt
	}
	return Errorf(ErrMalformed, "%s", msg)
}
