package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"

	"visage/core/face"
	"visage/core/fpir"
	"visage/core/imageio/imageiotest"
	"visage/core/vault"
	"visage/models/assets"
	"visage/models/assets/assettest"
	"visage/models/facerec"
)

// visageBin is the CLI built once by TestMain.
var visageBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "visage-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	visageBin = filepath.Join(dir, "visage")
	if out, err := exec.Command("go", "build", "-o", visageBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the visage command: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the CLI.
type result struct {
	stdout, stderr string
	code           int
}

func visage(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(visageBin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running visage %q: %v", args, err)
	}
	return result{stdout.String(), stderr.String(), code}
}

// wantError checks r failed with status code and a one-line message on stderr
// naming the command and containing each of want.
func wantError(t *testing.T, r result, code int, cmd string, want ...string) {
	t.Helper()
	line := strings.TrimSuffix(r.stderr, "\n")
	if r.code != code || strings.Contains(line, "\n") || !strings.HasPrefix(line, "visage "+cmd+": ") {
		t.Errorf("exit %d, stderr %q; want exit %d and one line starting %q", r.code, r.stderr, code, "visage "+cmd+": ")
	}
	for _, w := range want {
		if !strings.Contains(line, w) {
			t.Errorf("stderr %q does not mention %q", line, w)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout %q on failure, want nothing", r.stdout)
	}
}

// decodeJSON unmarshals out (one JSON line) into a map and checks its keys.
func decodeJSON(t *testing.T, out string, keys ...string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("output %q is not a JSON object: %v", out, err)
	}
	got := make([]string, 0, len(m))
	for k := range m {
		got = append(got, k)
	}
	sort.Strings(got)
	sort.Strings(keys)
	if !reflect.DeepEqual(got, keys) {
		t.Errorf("JSON %s has keys %q, want %q", out, got, keys)
	}
	return m
}

// chips returns face chips from faces-dev: two of one person, one of a second
// and one of a third; it skips (or fails under VISAGE_E2E) without the data
// or the face model.
func chips(t *testing.T) (same1, same2, other, stranger string) {
	t.Helper()
	assettest.FaceModels(t, facerec.Manifest)
	dir := assettest.Shared(t, "data/faces-dev/dlib_johns")
	return filepath.Join(dir, "John_Salley", "000179_02159509.jpg"),
		filepath.Join(dir, "John_Salley", "000183_02159543.jpg"),
		filepath.Join(dir, "John_Savage", "000264_01099001.jpg"),
		filepath.Join(dir, "John_Schneider", "000288_00925786.jpg")
}

func TestCLIUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "db.json")
	for _, tc := range []struct {
		cmd  string
		args []string
		want string
	}{
		{"compare", []string{"--aligned", "a.jpg"}, "expected 2 arguments, found 1"},
		{"compare", []string{"--aligned", "a.jpg", "b.jpg", "c.jpg"}, "expected 2 arguments, found 3"},
		{"compare", []string{"--bogus", "a.jpg", "b.jpg"}, "-bogus"},
		{"compare", []string{"--threshold", "3", "a.jpg", "b.jpg"}, "--threshold: face: distance threshold must be in (0, 1], found 3"},
		{"compare", []string{"--threshold", "1.5", "a.jpg", "b.jpg"}, "(0, 1], found 1.5 (beyond 1 nearly any two faces match)"},
		{"compare", []string{"--threshold", "x", "a.jpg", "b.jpg"}, `found "x"`},
		{"encode", []string{"--aligned"}, "expected at least 1 arguments, found 0"},
		{"enroll", []string{"--db", db, "--aligned", "a.jpg"}, "--name"},
		{"enroll", []string{"--db", db, "--name", " ", "--aligned", "a.jpg"}, "blank"},
		{"verify", []string{"--name", "x", "--aligned", "a.jpg"}, "--db"},
		{"verify", []string{"--db", db, "--aligned", "a.jpg"}, "--name"},
		{"identify", []string{"--aligned", "a.jpg"}, "--db"},
		{"serve", []string{"extra"}, "expected 0 arguments, found 1"},
	} {
		wantError(t, visage(t, append([]string{tc.cmd}, tc.args...)...), exitUsage, tc.cmd, tc.want)
	}
	if r := visage(t, "nosuchcommand"); r.code != exitUsage {
		t.Errorf("unknown command: exit %d, want %d", r.code, exitUsage)
	}
	if r := visage(t, "compare", "-h"); r.code != 0 || !strings.Contains(r.stderr, "usage: visage compare") {
		t.Errorf("compare -h: exit %d, stderr %q; want 0 and the usage", r.code, r.stderr)
	}
}

