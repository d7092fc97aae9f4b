package survey

// MaxNumber bounds every number answer, and every min and max of a number
// question: |x| ≤ 10^15. Within it, no sum, square or mean the scores take
// can overflow a 64-bit float, whatever the number of responses (a square
// is at most 10^30, and float64 reaches 1.8·10^308), and every whole number
// in range is exact in a float64 (2^53 ≈ 9·10^15). It is still far beyond
// any count or amount a questionnaire asks for (the Union's yearly trade,
// in euros, is about 4·10^12). docs/scoring.md gives the reasoning.
const MaxNumber = 1e15

// MaxNumberText is MaxNumber as problems and narratives state it.
const MaxNumberText = "1e15"

// Limits of a questionnaire document. They are far above any questionnaire
// of the programme (the 2023 surveys have at most 12 questions, 6 options
// per question and 10 indicators); a document at all of them, with short
// texts, still fits in the default body limit of 1 MiB, and the scorer
// handles any document within them (docs/scoring.md, "Limits of a
// questionnaire document").
const (
	// MaxQuestions is the most questions a document has, all sections
	// together.
	MaxQuestions = 500
	// MaxOptions is the most options of one question or option set, and so
	// the most options one multi-choice answer can select.
	MaxOptions = 1000
	// MaxIndicators is the most indicators of one document.
	MaxIndicators = 200
)

// numberRangeMessage is the problem of a number beyond MaxNumber.
const numberRangeMessage = "must be between -" + MaxNumberText + " and " + MaxNumberText + ", the range of every number answer"

// inNumberRange reports whether x lies within ±MaxNumber.
func inNumberRange(x float64) bool { return x >= -MaxNumber && x <= MaxNumber }
