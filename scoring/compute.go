package scoring

import (
	"fmt"
	"math"
	"sort"

	"github.com/customs-survey/surveyd/survey"
)

// Input is everything needed to compute one indicator.
type Input struct {
	Indicator survey.Indicator
	Document  *survey.Document // for labels and the number question's scale
	Language  string
	Year      int

	// Cells has one row per administration with submitted responses that
	// pass `where`.
	Cells []survey.Cell
	// QuestionCells holds the cells of each listed question alone, for the
	// questions breakdown.
	QuestionCells map[string][]survey.Cell
	// Options counts choices per administration and option; Answering
	// counts, per administration, the responses that answered the
	// question at all (the denominator of the options breakdown).
	Options   []survey.OptionCell
	Answering map[string]int

	MinCellSize int
	Previous    *PreviousInput
}

// PreviousInput is the same indicator's value in the previous campaign.
type PreviousInput struct {
	Campaign string
	Year     int
	Value    *float64
	// Incomparable says what changed in the indicator's definition since
	// the previous campaign (Comparable), "" when nothing did.
	Incomparable string
}

// Compute turns the aggregated rows of one indicator into its result.
func Compute(in Input) Result {
	ind := in.Indicator
	res := Result{
		Code: ind.Code, Method: ind.Method, Unit: ind.EffectiveUnit(), Scale: scaleOf(in.Document, ind),
		Title: ind.Title.Resolve(in.Language, in.Document.DefaultLanguage),
	}
	st := summarise(in.Cells, res.Unit)
	res.N, res.Excluded, res.Missing, res.NotApplicable = st.n, st.excluded, st.missing, st.notApplicable
	res.noValue = unusable(in.Cells)
	if st.n > 0 && res.noValue == "" {
		v := st.mean
		res.Value = &v
		res.CI95 = interval(st, ind.Method, res.Unit, res.Scale)
	}
	if res.Value != nil && !isFinite(*res.Value) {
		res.Value, res.noValue = nil, notFinite
	}
	if ci := res.CI95; res.Value == nil || ci != nil && (!isFinite(ci[0]) || !isFinite(ci[1])) {
		res.CI95 = nil
	}
	res.Target, res.EndTarget = targets(ind.Target, in.Year, res.Value)
	res.Previous = previous(in.Previous, ind.Method, res.Value)
	res.Breakdown = breakdown(in, res.Unit)
	res.Narrative = Narrative(res, in.Year)
	return res
}

// notFinite is why a value whose arithmetic did not give a finite number
// is withheld. Numbers within ±survey.MaxNumber cannot get there; it is a
// last guard, so that no answer carries an infinity or a NaN.
const notFinite = "its figures are not finite numbers"

// unusable says why cells cannot give a value ("" when they can): a
// response holding a number beyond the accepted range, or sums that are not
// finite.
func unusable(cells []survey.Cell) string {
	outOfRange := 0
	for _, c := range cells {
		outOfRange += c.OutOfRange
	}
	switch {
	case outOfRange == 1:
		return "1 response holds a number beyond ±" + survey.MaxNumberText + ", the range of number answers, stored before that range was enforced"
	case outOfRange > 1:
		return fmt.Sprintf("%d responses hold a number beyond ±%s, the range of number answers, stored before that range was enforced",
			outOfRange, survey.MaxNumberText)
	}
	for _, c := range cells {
		if !isFinite(c.Sum) || !isFinite(c.Deviations) {
			return notFinite
		}
	}
	return ""
}

func isFinite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }

// finiteOrNil returns p, or nil when it points to an infinity or a NaN.
func finiteOrNil(p *float64) *float64 {
	if p == nil || !isFinite(*p) {
		return nil
	}
	return p
}

// stats summarises the unit values of an indicator.
type stats struct {
	n, excluded, missing, notApplicable int
	mean, sd                            float64 // sd is the sample standard deviation of the unit values
}

