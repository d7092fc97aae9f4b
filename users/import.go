package users

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// MaxImport is the most accounts one import creates: each gets a one-time
// password hashed with argon2id, a few tens of milliseconds apiece, so
// that an import of MaxImport accounts stays within a minute or so.
const MaxImport = 1000

// ImportLine is one account of an import file: its line number in the
// file (the header is line 1) and its columns, as read.
type ImportLine struct {
	Line           int
	Email          string `json:"email" validate:"required,email,max=254"`
	Role           string `json:"role" validate:"required,role"`
	Administration string `json:"administration" validate:"omitempty,admin_code"`
}

// Imported is an account an import created, with its one-time password,
// shown this once (only its hash is kept).
type Imported struct {
	Line            int
	User            survey.User
	OneTimePassword string
}

// ImportResult is the outcome of an import: every account created, in the
// order of the file, and when their one-time passwords expire.
type ImportResult struct {
	Accounts  []Imported
	ExpiresAt time.Time
}

// Import creates the accounts of lines on behalf of by, all or none, in
// one transaction. Admins may import any account; coordinators only
// respondents of their own administration (an empty administration is
// theirs). No password comes with an account: each gets a one-time
// password (auth.NewOneTimePassword), accepted for
// auth.OneTimePasswordLifetime, with which its holder signs in once and
// must choose a password before anything else, as after a reset.
//
// Every bad line is reported at once, as a *ValidationError whose fields
// are "line.<n>.<column>" (see ImportField), and then nothing is created:
// a broken rule of a column, an administration that does not exist, an
// e-mail given twice in the file (reported at the second line) or already
// an account's. progress, when not nil, is told of each password hashed,
// the slow part.
// Errors: ErrForbidden (a role other than admin or coordinator),
// *ValidationError, ErrConflict (an e-mail taken meanwhile by someone
// else's creation), passwords.ErrBusy.
func (s *Service) Import(ctx context.Context, by auth.Principal, lines []ImportLine, progress func(done, total int)) (ImportResult, error) {
	return s.importLines(ctx, by, lines, &survey.ValidationError{}, progress)
}

// ImportCSV is Import of the lines of a file that ReadImportCSV reads: the
// lines of the wrong shape are reported together with the bad lines among
// the others, in the order of the file.
func (s *Service) ImportCSV(ctx context.Context, by auth.Principal, r io.Reader, progress func(done, total int)) (ImportResult, error) {
	if by.Role != auth.RoleAdmin && by.Role != auth.RoleCoordinator {
		return ImportResult{}, survey.Errorf(survey.ErrForbidden, "your role may not create users")
	}
	lines, err := ReadImportCSV(r)
	v := &survey.ValidationError{}
	if err != nil && (!errors.As(err, &v) || lines == nil) {
		return ImportResult{}, err
	}
	return s.importLines(ctx, by, lines, v, progress)
}

// importLines is Import, v holding the problems found so far.
func (s *Service) importLines(ctx context.Context, by auth.Principal, lines []ImportLine, v *survey.ValidationError, progress func(done, total int)) (ImportResult, error) {
	if by.Role != auth.RoleAdmin && by.Role != auth.RoleCoordinator {
		return ImportResult{}, survey.Errorf(survey.ErrForbidden, "your role may not create users")
	}
	lines = slices.Clone(lines)
	if len(lines) == 0 && len(v.Errors) == 0 {
		v.Add("line.2", survey.CodeRequired, "the file has no account after its header")
	}
	if len(lines) > MaxImport {
		v.Add(ImportField(lines[MaxImport].Line, ""), survey.CodeOutOfRange, "an import creates at most %d accounts", MaxImport)
	}
	if err := s.checkImportLines(ctx, by, lines, v); err != nil {
		return ImportResult{}, err
	}
	if err := v.Err(); err != nil {
		slices.SortStableFunc(v.Errors, func(a, b survey.FieldError) int { return importLineOf(a.Field) - importLineOf(b.Field) })
		return ImportResult{}, err
	}
	accounts := make([]survey.NewAccount, len(lines))
	plain := make([]string, len(lines))
	for i, l := range lines {
		p, hash, err := auth.NewOneTimePassword(ctx)
		if err != nil {
			return ImportResult{}, err
		}
		plain[i] = p
		accounts[i] = survey.NewAccount{Email: l.Email, PasswordHash: hash, Role: l.Role, Administration: l.Administration}
		if progress != nil {
			progress(i+1, len(lines))
		}
	}
	created, expires, err := s.store.ImportUsers(ctx, accounts, auth.OneTimePasswordLifetime)
	if errors.Is(err, survey.ErrConflict) {
		// An e-mail was taken since it was checked: say which, if so.
		if terr := s.checkTaken(ctx, lines, v); terr != nil {
			return ImportResult{}, terr
		}
		if verr := v.Err(); verr != nil {
			return ImportResult{}, verr
		}
	}
	if err != nil {
		return ImportResult{}, err
	}
	out := ImportResult{Accounts: make([]Imported, len(created)), ExpiresAt: expires}
	for i, u := range created {
		out.Accounts[i] = Imported{Line: lines[i].Line, User: u, OneTimePassword: plain[i]}
	}
	return out, nil
}