// TestCLIExitStatusesAreTheREADMEs checks the exit statuses the README
// documents ("0 ok, 1 error (one-line reason on stderr), 2 bad usage, 3 no
// face found") as literals, not through exitError, exitUsage and exitNoFace,
// so that renumbering those constants fails here.
func TestCLIExitStatusesAreTheREADMEs(t *testing.T) {
	same1, same2, _, _ := chips(t)
	blank := writePNG(t, image.NewGray(image.Rect(0, 0, 160, 90)))
	for _, tc := range []struct {
		what string
		args []string
		code int
	}{
		{"ok", []string{"compare", "--aligned", same1, same2}, 0},
		{"error", []string{"compare", "--aligned", same1, filepath.Join(t.TempDir(), "missing.jpg")}, 1},
		{"bad usage", []string{"compare", "--aligned", same1}, 2},
		{"unknown command", []string{"nosuchcommand"}, 2},
		{"no command", nil, 2},
		{"no face found", []string{"compare", "--json", blank, blank}, 3},
	} {
		if r := visage(t, tc.args...); r.code != tc.code {
			t.Errorf("%s (visage %q): exit %d, the README says %d; stderr %q", tc.what, tc.args, r.code, tc.code, r.stderr)
		}
	}
}

func TestCLIImageErrors(t *testing.T) {
	same1, _, _, _ := chips(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.jpg")
	corrupt := filepath.Join(dir, "corrupt.jpg")
	if err := os.WriteFile(corrupt, []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.jpg")
	data, err := os.ReadFile(same1)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	wantError(t, visage(t, "compare", "--aligned", same1, missing), exitError, "compare", missing)
	wantError(t, visage(t, "compare", "--aligned", corrupt, same1), exitError, "compare", corrupt)
	wantError(t, visage(t, "encode", "--aligned", same1, truncated), exitError, "encode", truncated)
	wantError(t, visage(t, "encode", "--aligned", "--models", dir, same1), exitError, "encode", dir)
}

// TestCLIRefusesImageBombs replays the hardening report's `visage encode
// --aligned bomb.png`, which died with "fatal error: out of memory" and a
// goroutine dump: the 20000x20000 PNG (400 KB) is refused with its size and
// the budget, with --aligned and as a photo.
func TestCLIRefusesImageBombs(t *testing.T) {
	chips(t) // the face model
	bomb := filepath.Join(t.TempDir(), "bomb.png")
	if err := os.WriteFile(bomb, imageiotest.PNGBomb(20000, 20000, false), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"encode", "--aligned", bomb}, {"encode", bomb}} {
		wantError(t, visage(t, args...), 1, "encode", bomb, "20000x20000 (400.0 megapixels), more than the 25.2 megapixels")
	}
}

func TestCLIEncode(t *testing.T) {
	same1, _, other, _ := chips(t)
	r := visage(t, "encode", "--aligned", "--json", same1, other)
	if r.code != 0 {
		t.Fatalf("encode: exit %d: %s", r.code, r.stderr)
	}
	var out []struct {
		Image string
		Faces []face.Face
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("encode --json output %q: %v", r.stdout, err)
	}
	if len(out) != 2 || out[0].Image != same1 || out[1].Image != other {
		t.Fatalf("encode --json of 2 images gave %d entries: %.200s", len(out), r.stdout)
	}
	for _, im := range out {
		if len(im.Faces) != 1 {
			t.Fatalf("%s: %d faces, want the whole chip as 1", im.Image, len(im.Faces))
		}
		f := im.Faces[0]
		if f.Box != (face.Box{W: 150, H: 150}) || f.Score != 1 || face.CheckDescriptor(f.Encoding) != nil {
			t.Errorf("%s: box %+v score %v, %d numbers; want the 150x150 chip, 1, 128", im.Image, f.Box, f.Score, len(f.Encoding))
		}
	}

	// The human-readable form prints the same numbers, one image a line.
	r = visage(t, "encode", "--aligned", same1, other)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) != 2 {
		t.Fatalf("encode: exit %d, %d lines, want 0 and 2: %s", r.code, len(lines), r.stderr)
	}
	for i, line := range lines {
		path, nums, ok := strings.Cut(line, ": ")
		var got []float32
		if ok {
			err := json.Unmarshal([]byte("["+strings.ReplaceAll(nums, " ", ",")+"]"), &got)
			ok = err == nil
		}
		if !ok || path != out[i].Image || !reflect.DeepEqual(got, out[i].Faces[0].Encoding) {
			t.Errorf("line %d %.100q… does not hold %s's descriptor as --json gives it", i, line, out[i].Image)
		}
	}
}

