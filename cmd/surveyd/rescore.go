package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/customs-survey/surveyd/store"
)

// rescore builds the score cells of a campaign again from its answers with
// the full computation (store.RebuildCells) and says whether the cells
// that submissions kept differed: a check, and the repair when they did.
// The campaign's key comes first, then the flags.
func rescore(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	key := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		key, args = args[0], args[1:]
	}
	cfg, _, err := loadConfig("rescore", args, getenv, nil)
	if err != nil {
		return err
	}
	if key == "" {
		return errors.New("rescore: name the campaign: surveyd rescore CAMPAIGN")
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{Migrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	diffs, err := st.RebuildCells(ctx, key)
	if err != nil {
		return fmt.Errorf("rescore %s: %w", key, err)
	}
	if len(diffs) == 0 {
		fmt.Fprintf(stdout, "campaign %s: the score cells agreed with the answers\n", key)
		return nil
	}
	fmt.Fprintf(stdout, "campaign %s: the score cells differed from the answers in %d cells, now rebuilt:\n", key, len(diffs))
	for _, d := range diffs {
		fmt.Fprintln(stdout, "  "+d)
	}
	return nil
}
