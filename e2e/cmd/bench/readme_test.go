package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// readmeColumns are the README Benchmarks tables' columns, each showing a
// field of a bench --json line: in the networks' table, of the bench's line
// where (the page's "wasm" or "native") against the row's peer; in the
// ceilings' table (where is ""), of the row's fma-peak line. The columns
// that pick the line (bench, peer, where) have no value.
var readmeColumns = map[string]struct {
	where string
	value func(r result) any
}{
	"bench":            {},
	"peer":             {},
	"where":            {},
	"page ms":          {"wasm", func(r result) any { return r.MS }},
	"page GFLOP/s":     {"wasm", func(r result) any { return r.GFLOPS }},
	"page % of peak":   {"wasm", func(r result) any { return 100 * r.PeakFraction }},
	"page kernels":     {"wasm", func(r result) any { return r.Kernels }},
	"page threads":     {"wasm", func(r result) any { return float64(r.Threads) }},
	"native ms":        {"native", func(r result) any { return r.MS }},
	"native GFLOP/s":   {"native", func(r result) any { return r.GFLOPS }},
	"native % of peak": {"native", func(r result) any { return 100 * r.PeakFraction }},
	"native threads":   {"native", func(r result) any { return float64(r.Threads) }},
	"native kernels":   {"native", func(r result) any { return r.Kernels }},
	"peer ms":          {"wasm", func(r result) any { return r.PeerMS }},
	"peer threads":     {"wasm", func(r result) any { return float64(r.PeerThreads) }},
	"page ratio":       {"wasm", func(r result) any { return r.Ratio }},
	"threads":          {"", func(r result) any { return float64(r.Threads) }},
	"peak GFLOP/s":     {"", func(r result) any { return r.GFLOPS }},
	"kernels":          {"", func(r result) any { return r.Kernels }},
}