func TestCLICompare(t *testing.T) {
	same1, same2, other, _ := chips(t)
	compare := func(args ...string) map[string]any {
		t.Helper()
		r := visage(t, append([]string{"compare", "--aligned", "--json"}, args...)...)
		if r.code != 0 {
			t.Fatalf("compare %q: exit %d: %s", args, r.code, r.stderr)
		}
		return decodeJSON(t, r.stdout, "distance", "same", "threshold")
	}
	same := compare(same1, same2)
	if d := same["distance"].(float64); !(d > 0 && d < 0.6) || same["same"] != true || same["threshold"] != 0.6 {
		t.Errorf("two chips of John Salley: %v; want same, 0 < distance < 0.6, threshold 0.6", same)
	}
	diff := compare(same1, other)
	if d := diff["distance"].(float64); !(d >= 0.6) || diff["same"] != false {
		t.Errorf("John Salley vs John Savage: %v; want different, distance >= 0.6", diff)
	}
	// Distance is symmetric and the threshold decides.
	strict := compare("--threshold", "0.05", same2, same1)
	if strict["distance"] != same["distance"] || strict["same"] != false || strict["threshold"] != 0.05 {
		t.Errorf("threshold 0.05 with the images swapped: %v; want distance %v, not the same", strict, same["distance"])
	}
	// Chips were found by no detector: the verdict alone, no face report.
	if r := visage(t, "compare", "--aligned", same1, other); r.code != 0 || !strings.HasPrefix(r.stdout, "different people (distance ") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("compare (human): exit %d, %q; want one line", r.code, r.stdout)
	}
}

func TestCLIEnrollVerifyIdentify(t *testing.T) {
	same1, same2, other, stranger := chips(t)
	db := filepath.Join(t.TempDir(), "people.json")

	r := visage(t, "enroll", "--db", db, "--name", "John Salley", "--aligned", "--json", same1)
	if r.code != 0 {
		t.Fatalf("enroll: exit %d: %s", r.code, r.stderr)
	}
	got := decodeJSON(t, r.stdout, "name", "added", "descriptors", "people")
	if got["name"] != "John Salley" || got["added"] != 1.0 || got["descriptors"] != 1.0 || got["people"] != 1.0 {
		t.Errorf("enroll output %v", got)
	}
	if r := visage(t, "enroll", "--db", db, "--name", "savage", "--aligned", other); r.code != 0 || !strings.HasPrefix(r.stdout, `enrolled 1 image of "savage"`) || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("second enroll: exit %d, %q %s", r.code, r.stdout, r.stderr)
	}
	// A failing image enrolls nothing.
	before, _ := os.ReadFile(db)
	wantError(t, visage(t, "enroll", "--db", db, "--name", "savage", "--aligned", other, filepath.Join(t.TempDir(), "none.jpg")), exitError, "enroll", "none.jpg")
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Errorf("a failed enroll changed the database")
	}
	g, err := loadDB(db)
	if err != nil {
		t.Fatalf("the database is not a valid gallery: %v", err)
	}
	if !reflect.DeepEqual(g.Names(), []string{"John Salley", "savage"}) {
		t.Errorf("database holds %q", g.Names())
	}

	verify := func(name, img string) map[string]any {
		t.Helper()
		r := visage(t, "verify", "--db", db, "--name", name, "--aligned", "--json", img)
		if r.code != 0 {
			t.Fatalf("verify %s: exit %d: %s", name, r.code, r.stderr)
		}
		return decodeJSON(t, r.stdout, "match", "distance")
	}
	v := verify("John Salley", same2)
	cmp := decodeJSON(t, visage(t, "compare", "--aligned", "--json", same1, same2).stdout, "distance", "same", "threshold")
	if v["match"] != true || v["distance"] != cmp["distance"] {
		t.Errorf("verify John Salley with his second chip: %v; want a match at compare's distance %v", v, cmp["distance"])
	}
	if v := verify("savage", same2); v["match"] != false {
		t.Errorf("verify savage with John Salley's chip: %v; want no match", v)
	}
	wantError(t, visage(t, "verify", "--db", db, "--name", "nobody", "--aligned", same2), exitError, "verify", `"nobody"`)
	wantError(t, visage(t, "verify", "--db", db+".missing", "--name", "savage", "--aligned", same2), exitError, "verify", "no database")

	identify := func(args ...string) map[string]any {
		t.Helper()
		r := visage(t, append([]string{"identify", "--db", db, "--aligned", "--json"}, args...)...)
		if r.code != 0 {
			t.Fatalf("identify: exit %d: %s", r.code, r.stderr)
		}
		return decodeJSON(t, r.stdout, "name", "distance", "threshold", "threshold_rule", "margin", "rule_score")
	}
	if id := identify(same2); id["name"] != "John Salley" || id["distance"] != v["distance"] {
		t.Errorf("identify John Salley's second chip: %v; want John Salley at %v", id, v["distance"])
	}
	if id := identify(stranger); id["name"] != nil || !(id["distance"].(float64) >= 0.6) {
		t.Errorf("identify a stranger: %v; want null at distance >= 0.6", id)
	}
	if id := identify("--threshold", "0.05", same2); id["name"] != nil || id["threshold"] != 0.05 || id["threshold_rule"] != "--threshold" || id["margin"] != 0.0 || id["rule_score"] != id["distance"] {
		t.Errorf("identify with threshold 0.05: %v; want null, decided by --threshold 0.05 on the plain distance", id)
	}
	// Without --threshold, the threshold measured for the target FPIR among
	// the database's 2 people (fewer than measured: the smallest size's,
	// with a note), 1% unless --fpir says otherwise.
	for _, target := range []float64{fpir.DefaultTarget, 0.1} {
		want, err := fpir.Measured.At(2, target)
		if err != nil {
			t.Fatal(err)
		}
		id := identify("--fpir", fmt.Sprint(target), same2)
		if rule, _ := id["threshold_rule"].(string); id["threshold"] != want.Threshold || !strings.Contains(rule, "with 2 people enrolled") || !strings.Contains(rule, "measured from") {
			t.Errorf("identify --fpir %v: threshold %v (%v), want %v for 2 people, noted as below the measured sizes", target, id["threshold"], id["threshold_rule"], want.Threshold)
		}
		// The measured rule is the margin rule: score d1 − α·(d2 − d1), d2
		// the other person's distance (verify's).
		other := decodeJSON(t, visage(t, "verify", "--db", db, "--name", "savage", "--aligned", "--json", same2).stdout, "match", "distance")
		d1, d2 := id["distance"].(float64), other["distance"].(float64)
		if score, ok := id["rule_score"].(float64); id["margin"] != float64(fpir.Margin) || !ok || math.Abs(score-(d1-fpir.Margin*(d2-d1))) > 1e-9 {
			t.Errorf("identify --fpir %v: margin %v, rule_score %v; want α %v and %v", target, id["margin"], id["rule_score"], fpir.Margin, d1-fpir.Margin*(d2-d1))
		}
	}
	wantError(t, visage(t, "identify", "--db", db, "--aligned", "--fpir", "0.05", same2), exitUsage, "identify", "target FPIR must be one of the measured 0.1, 0.01, 0.001, found 0.05")
}

