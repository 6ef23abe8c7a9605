package graph

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
)

// attrValue is one entry of a node's attr map: a TensorFlow AttrValue as the
// converter writes it (int64s as JSON strings, strings base64-encoded).
type attrValue struct {
	S     *string    `json:"s"`
	I     *jsonInt   `json:"i"`
	F     *float64   `json:"f"`
	B     *bool      `json:"b"`
	Type  string     `json:"type"`
	List  *attrList  `json:"list"`
	Shape *shapeJSON `json:"shape"`
}

type attrList struct {
	S []string  `json:"s"`
	I []jsonInt `json:"i"`
	F []float64 `json:"f"`
}

// shapeJSON is a TensorShapeProto: dims with sizes as strings, -1 unknown.
type shapeJSON struct {
	Dim         []struct{ Size jsonInt } `json:"dim"`
	UnknownRank bool                     `json:"unknownRank"`
}

// jsonInt is an int64 written either as a JSON number or a JSON string.
type jsonInt int64

func (j *jsonInt) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %s", b)
	}
	*j = jsonInt(v)
	return nil
}

// attrs gives typed access to a node's attributes; every accessor reports a
// malformed value as an error naming the attribute.
type attrs map[string]attrValue

// str returns the decoded string attribute name, or def when absent.
func (a attrs) str(name, def string) (string, error) {
	v, ok := a[name]
	if !ok || v.S == nil {
		return def, nil
	}
	b, err := base64.StdEncoding.DecodeString(*v.S)
	if err != nil {
		return "", fmt.Errorf("attr %s: not base64: %q", name, *v.S)
	}
	return string(b), nil
}

// strs returns the decoded string-list attribute name (nil when absent).
func (a attrs) strs(name string) ([]string, error) {
	v, ok := a[name]
	if !ok || v.List == nil {
		return nil, nil
	}
	out := make([]string, len(v.List.S))
	for i, s := range v.List.S {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("attr %s[%d]: not base64: %q", name, i, s)
		}
		out[i] = string(b)
	}
	return out, nil
}

// ints returns the int-list attribute name, or def when absent or empty.
func (a attrs) ints(name string, def []int) []int {
	v, ok := a[name]
	if !ok || v.List == nil || len(v.List.I) == 0 {
		return def
	}
	out := make([]int, len(v.List.I))
	for i, x := range v.List.I {
		out[i] = clampInt(int64(x))
	}
	return out
}

// int returns the int attribute name, or def when absent.
func (a attrs) int(name string, def int) int {
	if v, ok := a[name]; ok && v.I != nil {
		return clampInt(int64(*v.I))
	}
	return def
}

// float returns the float attribute name, or def when absent.
func (a attrs) float(name string, def float64) float64 {
	if v, ok := a[name]; ok && v.F != nil {
		return *v.F
	}
	return def
}

// bool returns the bool attribute name, or def when absent.
func (a attrs) bool(name string, def bool) bool {
	if v, ok := a[name]; ok && v.B != nil {
		return *v.B
	}
	return def
}

// clampInt keeps absurd int64 attributes from wrapping when narrowed; the
// shape checks then reject them.
func clampInt(v int64) int {
	const lim = 1 << 40
	return int(max(min(v, lim), -lim))
}