// summarise applies steps 2 and 3 of docs/scoring.md to per-administration cells:
// with unit respondent the units are the responses themselves, whose mean
// and variance follow from the pooled sums; with unit administration each
// administration's mean is one unit value.
func summarise(cells []survey.Cell, unit string) stats {
	var st stats
	for _, c := range cells {
		st.excluded += c.Excluded
		st.missing += c.Missing
		st.notApplicable += c.NotApplicable
	}
	if unit == survey.UnitAdministration {
		var values []float64
		for _, c := range cells {
			if c.N > 0 {
				values = append(values, c.Sum/float64(c.N))
			}
		}
		st.n = len(values)
		st.mean, st.sd = meanSD(values)
		return st
	}
	var sum float64
	for _, c := range cells {
		st.n += c.N
		sum += c.Sum
	}
	if st.n == 0 {
		return st
	}
	st.mean = sum / float64(st.n)
	if st.n > 1 {
		// Chan et al.'s pooling of centred sums of squares: each cell's
		// own, plus its size times its mean's squared distance from the
		// overall mean.
		var m2 float64
		for _, c := range cells {
			if c.N > 0 {
				d := c.Sum/float64(c.N) - st.mean
				m2 += c.Deviations + float64(c.N)*d*d
			}
		}
		st.sd = math.Sqrt(m2 / float64(st.n-1))
	}
	return st
}

func meanSD(values []float64) (float64, float64) {
	if len(values) == 0 {
		return 0, 0
	}
	var sum float64
	for _, v := range values {
		sum += v
	}
	mean := sum / float64(len(values))
	if len(values) < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range values {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(values)-1))
}

// z is the standard normal quantile of a two-sided 95% interval.
const z = 1.96

// interval is the 95% confidence interval of docs/scoring.md: Wilson's for a
// share over respondents, else the normal approximation clipped to the
// scale. It is absent below two units.
func interval(st stats, method, unit string, scale Scale) *[2]float64 {
	if st.n < 2 {
		return nil
	}
	n := float64(st.n)
	if method == survey.MethodShare && unit == survey.UnitRespondent {
		p := st.mean / 100
		denom := 1 + z*z/n
		centre := (p + z*z/(2*n)) / denom
		half := z * math.Sqrt(p*(1-p)/n+z*z/(4*n*n)) / denom
		return &[2]float64{100 * math.Max(0, centre-half), 100 * math.Min(1, centre+half)}
	}
	half := z * st.sd / math.Sqrt(n)
	return &[2]float64{math.Max(scale.Min, st.mean-half), math.Min(scale.Max, st.mean+half)}
}

// scaleOf is the range of an indicator's values.
func scaleOf(doc *survey.Document, ind survey.Indicator) Scale {
	if ind.Method != survey.MethodMeanValue || len(ind.Questions) == 0 {
		return Percent
	}
	q := doc.Question(ind.Questions[0])
	s := Scale{math.Inf(-1), math.Inf(1)}
	if q != nil && q.Min != nil {
		s.Min = *q.Min
	}
	if q != nil && q.Max != nil {
		s.Max = *q.Max
	}
	return s
}

// breakdown builds the disaggregations the indicator asks for.
func breakdown(in Input, unit string) *Breakdown {
	if len(in.Indicator.Breakdown) == 0 {
		return nil
	}
	b := &Breakdown{kinds: in.Indicator.Breakdown}
	for _, kind := range in.Indicator.Breakdown {
		switch kind {
		case survey.BreakdownOptions:
			b.Options = optionRows(in, unit)
		case survey.BreakdownQuestions:
			b.Questions = questionRows(in, unit)
		case survey.BreakdownAdministrations:
			b.Administrations = administrationRows(in)
		}
	}
	return b
}

