package store

import (
	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// keyset applies a page request to a query of a list ordered on one
// unique text column (a key, an e-mail): the rows after p.After in that
// order, at most p.Limit of them. column must be a column name, never
// input. Text is compared byte by byte on both databases (PostgreSQL's
// "C" collation; SQLite's BINARY is its default), the order
// survey.PageOf and internal/memstore use, whatever locale the
// PostgreSQL database was created with.
func (s *Store) keyset(q *gorm.DB, column string, p survey.PageRequest) *gorm.DB {
	if s.dialect == migrations.Postgres {
		column += ` COLLATE "C"`
	}
	if p.After != "" {
		q = q.Where(column+" > ?", p.After)
	}
	if p.Limit > 0 {
		q = q.Limit(p.Limit)
	}
	return q.Order(column)
}