// TestCLIEnrollConcurrent runs enrolls of different people into one new
// database at once, as separate processes: the database's lock makes each
// add to what the one before saved, so every person is kept.
func TestCLIEnrollConcurrent(t *testing.T) {
	same1, same2, other, stranger := chips(t)
	db := filepath.Join(t.TempDir(), "people.json")
	people := map[string]string{"salley": same1, "salley again": same2, "savage": other, "schneider": stranger}
	type run struct {
		name   string
		cmd    *exec.Cmd
		stderr bytes.Buffer
	}
	var runs []*run
	for name, img := range people {
		r := &run{name: name, cmd: exec.Command(visageBin, "enroll", "--db", db, "--name", name, "--aligned", img)}
		r.cmd.Stderr = &r.stderr
		if err := r.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	for _, r := range runs {
		if err := r.cmd.Wait(); err != nil {
			t.Errorf("enroll %q: %v: %s", r.name, err, r.stderr.String())
		}
	}
	g, err := loadDB(db)
	if err != nil {
		t.Fatal(err)
	}
	got, want := g.Names(), []string{"salley", "salley again", "savage", "schneider"}
	sort.Strings(got) // in the order the enrolls took the lock
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after %d concurrent enrolls the database holds %q, want %q", len(people), got, want)
	}
}

// TestCLIEnrollDBFile: enroll writes through a database reached by a
// symbolic link, which stays a link, and refuses a read-only database with an
// error that names it and its mode, leaving it as it was.
func TestCLIEnrollDBFile(t *testing.T) {
	same1, _, other, _ := chips(t)
	dir := t.TempDir()
	db, link := filepath.Join(dir, "people.json"), filepath.Join(dir, "link.json")
	if err := os.Symlink("people.json", link); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"salley", "savage"} {
		if r := visage(t, "enroll", "--db", link, "--name", name, "--aligned", same1); r.code != 0 {
			t.Fatalf("enroll %s through a link: exit %d: %s", name, r.code, r.stderr)
		}
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link (%v)", link, err)
	}
	if g, err := loadDB(db); err != nil || !reflect.DeepEqual(g.Names(), []string{"salley", "savage"}) {
		t.Errorf("the link's target: %v, want salley and savage enrolled", err)
	}

	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(db)
	wantError(t, visage(t, "enroll", "--db", db, "--name", "other", "--aligned", other), exitError, "enroll", db+" is read-only (mode 0444); refusing to replace it")
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Errorf("enroll changed a read-only database")
	}
}