// TestREADMEBenchmarksMatchJSON checks every cell of the README's
// Benchmarks tables of networks and ceilings against the bench output the
// section cites (testdata/results/bench-*.json, from ./build.sh bench
// --json), numbers to the digits the README shows: the networks' table (the
// one with a "page % of peak" column: a row per bench and peer, the bench's
// name in backticks in the first cell) and the ceilings' (the one whose
// first column is "where": a row per fma-peak line, by where and threads).
// The section's other tables cite their own commands.
func TestREADMEBenchmarksMatchJSON(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := sectionOf(string(readme), "## Benchmarks")
	cited := regexp.MustCompile("testdata/results/bench-[^`\\s]+\\.json").FindString(section)
	if cited == "" {
		t.Fatal("README's Benchmarks section cites no testdata/results/bench-*.json")
	}
	lines, err := readResults(filepath.Join(root, cited))
	if err != nil {
		t.Fatal(err)
	}
	var networks, ceilings [][]map[string]string
	for _, table := range markdownTables(section) {
		if _, ok := table[0]["page % of peak"]; ok {
			networks = append(networks, table)
		} else if _, ok := table[0]["where"]; ok {
			ceilings = append(ceilings, table)
		}
	}
	if len(networks) != 1 || len(ceilings) != 1 {
		t.Fatalf("README's Benchmarks section has %d networks' tables and %d ceilings' tables, want one of each", len(networks), len(ceilings))
	}
	checked := 0
	for _, row := range append(networks[0], ceilings[0]...) {
		what, lineFor := rowLines(row, lines)
		for header, cell := range row {
			col, ok := readmeColumns[header]
			if !ok {
				t.Errorf("README Benchmarks column %q shows no field of the JSON", header)
				continue
			}
			if col.value == nil {
				continue
			}
			r := lineFor(col.where)
			if r == nil {
				if cell != "–" { // – for a side the bench does not time
					t.Errorf("%s, %s: %s has no such line", what, header, cited)
				}
				continue
			}
			if err := checkCell(what+", "+header, cell, col.value(*r)); err != nil {
				t.Error(err)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Error("README's Benchmarks tables show no number to check")
	}
}

// rowLines names a README table row and returns how to find its JSON line
// for a column's where.
func rowLines(row map[string]string, lines []result) (string, func(where string) *result) {
	if where, ok := row["where"]; ok {
		where = strings.Trim(where, "`")
		threads, _ := strconv.Atoi(row["threads"])
		line := findResult(lines, func(r result) bool { return r.Bench == "fma-peak" && r.Where == where && r.Threads == threads })
		return fmt.Sprintf("fma-peak %s on %d threads", where, threads), func(string) *result { return line }
	}
	bench := ""
	if m := regexp.MustCompile("`([^`]+)`").FindStringSubmatch(row["bench"]); m != nil {
		bench = m[1]
	}
	peerName := strings.Trim(row["peer"], "– ")
	return fmt.Sprintf("%q against %q", bench, peerName), func(where string) *result {
		return findResult(lines, func(r result) bool { return r.Bench == bench && r.Where == where && r.Peer == peerName })
	}
}

// sectionOf returns the text of the markdown section under heading, up to
// the next heading of its level.
func sectionOf(doc, heading string) string {
	_, after, ok := strings.Cut(doc, "\n"+heading+"\n")
	if !ok {
		return ""
	}
	if i := strings.Index(after, "\n## "); i >= 0 {
		after = after[:i]
	}
	return after
}

// markdownTables returns each table in text with at least one row, as rows
// of header → cell.
func markdownTables(text string) [][]map[string]string {
	var tables [][]map[string]string
	var header []string
	var rows []map[string]string
	for _, line := range strings.Split(text+"\n", "\n") {
		if !strings.HasPrefix(line, "|") {
			if len(rows) > 0 {
				tables = append(tables, rows)
			}
			header, rows = nil, nil
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case header == nil:
			header = cells
		case strings.HasPrefix(cells[0], "---"):
		default:
			row := map[string]string{}
			for i, c := range cells {
				if i < len(header) {
					row[header[i]] = c
				}
			}
			rows = append(rows, row)
		}
	}
	return tables
}

// readResults reads a bench --json output, one result a line.
func readResults(path string) ([]result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []result
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

func findResult(lines []result, match func(result) bool) *result {
	for i := range lines {
		if match(lines[i]) {
			return &lines[i]
		}
	}
	return nil
}

// checkCell returns an error unless a README cell shows want: a string as
// is (in backticks or not), a number as the JSON's value prints with the
// decimals the cell shows ("2,307", "**0.51**", "71.0"; "–" for a zero, a
// field the line lacks).
func checkCell(what, cell string, want any) error {
	if s, ok := want.(string); ok {
		if strings.Trim(cell, "`") != s && !(cell == "–" && s == "") {
			return fmt.Errorf("%s: README shows %q, the JSON %q", what, cell, s)
		}
		return nil
	}
	v := want.(float64)
	num := strings.NewReplacer("**", "", ",", "").Replace(cell)
	if num == "–" {
		if v != 0 {
			return fmt.Errorf("%s: README shows –, the JSON %v", what, v)
		}
		return nil
	}
	if _, err := strconv.ParseFloat(num, 64); err != nil {
		return fmt.Errorf("%s: README cell %q is not a number", what, cell)
	}
	decimals := 0
	if _, frac, ok := strings.Cut(num, "."); ok {
		decimals = len(frac)
	}
	if want := strconv.FormatFloat(v, 'f', decimals, 64); want != num {
		return fmt.Errorf("%s: README shows %s, the JSON %v (%s to the digits shown)", what, cell, v, want)
	}
	return nil
}

// TestCheckCell checks the README cell comparison on the forms the tables
// use, matching and not.
func TestCheckCell(t *testing.T) {
	for _, c := range []struct {
		cell string
		want any
		ok   bool
	}{
		{"2,307", 2307.4, true}, {"**0.51**", 0.514, true}, {"**0.51**", 0.516, false},
		{"27.0", 26.995, true}, {"32", 31.9, true}, {"32", 32.6, false},
		{"–", 0.0, true}, {"–", 1.0, false}, {"`avx2`", "avx2", true}, {"`go`", "avx2", false}, {"–", "", true},
	} {
		if err := checkCell("cell", c.cell, c.want); (err == nil) != c.ok {
			t.Errorf("checkCell(%q, %v) = %v, want ok %v", c.cell, c.want, err, c.ok)
		}
	}
}
