//go:build unix

package browsertest

import "syscall"

// detached puts a child process in a session of its own, out of reach of the
// terminal's signals.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
