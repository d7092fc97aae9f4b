//go:build !unix

package dbtest

import "syscall"

// detached returns nil: sessions are a Unix notion.
func detached() *syscall.SysProcAttr { return nil }