// ImportField names a column of a line of an import file in a problem:
// "line.3.email", or "line.3" for the whole line.
func ImportField(line int, column string) string {
	if column == "" {
		return fmt.Sprintf("line.%d", line)
	}
	return fmt.Sprintf("line.%d.%s", line, column)
}

// importLineOf is the line number of a field of ImportField.
func importLineOf(field string) int {
	var n int
	fmt.Sscanf(field, "line.%d", &n)
	return n
}

// checkImportLines applies the rules of Import to every line, normalising
// e-mails and filling in a coordinator's administration, and adds each
// problem to v.
func (s *Service) checkImportLines(ctx context.Context, by auth.Principal, lines []ImportLine, v *survey.ValidationError) error {
	firstLine := map[string]int{} // e-mail → the line that gave it first
	administrations := map[string]error{}
	for i := range lines {
		l := &lines[i]
		if by.Role == auth.RoleCoordinator && l.Administration == "" {
			l.Administration = by.Administration
		}
		add := func(column string, code survey.Code, format string, args ...any) {
			v.Add(ImportField(l.Line, column), code, format, args...)
		}
		var invalid *survey.ValidationError
		if err := survey.CheckRules(l); errors.As(err, &invalid) {
			for _, fe := range invalid.Errors {
				add(fe.Field, fe.Code, "%s", fe.Message)
			}
			continue
		} else if err != nil {
			return err
		}
		if err := membershipRule(l.Role, l.Administration); errors.As(err, &invalid) {
			for _, fe := range invalid.Errors {
				add(fe.Field, fe.Code, "%s", fe.Message)
			}
			continue
		}
		if by.Role == auth.RoleCoordinator {
			if l.Role != string(auth.RoleRespondent) {
				add("role", survey.CodeNotAllowed, "coordinators may import only respondents")
			}
			if l.Administration != by.Administration {
				add("administration", survey.CodeNotAllowed, "coordinators may import only accounts of their own administration, %s", by.Administration)
			}
		}
		if l.Administration != "" {
			known, seen := administrations[l.Administration]
			if !seen {
				known = s.checkAdministration(ctx, l.Administration)
				if err := known; err != nil && !errors.As(err, &invalid) {
					return err
				}
				administrations[l.Administration] = known
			}
			if known != nil {
				add("administration", survey.CodeUnknownAdministration, "no administration has code %q", l.Administration)
			}
		}
		l.Email = auth.NormalizeEmail(l.Email)
		if first, ok := firstLine[l.Email]; ok {
			add("email", survey.CodeDuplicate, "is also the e-mail of line %d", first)
		} else {
			firstLine[l.Email] = l.Line
		}
	}
	return s.checkTaken(ctx, lines, v)
}

