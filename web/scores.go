package web

import (
	"bytes"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/customs-survey/surveyd/charts"
	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// The scores page (/campaigns/{key}/scores, admins) shows every indicator
// of a campaign as Annex 4 of the programme's annual progress report does:
// its value, n, the 95% interval, the target and whether it is met, the
// previous year's value and the change, the narrative, and charts of its
// breakdowns and of the change (charts.go), each with its data table. The
// figures are those of GET /api/v1/campaigns/{key}/scores (scores.Service),
// rounded for presentation as the exports round them (two decimals, "%"
// after percentages). ?lang= picks the language of the questionnaire's
// texts (titles, option labels, question texts), as in the API.
//
// The downloads (/campaigns/{key}/scores/{key}.csv or .xlsx) are the API's
// exports of the same report, written by package exports and recorded in
// the audit trail as export.scores.
//
// When the campaign's scores were frozen (POST
// /api/v1/campaigns/{key}/scores/freeze), a notice near the top says when,
// which run, and whether the figures computed now still match it, with a
// link to the run's JSON (/campaigns/{key}/scores/runs/{id}.json, the
// bytes kept when it was frozen, as the API serves them); the downloads
// say it too (exports.WriteLiveScores).

// scoresView is the data of the scores page.
type scoresView struct {
	Campaign  string
	Year      int
	Title     string // the questionnaire's title
	TitleLang string // its language, when not the page's
	Open      bool   // the campaign still takes answers: the figures may change
	// Reopened says, of a campaign reopened after it was closed, when its
	// figures were last final and when it was reopened; "" otherwise.
	Reopened   string
	Frozen     *frozenNotice // nil when the scores were never frozen
	Coverage   string
	Missing    string // the invited administrations without a response, or ""
	ComputedAt string
	Languages  []textLanguage
	Downloads  []download
	Indicators []indicatorView
}

// frozenNotice tells of the campaign's latest frozen run.
type frozenNotice struct {
	Text    string // when it was frozen, which run, and whether the figures below match it
	Matches bool
	Href    string // the run's JSON download
}

// textLanguage is a language of the questionnaire's texts.
type textLanguage struct {
	Code     string
	Selected bool
}

// download is a link to a file of the scores.
type download struct {
	Href, Text string
}

// indicatorView is one indicator of the page, every figure as written.
type indicatorView struct {
	ID            string // the id of its heading; its figures' ids start with it
	Code          string
	Title         string
	TitleLang     string
	Value         string
	N             string
	Interval      string
	Target        string
	HasTarget     bool
	Met           bool
	Status        string
	HasPrevious   bool
	PreviousYear  int
	Previous      string
	Change        string
	Narrative     string
	NarrativeLang string
	Charts        []*chart
	Questions     *dataTable // the questions breakdown, a table only
}

// scoresPage: GET /campaigns/{key}/scores.
func (s *server) scoresPage(w http.ResponseWriter, r *http.Request, v *visitor) error {
	ctx, p, key := r.Context(), v.principal(), r.PathValue("key")
	campaign, err := s.campaigns.Get(ctx, p, key)
	if err != nil {
		return err
	}
	qn, err := s.campaigns.Questionnaire(ctx, p, key)
	if err != nil {
		return err
	}
	asked := r.URL.Query().Get("lang")
	report, err := s.reports.Report(ctx, v.principal(), key, asked)
	if err != nil {
		return err
	}
	frozen, err := s.runs.Frozen(ctx, p, asked, report)
	if err != nil {
		return err
	}
	doc := qn.Document
	if !documentSpeaks(doc, asked) {
		asked = doc.DefaultLanguage
	}
	f := figures{lang: v.lang}
	texts := texts{doc: doc, asked: asked, page: v.lang}
	view := scoresView{Campaign: report.Campaign, Year: report.Year, Title: doc.Title.Resolve(asked, doc.DefaultLanguage),
		TitleLang: texts.lang(doc.Title), Open: campaign.Status == survey.StatusOpen,
		Coverage: f.t("scores.coverage", report.Coverage.AdministrationsResponded, report.Coverage.AdministrationsInvited,
			report.Coverage.Responses),
		ComputedAt: report.ComputedAt.UTC().Format("2006-01-02 15:04 UTC")}
	if len(report.Coverage.Missing) > 0 {
		view.Missing = f.t("scores.missing", strings.Join(report.Coverage.Missing, ", "))
	}
	if report.ReopenedAt != nil && report.LastClosedAt != nil {
		view.Reopened = f.t("scores.reopened", respondTime(v.lang, *report.LastClosedAt).Text, respondTime(v.lang, *report.ReopenedAt).Text)
	}
	if frozen != nil {
		text := "scores.frozen.differs"
		if frozen.Matches {
			text = "scores.frozen.matches"
		}
		view.Frozen = &frozenNotice{Text: f.t(text, respondTime(v.lang, frozen.FrozenAt).Text, frozen.ID), Matches: frozen.Matches,
			Href: "/campaigns/" + report.Campaign + "/scores/runs/" + url.PathEscape(frozen.ID) + "." + string(exports.JSON)}
	}
	for _, code := range documentLanguages(doc) {
		view.Languages = append(view.Languages, textLanguage{Code: code, Selected: code == asked})
	}
	query := ""
	if l := r.URL.Query().Get("lang"); l != "" {
		query = "?lang=" + url.QueryEscape(l)
	}
	for _, format := range exports.Formats {
		view.Downloads = append(view.Downloads, download{
			Href: "/campaigns/" + report.Campaign + "/scores/" + report.Campaign + "." + string(format) + query,
			Text: f.t("scores.download." + string(format))})
	}
	for i, res := range report.Indicators {
		var def *survey.Indicator
		if i < len(doc.Indicators) && doc.Indicators[i].Code == res.Code {
			def = &doc.Indicators[i]
		}
		view.Indicators = append(view.Indicators, indicatorFigures(f, texts, def, res, report.Year, campaign.MinCellSize,
			"indicator-"+strconv.Itoa(i+1)))
	}
	return s.render(w, r, v, http.StatusOK, "scores", view)
}

// indicatorFigures writes one indicator's figures, charts and tables.
func indicatorFigures(f figures, texts texts, def *survey.Indicator, res scoring.Result, year, minCell int, id string) indicatorView {
	p := percent(res)
	out := indicatorView{ID: id, Code: res.Code, Title: res.Title, Value: f.optional(res.Value, p), N: f.units(res.Unit, res.N),
		Interval: f.t("scores.no_interval"), Target: f.t("scores.no_target", year), Narrative: res.Narrative}
	if def != nil {
		out.TitleLang = texts.lang(def.Title)
	}
	// Narratives are written in English (scoring.Narrative).
	if f.lang != "en" {
		out.NarrativeLang = "en"
	}
	if ci := res.CI95; ci != nil {
		out.Interval = f.t("scores.interval_range", f.value(ci[0], p), f.value(ci[1], p))
	}
	if t := res.Target; t != nil {
		out.HasTarget, out.Target, out.Met = true, f.value(t.Value, p), t.Status == scoring.TargetMet
		if t.Kind == scoring.TargetKindMilestone {
			out.Target = f.t("scores.milestone", out.Target, t.Year)
		}
		out.Status = f.t("scores.status." + t.Status)
	}
	if prev := res.Previous; prev != nil {
		out.HasPrevious, out.PreviousYear, out.Previous = true, prev.Year, f.optional(prev.Value, p)
		switch {
		case !prev.Comparable:
			out.Change = f.t("scores.not_comparable")
		case prev.Change != nil:
			out.Change = f.change(*prev.Change, prev.ChangeUnit)
		default:
			out.Change = f.t("scores.no_change")
		}
	}
	_, labelLang := charts.TextLanguages(texts.doc, res.Code, texts.asked)
	in := chartInput{id: id, f: f, labelLang: labelLang, minCell: minCell}
	for _, c := range []*chart{optionsChart(in, res), administrationsChart(in, res), changeChart(in, res, year)} {
		if c != nil {
			out.Charts = append(out.Charts, c)
		}
	}
	if b := res.Breakdown; b != nil && len(b.Questions) > 0 {
		t := &dataTable{ID: id + "-questions", Caption: f.t("scores.table.questions", res.Code),
			Head: []string{f.t("scores.col.question"), f.t("scores.col.value"), f.t("scores.col.n")}}
		for _, row := range b.Questions {
			lang := ""
			if q := texts.doc.Question(row.Key); q != nil {
				lang = texts.lang(q.Text)
			}
			t.Rows = append(t.Rows, dataRow{Label: row.Label, Lang: lang,
				Cells: []string{f.optional(row.Value, p), f.optionalCount(row.N)}})
		}
		out.Questions = t
	}
	return out
}

// scoresDownload: GET /campaigns/{key}/scores/{key}.csv, .xlsx or .json, the
// API's exports of the report (GET /api/v1/campaigns/{key}/scores?format=),
// recorded in the audit trail as the API records them. The report is
// written into memory first, so that a failure is an error page, never
// half a file.
func (s *server) scoresDownload(w http.ResponseWriter, r *http.Request, v *visitor) error {
	key, file := r.PathValue("key"), r.PathValue("file")
	ext := path.Ext(file)
	format := exports.Format(strings.TrimPrefix(ext, "."))
	if strings.TrimSuffix(file, ext) != key || !slices.Contains(exports.Formats, format) {
		return survey.Errorf(survey.ErrNotFound, "%s", v.T("error.no_page"))
	}
	ctx, p, lang := r.Context(), v.principal(), r.URL.Query().Get("lang")
	report, err := s.reports.Report(ctx, p, key, lang)
	if err != nil {
		return err
	}
	frozen, err := s.runs.Frozen(ctx, p, lang, report)
	if err != nil {
		return err
	}
	var body bytes.Buffer
	if err := exports.WriteLiveScores(&body, format, report, frozen.Cited()); err != nil {
		return err
	}
	// The answer is decided: it is recorded before it is sent, so that the
	// trail holds every export a client may have received.
	s.audit(r, v, "export.scores", survey.AuditTarget("key", report.Campaign), http.StatusOK)
	s.sendScores(w, v, format, report.Campaign+"-scores."+string(format), body.Bytes())
	return nil
}

// scoreRunDownload: GET /campaigns/{key}/scores/runs/{id}.json, .csv or
// .xlsx, a frozen run's bytes as they were kept when it was frozen (GET
// /api/v1/campaigns/{key}/scores/runs/{id}?format=), a download named
// <key>-scores-<id>.<ext>, recorded in the audit trail as the API records
// it (export.score_run).
func (s *server) scoreRunDownload(w http.ResponseWriter, r *http.Request, v *visitor) error {
	key, file := r.PathValue("key"), r.PathValue("file")
	ext := path.Ext(file)
	format, id := exports.Format(strings.TrimPrefix(ext, ".")), strings.TrimSuffix(file, ext)
	if id == "" || !slices.Contains(exports.Formats, format) {
		return survey.Errorf(survey.ErrNotFound, "%s", v.T("error.no_page"))
	}
	run, err := s.runs.Get(r.Context(), v.principal(), key, id)
	if err != nil {
		return err
	}
	s.audit(r, v, "export.score_run", survey.AuditTarget("key", run.Campaign, "id", run.ID), http.StatusOK)
	// Run ids are the service's own UUIDs: the name needs no quoting.
	s.sendScores(w, v, format, run.Campaign+"-scores-"+run.ID+"."+string(format), scores.RunFile(run, format))
	return nil
}

// sendScores sends a file of the scores as a download.
func (s *server) sendScores(w http.ResponseWriter, v *visitor, format exports.Format, name string, body []byte) {
	w.Header().Set("Content-Type", format.ContentType())
	// Campaign keys match ^[a-z0-9][a-z0-9-]*$: the name needs no quoting.
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(body); err != nil {
		s.log.Warn("scores download cut short", "request_id", v.requestID, "err", err)
	}
}

// texts tells the language in which the report gives each of the
// questionnaire's texts: the one asked for where the text has it, else the
// document's default language, as scoring resolves them.
type texts struct {
	doc   *survey.Document
	asked string // the language asked for, or the default one
	page  string // the page's language
}

// lang is the language of t as shown, or "" when it is the page's.
func (x texts) lang(t survey.Text) string {
	l := x.doc.DefaultLanguage
	if _, ok := t[x.asked]; ok {
		l = x.asked
	}
	if l == x.page {
		return ""
	}
	return l
}

// documentLanguages lists the languages of a document's texts, the default
// language first.
func documentLanguages(doc *survey.Document) []string {
	seen := map[string]bool{}
	add := func(t survey.Text) {
		for l := range t {
			seen[l] = true
		}
	}
	add(doc.Title)
	for _, sec := range doc.Sections {
		add(sec.Title)
		for _, q := range sec.Questions {
			add(q.Text)
		}
	}
	for _, ind := range doc.Indicators {
		add(ind.Title)
	}
	delete(seen, doc.DefaultLanguage)
	out := make([]string, 0, len(seen)+1)
	for l := range seen {
		out = append(out, l)
	}
	sort.Strings(out)
	return append([]string{doc.DefaultLanguage}, out...)
}

// documentSpeaks reports whether some text of the document is in lang.
func documentSpeaks(doc *survey.Document, lang string) bool {
	return slices.Contains(documentLanguages(doc), lang)
}

// figures writes numbers and the words around them in the page's
// language. Values are rounded half away from zero to two decimals, as the
// exports show them (scoring.Fixed2), percentages followed by "%"
// (charts.Figures).
type figures struct{ lang string }

func (f figures) t(key string, args ...any) string { return translate(f.lang, key, args...) }

// numbers are the page's figures as the charts write them, so that a
// chart and the page say the same.
func (f figures) numbers() charts.Figures { return charts.Figures{Lang: f.lang} }

// value is a value of an indicator: a percentage, or a value of its
// question's scale.
func (f figures) value(x float64, percent bool) string { return f.numbers().Value(x, percent) }

// optional is a value, or "no value".
func (f figures) optional(x *float64, percent bool) string { return f.numbers().Optional(x, percent) }

// change is a year-on-year change, signed, in its unit: percentage points
// for percentages, points of the scale otherwise (scoring.ChangeUnitOf).
func (f figures) change(d float64, unit string) string { return f.numbers().Change(d, unit) }

// units is n with its unit: administrations or responses.
func (f figures) units(unit string, n int) string { return f.numbers().Units(unit, n) }

// optionalCount is a count, or "not shown" when withheld.
func (f figures) optionalCount(n *int) string { return f.numbers().OptionalCount(n) }