func TestCLIServe(t *testing.T) {
	dir := writeSite(t)
	cmd := exec.Command(visageBin, "serve", "--dir", dir, "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading serve's first line: %v", err)
	}
	m := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+/)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("serve said %q, want the 127.0.0.1 URL it listens on", line)
	}
	res, err := http.Get(m[1] + "visage.wasm")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/wasm" || res.Header.Get("Cross-Origin-Embedder-Policy") != "require-corp" {
		t.Errorf("GET visage.wasm: %d, headers %v", res.StatusCode, res.Header)
	}
	// The Host check is on: a rebound name is refused.
	req, err := http.NewRequest("GET", m[1]+"visage.wasm", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "attacker.example"
	if res, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("GET visage.wasm with Host attacker.example: %d, want 421", res.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v, want a clean exit", err)
	}
}

// writePNG writes img as a PNG in a temporary directory and returns its path.
func writePNG(t *testing.T, img image.Image) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "photo.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCLIAllFaces runs compare, verify and identify on a photo of two
// people (Abel Pacheco left, Akhmed Zakayev right): without --all they use
// the larger face (Abel's) and report it, as enroll reports each image's,
// with --all they report both, each with the box, score and landmarks
// encode finds and the distance its descriptor gives.
func TestCLIAllFaces(t *testing.T) {
	lfw := lfwDir(t)
	group := writePNG(t, assettest.LFWGroup(t, "Abel_Pacheco/Abel_Pacheco_0001.jpg", "Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg"))
	abel := filepath.Join(lfw, "Abel_Pacheco", "Abel_Pacheco_0004.jpg")
	akhmed := filepath.Join(lfw, "Akhmed_Zakayev", "Akhmed_Zakayev_0002.jpg")
	run := func(args ...string) string {
		t.Helper()
		r := visage(t, args...)
		if r.code != 0 {
			t.Fatalf("%q: exit %d: %s", args, r.code, r.stderr)
		}
		return r.stdout
	}

	// The reference: encode's faces and descriptors.
	var enc []imageFaces
	if err := json.Unmarshal([]byte(run("encode", "--json", group, abel)), &enc); err != nil {
		t.Fatal(err)
	}
	faces, abelFace := enc[0].Faces, enc[1].Faces[0]
	if len(faces) != 2 || len(enc[1].Faces) != 1 {
		t.Fatalf("encode found %d and %d faces, want 2 and 1", len(faces), len(enc[1].Faces))
	}
	left := 0 // Abel's face: on the left, and the larger
	if faces[1].Box.X < faces[0].Box.X {
		left = 1
	}
	if face.Largest(faces) != left {
		t.Fatalf("faces %+v, %+v: the left one is not the larger", faces[0].Box, faces[1].Box)
	}
	dist := func(i int) float64 { return face.Distance(faces[i].Encoding, abelFace.Encoding) }
	sameWhere := func(got faceReport, want face.Face) bool {
		return got.Box == want.Box && got.Score == want.Score && reflect.DeepEqual(got.Landmarks, want.Landmarks) && len(got.Landmarks) == 68
	}
	// used decodes the face reports under keys of a JSON object.
	used := func(out string, keys ...string) []faceReport {
		t.Helper()
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("%q: %v", out, err)
		}
		r := make([]faceReport, len(keys))
		for i, k := range keys {
			if err := json.Unmarshal(m[k], &r[i]); err != nil {
				t.Fatalf("%q: %q is not a face report: %v", out, k, err)
			}
		}
		return r
	}
	// usedText is how the text output reports face f under label.
	usedText := func(label string, f face.Face) string {
		return fmt.Sprintf("\n%s: box %.1f,%.1f %.1fx%.1f, score %.4f\n  landmarks: %.1f,%.1f ", label, f.Box.X, f.Box.Y, f.Box.W, f.Box.H, f.Score, f.Landmarks[0].X, f.Landmarks[0].Y)
	}

	// compare: the larger face, or every pair.
	out := run("compare", "--json", group, abel)
	one := decodeJSON(t, out, "distance", "same", "threshold", "face1", "face2")
	if one["distance"] != dist(left) || one["same"] != true {
		t.Errorf("compare group Abel: %v; want the left face's distance %v, same", one, dist(left))
	}
	if r := used(out, "face1", "face2"); !sameWhere(r[0], faces[left]) || !sameWhere(r[1], abelFace) {
		t.Errorf("compare group Abel reports faces at %+v and %+v; want encode's %+v and %+v", r[0].Box, r[1].Box, faces[left].Box, abelFace.Box)
	}
	text := run("compare", group, abel)
	for _, want := range []string{"same person (distance ", usedText("image 1 face", faces[left]), usedText("image 2 face", abelFace)} {
		if !strings.Contains(text, want) {
			t.Errorf("compare says %q, without %q", text, want)
		}
	}
	var all struct {
		Threshold      float64
		Faces1, Faces2 []faceReport
		Pairs          []comparePair
	}
	if err := json.Unmarshal([]byte(run("compare", "--all", "--json", group, abel)), &all); err != nil {
		t.Fatal(err)
	}
	if len(all.Faces1) != 2 || len(all.Faces2) != 1 || len(all.Pairs) != 2 || all.Threshold != 0.6 {
		t.Fatalf("compare --all: %+v; want 2 and 1 faces, 2 pairs", all)
	}
	for i, p := range all.Pairs {
		if !sameWhere(all.Faces1[i], faces[i]) || p.Face1 != i || p.Face2 != 0 || p.Distance != dist(i) || p.Same != (i == left) {
			t.Errorf("compare --all pair %d: %+v, face %+v; want face %d of encode, distance %v, same %v", i, p, all.Faces1[i].Box, i, dist(i), i == left)
		}
	}
	if !sameWhere(all.Faces2[0], abelFace) {
		t.Errorf("compare --all: image 2's face %+v, encode's %+v", all.Faces2[0].Box, abelFace.Box)
	}
	text = run("compare", "--all", group, abel)
	for _, want := range []string{"image 1 face 2: box ", "image 2 face 1: box ", "\n  landmarks: ", fmt.Sprintf("face 1.%d vs 2.1: same person (distance %.4f", left+1, dist(left))} {
		if !strings.Contains(text, want) {
			t.Errorf("compare --all says %q, without %q", text, want)
		}
	}

	// enroll reports the face it took from each image: the larger of the group's.
	out = run("enroll", "--db", filepath.Join(t.TempDir(), "abel.json"), "--name", "Abel", "--json", abel, group)
	var enrolled struct {
		Added int
		Faces []struct {
			Image string
			faceReport
		}
	}
	decodeJSON(t, out, "name", "added", "descriptors", "people", "faces")
	if err := json.Unmarshal([]byte(out), &enrolled); err != nil {
		t.Fatal(err)
	}
	if ef := enrolled.Faces; enrolled.Added != 2 || len(ef) != 2 || ef[0].Image != abel || !sameWhere(ef[0].faceReport, abelFace) || ef[1].Image != group || !sameWhere(ef[1].faceReport, faces[left]) {
		t.Errorf("enroll Abel's photo and the group: %.300s; want encode's face of each, the group's larger", out)
	}

	// verify and identify against a database of both, enrolled from other photos.
	db := filepath.Join(t.TempDir(), "people.json")
	if text := run("enroll", "--db", db, "--name", "Abel", abel); !strings.Contains(text, usedText(abel, abelFace)) {
		t.Errorf("enroll says %q, without %q", text, usedText(abel, abelFace))
	}
	run("enroll", "--db", db, "--name", "Akhmed", akhmed)
	out = run("verify", "--db", db, "--name", "Abel", "--json", group)
	if v := decodeJSON(t, out, "match", "distance", "face"); v["match"] != true || v["distance"] != dist(left) || !sameWhere(used(out, "face")[0], faces[left]) {
		t.Errorf("verify Abel with the group: %.300s; want the left face's match at %v, and the face as encode gives it", out, dist(left))
	}
	out = run("identify", "--db", db, "--json", group)
	if id := decodeJSON(t, out, "name", "distance", "threshold", "threshold_rule", "margin", "rule_score", "face"); id["name"] != "Abel" || id["distance"] != dist(left) || !sameWhere(used(out, "face")[0], faces[left]) {
		t.Errorf("identify the group: %.300s; want Abel at %v, and the left face as encode gives it", out, dist(left))
	}
	text = run("verify", "--db", db, "--name", "Abel", group)
	for _, want := range []string{`match: "Abel" (distance `, usedText("face", faces[left])} {
		if !strings.Contains(text, want) {
			t.Errorf("verify says %q, without %q", text, want)
		}
	}
	var verified struct {
		Faces []struct {
			faceReport
			verifyResult
		}
	}
	out = run("verify", "--db", db, "--name", "Abel", "--all", "--json", group)
	if err := json.Unmarshal([]byte(out), &verified); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, `"face":`) {
		t.Errorf("verify --all: %.300s; want each face's report beside its result, not a \"face\" in it", out)
	}
	var identified struct {
		Faces []struct {
			faceReport
			identifyResult
		}
	}
	if err := json.Unmarshal([]byte(run("identify", "--db", db, "--all", "--json", group)), &identified); err != nil {
		t.Fatal(err)
	}
	if len(verified.Faces) != 2 || len(identified.Faces) != 2 {
		t.Fatalf("verify --all and identify --all: %d and %d faces, want 2", len(verified.Faces), len(identified.Faces))
	}
	for i, want := range faces {
		v, id := verified.Faces[i], identified.Faces[i]
		who := map[bool]string{true: "Abel", false: "Akhmed"}[i == left]
		if !sameWhere(v.faceReport, want) || v.Match != (i == left) || v.Distance != dist(i) {
			t.Errorf("verify --all face %d: %+v; want encode's face, match %v at %v", i, v, i == left, dist(i))
		}
		if !sameWhere(id.faceReport, want) || id.Name == nil || *id.Name != who || !(id.Distance < 0.6) {
			t.Errorf("identify --all face %d: %+v; want encode's face, %s", i, id, who)
		}
		if i == left && id.Distance != dist(i) {
			t.Errorf("identify --all: Abel at %v, want %v", id.Distance, dist(i))
		}
	}
	text = run("identify", "--db", db, "--all", group)
	for _, want := range []string{"face 1: box ", "face 2: box ", "\n  Abel (margin score ", "\n  Akhmed (margin score "} {
		if !strings.Contains(text, want) {
			t.Errorf("identify --all says %q, without %q", text, want)
		}
	}

	// No face is no face, with --all too.
	blank := writePNG(t, image.NewGray(image.Rect(0, 0, 160, 90)))
	for _, args := range [][]string{{"compare", "--all", "--json", group, blank}, {"identify", "--db", db, "--all", "--json", blank}} {
		if r := visage(t, args...); r.code != exitNoFace || strings.TrimSpace(r.stdout) != `{"error":"no_face"}` {
			t.Errorf("%q: exit %d, stdout %q; want %d and {\"error\":\"no_face\"}", args, r.code, r.stdout, exitNoFace)
		}
	}
}

