//go:build !unix

package browsertest

import "syscall"

func detached() *syscall.SysProcAttr { return nil }
