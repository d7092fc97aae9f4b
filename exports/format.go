package exports

// Format is a format of the exports, also the extension of the file.
type Format string

// The formats of the exports.
const (
	JSON Format = "json"
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// Formats lists every format, JSON first.
var Formats = []Format{JSON, CSV, XLSX}

// ContentType is the media type of a file in the format.
func (f Format) ContentType() string {
	switch f {
	case CSV:
		return "text/csv; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/json; charset=utf-8"
}