// loadDB reads a database enroll wrote in the clear, as vault reads it.
func loadDB(path string) (*face.Gallery, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	store, key, err := vault.ReadFile(data, func() ([]byte, error) { return nil, errors.New("the database is encrypted") })
	if err != nil {
		return nil, err
	}
	g, err := vault.Open(store, key.Sealer())
	if err != nil {
		return nil, err
	}
	return g.Matcher(), nil
}

// TestCLIEncryptedDB: given a passphrase (by $VISAGE_PASSPHRASE or
// --passphrase-fd), enroll encrypts the database, an older FaceMatcher JSON
// one included, and verify needs that passphrase: without it, or with a
// wrong one, it fails saying so and the file stays as it was.
func TestCLIEncryptedDB(t *testing.T) {
	same1, same2, other, _ := chips(t)
	db := filepath.Join(t.TempDir(), "people.json")
	// An older database: FaceMatcher JSON with savage in it.
	old := face.NewGallery()
	var encoded []struct{ Faces []face.Face }
	if err := json.Unmarshal([]byte(visage(t, "encode", "--aligned", "--json", other).stdout), &encoded); err != nil || len(encoded) != 1 || len(encoded[0].Faces) != 1 {
		t.Fatalf("encode --json of one chip: %v", err)
	}
	enc := encoded[0].Faces[0].Encoding
	if err := old.Enroll("savage", enc); err != nil {
		t.Fatal(err)
	}
	if err := face.SaveGallery(db, old); err != nil {
		t.Fatal(err)
	}
	withPass := func(pass string, args ...string) result {
		t.Helper()
		t.Setenv(envPassphrase, pass)
		defer os.Unsetenv(envPassphrase)
		return visage(t, args...)
	}
	if r := withPass("open sesame, please", "enroll", "--db", db, "--name", "John Salley", "--aligned", same1); r.code != 0 {
		t.Fatalf("enroll with a passphrase: exit %d: %s", r.code, r.stderr)
	}
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{"savage", "Salley", "descriptors", fmt.Sprint(enc[0])} {
		if bytes.Contains(data, []byte(clear)) {
			t.Errorf("the encrypted database holds %q in the clear", clear)
		}
	}
	if !bytes.Contains(data, []byte(`"iterations": 600000`)) {
		t.Errorf("the database does not record PBKDF2's 600000 iterations:\n%.300s", data)
	}
	wantError(t, visage(t, "verify", "--db", db, "--name", "savage", "--aligned", other), exitError, "verify", "is encrypted", "--passphrase-fd", envPassphrase)
	wantError(t, withPass("open sesame", "verify", "--db", db, "--name", "savage", "--aligned", other), exitError, "verify", "wrong passphrase")
	wantError(t, withPass("open sesame", "enroll", "--db", db, "--name", "x", "--aligned", other), exitError, "enroll", "wrong passphrase")
	if after, _ := os.ReadFile(db); !bytes.Equal(after, data) {
		t.Error("a wrong passphrase changed the database")
	}
	// --passphrase-fd: both people are there, the old one included.
	for name, img := range map[string]string{"savage": other, "John Salley": same2} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(w, "open sesame, please")
		w.Close()
		cmd := exec.Command(visageBin, "verify", "--db", db, "--passphrase-fd", "3", "--name", name, "--aligned", "--json", img)
		cmd.ExtraFiles = []*os.File{r}
		out, err := cmd.Output()
		r.Close()
		if err != nil {
			t.Fatalf("verify %s with --passphrase-fd: %v", name, err)
		}
		if v := decodeJSON(t, string(out), "match", "distance"); v["match"] != true {
			t.Errorf("verify %s against the encrypted database: %v, want a match", name, v)
		}
	}
	wantError(t, visage(t, "verify", "--db", db, "--passphrase-fd", "-1", "--name", "savage", "--aligned", other), exitUsage, "verify", "file descriptor")
}