// optionRows: the percentage of answering units that chose each option,
// every option in questionnaire order. With unit administration each
// administration's percentages are computed first, then averaged.
func optionRows(in Input, unit string) []Row {
	q := in.Document.Question(in.Indicator.Questions[0])
	if q == nil {
		return nil
	}
	counts := map[string]map[string]int{} // option → administration → count
	for _, oc := range in.Options {
		if counts[oc.Option] == nil {
			counts[oc.Option] = map[string]int{}
		}
		counts[oc.Option][oc.Administration] += oc.Count
	}
	admins := make([]string, 0, len(in.Answering))
	totalAnswering := 0
	for adm, n := range in.Answering {
		if n > 0 {
			admins = append(admins, adm)
			totalAnswering += n
		}
	}
	sort.Strings(admins)
	var rows []Row
	for _, opt := range in.Document.OptionsOf(q) {
		total := 0
		for _, c := range counts[opt.Key] {
			total += c
		}
		row := Row{Key: opt.Key, Label: opt.Label.Resolve(in.Language, in.Document.DefaultLanguage), Count: intPtr(total), N: intPtr(0)}
		switch {
		case unit == survey.UnitAdministration && len(admins) > 0:
			var sum float64
			for _, adm := range admins {
				sum += 100 * float64(counts[opt.Key][adm]) / float64(in.Answering[adm])
			}
			v := sum / float64(len(admins))
			row.Value, row.N = finiteOrNil(&v), intPtr(len(admins))
		case unit != survey.UnitAdministration && totalAnswering > 0:
			v := 100 * float64(total) / float64(totalAnswering)
			row.Value, row.N = finiteOrNil(&v), intPtr(totalAnswering)
		}
		rows = append(rows, row)
	}
	return rows
}

// questionRows: the method applied to each listed question alone.
func questionRows(in Input, unit string) []Row {
	var rows []Row
	for _, key := range in.Indicator.Questions {
		cells := in.QuestionCells[key]
		st := summarise(cells, unit)
		row := Row{Key: key, N: intPtr(st.n), Excluded: intPtr(st.excluded), Missing: intPtr(st.missing),
			NotApplicable: intPtr(st.notApplicable)}
		if q := in.Document.Question(key); q != nil {
			row.Label = q.Text.Resolve(in.Language, in.Document.DefaultLanguage)
		}
		if st.n > 0 && unusable(cells) == "" {
			v := st.mean
			row.Value = finiteOrNil(&v)
		}
		rows = append(rows, row)
	}
	return rows
}

// administrationRows: the method per administration, suppressed below the
// campaign's minimum cell size (see suppressedCells) so that no row shows,
// directly or by subtraction, what a handful of people answered. A cell is built on the responses that have a value. A
// suppressed row shows no counts either: "n 0, excluded 1" of a cell of one
// would tell that this one respondent answered "don't know".
func administrationRows(in Input) []Row {
	suppressed := suppressedCells(in.Cells, in.MinCellSize)
	rows := make([]Row, 0, len(in.Cells))
	for i, c := range in.Cells {
		row := Row{Key: c.Administration, Label: c.Administration}
		if suppressed[i] {
			row.Suppressed = true
			rows = append(rows, row)
			continue
		}
		row.N, row.Excluded, row.Missing, row.NotApplicable = intPtr(c.N), intPtr(c.Excluded), intPtr(c.Missing), intPtr(c.NotApplicable)
		if c.N > 0 && unusable([]survey.Cell{c}) == "" {
			v := c.Sum / float64(c.N)
			row.Value = finiteOrNil(&v)
		}
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Key < rows[j].Key })
	return rows
}

// suppressedCells picks the cells to hide: those built on fewer than
// minCellSize responses with a value (primary suppression), and then, since
// the indicator's total and the cells shown would give away what the hidden
// cells hold by subtraction, the smallest other cells until the hidden ones
// together hold at least minCellSize responses (secondary suppression).
func suppressedCells(cells []survey.Cell, minCellSize int) map[int]bool {
	hidden := map[int]bool{}
	group := 0
	for i, c := range cells {
		if c.N < minCellSize {
			hidden[i] = true
			group += c.N
		}
	}
	for len(hidden) > 0 && group < minCellSize && len(hidden) < len(cells) {
		next := -1
		for i, c := range cells {
			if !hidden[i] && (next < 0 || c.N < cells[next].N ||
				(c.N == cells[next].N && c.Administration < cells[next].Administration)) {
				next = i
			}
		}
		hidden[next] = true
		group += cells[next].N
	}
	return hidden
}

func intPtr(n int) *int { return &n }