// checkTaken adds to v the lines whose e-mail is already an account's.
func (s *Service) checkTaken(ctx context.Context, lines []ImportLine, v *survey.ValidationError) error {
	emails := make([]string, len(lines))
	for i, l := range lines {
		emails[i] = auth.NormalizeEmail(l.Email)
	}
	taken, err := s.store.TakenEmails(ctx, emails)
	if err != nil {
		return err
	}
	for i, l := range lines {
		if slices.Contains(taken, emails[i]) {
			v.Add(ImportField(l.Line, "email"), survey.CodeEmailTaken, "is already the e-mail of an account")
		}
	}
	return nil
}

// importColumns are the columns an import file may have; email and role
// are required. A password column is refused: passwords travel in no file.
var importColumns = []string{"email", "role", "administration"}

// ReadImportCSV reads an import file: UTF-8 CSV (RFC 4180, a leading
// byte-order mark allowed) whose first line names the columns (email,
// role, administration, in any order, case and spaces ignored) and each
// other line one account; blank lines are skipped. Every problem of the
// file's shape is reported at once as a *ValidationError (fields
// "line.<n>" or "line.<n>.<column>"), up to the first line that is not
// CSV at all, after which nothing can be read reliably.
func ReadImportCSV(r io.Reader) ([]ImportLine, error) {
	cr := csv.NewReader(skipBOM(r))
	cr.FieldsPerRecord = -1
	v := &survey.ValidationError{}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, survey.Invalid("line.1", survey.CodeRequired, "the file is empty; its first line must name the columns: %s", strings.Join(importColumns, ","))
	}
	if err != nil {
		return nil, csvError(err)
	}
	index := map[string]int{}
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(name))
		_, twice := index[name]
		switch {
		case name == "password":
			v.Add(ImportField(1, name), survey.CodeNotAllowed, "an import takes no passwords: each account gets a one-time password, shown once")
		case !slices.Contains(importColumns, name):
			v.Add(ImportField(1, name), survey.CodeUnknownField, "is not a column of an import; the columns are %s", strings.Join(importColumns, ","))
		case twice:
			v.Add(ImportField(1, name), survey.CodeDuplicate, "names a column twice")
		default:
			index[name] = i
		}
	}
	for _, name := range importColumns[:2] {
		if _, ok := index[name]; !ok {
			v.Add(ImportField(1, name), survey.CodeRequired, "the header must name the column %s", name)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var lines []ImportLine
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if err != nil && !errors.Is(err, csv.ErrFieldCount) {
			if !errors.As(err, &pe) {
				return nil, err
			}
			v.Add(ImportField(pe.Line, ""), survey.CodeInvalidCSV, "is not CSV: %s (column %d)", pe.Err, pe.Column)
			break
		}
		n, _ := cr.FieldPos(0)
		if len(record) != len(header) {
			v.Add(ImportField(n, ""), survey.CodeInvalidCSV, "has %d fields; the header names %d", len(record), len(header))
			continue
		}
		l := ImportLine{Line: n}
		for _, f := range []struct {
			name string
			dst  *string
		}{{"email", &l.Email}, {"role", &l.Role}, {"administration", &l.Administration}} {
			i, ok := index[f.name]
			if !ok {
				continue
			}
			value := strings.TrimSpace(record[i])
			if !utf8.ValidString(value) || strings.ContainsRune(value, 0) {
				v.Add(ImportField(n, f.name), survey.CodeInvalidText, "must be valid UTF-8 text without NUL characters")
				value = ""
			}
			*f.dst = value
		}
		lines = append(lines, l)
	}
	return lines, v.Err()
}

// csvError reports a first line that is not CSV; an error of reading
// (a body over its limit, a connection cut) is returned as it is.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return survey.Invalid(ImportField(pe.Line, ""), survey.CodeInvalidCSV, "is not CSV: %s (column %d)", pe.Err, pe.Column)
	}
	return err
}

// utf8BOM is the byte-order mark that spreadsheet programs put at the start
// of the UTF-8 files they save.
const utf8BOM = "\uFEFF"

// skipBOM returns r without a leading byte-order mark.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if head, err := br.Peek(len(utf8BOM)); err == nil && string(head) == utf8BOM {
		br.Discard(len(utf8BOM))
	}
	return br
}