// --encoder picks the encoder of encode, compare, enroll, verify and
// identify; a database keeps the encoder it was made with and refuses the
// other's descriptors with an error naming both.
func TestCLIEncoderFlag(t *testing.T) {
	for _, cmd := range []string{"encode", "compare", "enroll", "verify", "identify"} {
		args := []string{cmd, "--encoder", "arcface", "--db", filepath.Join(t.TempDir(), "db.json"), "--name", "x", "--aligned", "a.jpg"}
		switch cmd {
		case "encode":
			args = []string{cmd, "--encoder", "arcface", "--aligned", "a.jpg"}
		case "compare":
			args = []string{cmd, "--encoder", "arcface", "--aligned", "a.jpg", "b.jpg"}
		case "identify":
			args = []string{cmd, "--encoder", "arcface", "--db", filepath.Join(t.TempDir(), "db.json"), "--aligned", "a.jpg"}
		}
		r := visage(t, args...)
		if cmd == "verify" || cmd == "identify" { // the missing database is found first
			if r.code == 0 {
				t.Errorf("%s --encoder arcface: exit 0", cmd)
			}
			continue
		}
		wantError(t, r, exitUsage, cmd, `--encoder: face: unknown encoder "arcface"`)
	}

	same1, same2, other, _ := chips(t)
	assettest.Need(t, func() error { _, err := assets.HumanModelsDir(); return err }())
	r := visage(t, "encode", "--encoder", "mobilefacenet", "--aligned", "--json", same1)
	var out []struct{ Faces []face.Face }
	if err := json.Unmarshal([]byte(r.stdout), &out); r.code != 0 || err != nil || len(out) != 1 || len(out[0].Faces[0].Encoding) != 192 {
		t.Fatalf("encode --encoder mobilefacenet: exit %d %s, %.200s", r.code, r.stderr, r.stdout)
	}
	cmp := decodeJSON(t, visage(t, "compare", "--encoder", "mobilefacenet", "--aligned", "--json", same1, same2).stdout, "distance", "same", "threshold")
	if cmp["threshold"] != face.MobileFaceNetThreshold {
		t.Errorf("compare --encoder mobilefacenet: threshold %v, want the encoder's %v", cmp["threshold"], face.MobileFaceNetThreshold)
	}

	db := filepath.Join(t.TempDir(), "people.json")
	if r := visage(t, "enroll", "--db", db, "--name", "Ada", "--encoder", "mobilefacenet", "--aligned", same1); r.code != 0 {
		t.Fatalf("enroll --encoder mobilefacenet: exit %d: %s", r.code, r.stderr)
	}
	g, err := loadDB(db)
	if err != nil || g.Encoder() != face.EncoderMobileFaceNet {
		t.Fatalf("the new database: %v, encoder %q", err, g.Encoder())
	}
	want := "the gallery holds mobilefacenet descriptors; dlib descriptors cannot be enrolled in it or compared with them"
	wantError(t, visage(t, "verify", "--db", db, "--name", "Ada", "--aligned", same2), exitError, "verify", want)
	wantError(t, visage(t, "identify", "--db", db, "--aligned", same2), exitError, "identify", want)
	wantError(t, visage(t, "enroll", "--db", db, "--name", "Bo", "--aligned", other), exitError, "enroll", want)
	r = visage(t, "verify", "--db", db, "--name", "Ada", "--encoder", "mobilefacenet", "--aligned", "--json", same1)
	if v := decodeJSON(t, r.stdout, "match", "distance"); v["match"] != true || v["distance"] != 0.0 {
		t.Errorf("verify Ada with her enrolled chip, mobilefacenet: %v", v)
	}
}
