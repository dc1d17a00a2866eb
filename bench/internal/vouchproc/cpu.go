// SPDX-License-Identifier: Apache-2.0

package vouchproc

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat: the kernel's
// USER_HZ, 100 on every architecture Linux exposes it for.
const userHZ = 100

// CPUTime returns the CPU time (user and system) the server process has
// used so far, from /proc/<pid>/stat, so a benchmark can tell what the
// server spent per request apart from what the load generator beside it
// spent. It fails where there is no /proc.
func (p *Process) CPUTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: the fields to
	// count start after its closing one, at field 3 (state).
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("vouchproc: short /proc stat line %q", s)
	}
	var ticks int64
	for _, f := range fields[11:13] { // utime, stime: fields 14 and 15
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("vouchproc: /proc stat field %q: %w", f, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}
