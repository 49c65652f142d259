package cli

import "strings"

// logGraph draws the commit graph of dsql log --graph, as git does, one commit at a time:
// each lane is a column that waits for one commit (the parent of a commit already
// printed); a commit takes the lane that waits for it, a merge opens lanes for its other
// parents ("|\"), and lanes waiting for the same commit join ("|/") right after they meet.
//
// Lanes are two characters wide: lane k's line is at column 2k.
type logGraph struct {
	lanes []string // the commit hash each lane waits for
}

// graphStep is what logGraph draws for one commit.
type graphStep struct {
	commit string   // the commit row: "*" in the commit's lane, "|" in the others
	after  []string // rows that open lanes for a merge's parents, drawn after the commit row
	join   []string // rows that join lanes waiting for the same commit, drawn after those
	next   string   // the lanes as they continue below all of that (prefix of later lines)
}

// step places commit h with parents ps (first parent first) and returns its rows.
func (g *logGraph) step(h string, ps []string) graphStep {
	col := -1
	for k, l := range g.lanes {
		if l == h {
			col = k
			break
		}
	}
	if col < 0 {
		g.lanes = append(g.lanes, h)
		col = len(g.lanes) - 1
	}
	var st graphStep
	row := make([]string, len(g.lanes))
	for k := range g.lanes {
		row[k] = "|"
	}
	row[col] = "*"
	st.commit = strings.Join(row, " ")

	old := g.lanes
	switch {
	case len(ps) == 0:
		// The lane ends here; lanes to its right move one to the left.
		g.lanes = append(append([]string(nil), old[:col]...), old[col+1:]...)
		if col < len(old)-1 {
			st.after = append(st.after, shiftRow(len(old), col))
		}
	default:
		lanes := append([]string(nil), old[:col]...)
		lanes = append(lanes, ps...)
		lanes = append(lanes, old[col+1:]...)
		g.lanes = lanes
		if len(ps) > 1 {
			st.after = append(st.after, mergeRow(len(old), col, len(ps)-1))
		}
	}
	st.join = g.joinLanes()
	st.next = laneRow(len(g.lanes))
	return st
}

// laneRow is n lanes going straight down.
func laneRow(n int) string {
	return strings.TrimRight(strings.Repeat("| ", n), " ")
}

// mergeRow draws a merge in lane col of n lanes opening extra lanes to its right: "|\" and
// the lanes beyond moving right ("\").
func mergeRow(n, col, extra int) string {
	b := []byte(strings.Repeat(" ", 2*(n+extra)))
	for k := 0; k <= col; k++ {
		b[2*k] = '|'
	}
	for e := 0; e < extra; e++ {
		b[2*col+1+2*e] = '\\'
	}
	for k := col + 1; k < n; k++ {
		b[2*k+1+2*(extra-1)] = '\\'
	}
	return strings.TrimRight(string(b), " ")
}

// shiftRow draws lanes right of col moving one lane left (a lane that ended at col).
func shiftRow(n, col int) string {
	b := []byte(strings.Repeat(" ", 2*n))
	for k := 0; k < col; k++ {
		b[2*k] = '|'
	}
	for k := col + 1; k < n; k++ {
		b[2*k-1] = '/'
	}
	return strings.TrimRight(string(b), " ")
}

// joinLanes removes lanes that wait for a commit an earlier lane already waits for and
// returns the rows that draw them joining ("|/"), one row per round of joins.
func (g *logGraph) joinLanes() []string {
	var rows []string
	for {
		seen := map[string]bool{}
		dup := -1
		for k, l := range g.lanes {
			if seen[l] {
				dup = k
				break
			}
			seen[l] = true
		}
		if dup < 0 {
			return rows
		}
		n := len(g.lanes)
		b := []byte(strings.Repeat(" ", 2*n))
		for k := 0; k < dup; k++ {
			b[2*k] = '|'
		}
		for k := dup; k < n; k++ {
			b[2*k-1] = '/'
		}
		rows = append(rows, strings.TrimRight(string(b), " "))
		g.lanes = append(g.lanes[:dup:dup], g.lanes[dup+1:]...)
	}
}
