//go:build js && wasm

package main

import (
	"reflect"
	"strings"
	"syscall/js"
	"testing"

	"visage/core/engine"
	"visage/core/jsvalue"
)

// TestUnitsRejects: unitsStart needs artLoad's network; core/engine's
// tests check the pass.
func TestUnitsRejects(t *testing.T) {
	if s := call(newAPI(), "unitsStart", map[string]any{"layer": "conv1_1"}); !strings.Contains(s.rejected, "before artLoad") {
		t.Errorf("unitsStart before artLoad: rejected with %q", s.rejected)
	}
}

// TestUnitChoice: unitsTop's units are a count or an array of channels.
func TestUnitChoice(t *testing.T) {
	for _, c := range []struct {
		v    js.Value
		want engine.UnitChoice
		err  string
	}{
		{js.ValueOf(3), engine.UnitChoice{Top: 3}, ""},
		{js.ValueOf([]any{4, 0}), engine.UnitChoice{Channels: []float64{4, 0}, List: true}, ""},
		{js.ValueOf("all"), engine.UnitChoice{}, "units must be a number or an array of channels, found string"},
		{js.ValueOf([]any{1, "2"}), engine.UnitChoice{}, "units: element 1 must be a number, found string"},
	} {
		var in struct {
			Units engine.UnitChoice `js:"units"`
		}
		err := jsvalue.DecodeArgs("unitsTop", []js.Value{c.v}, &in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("units %v: error %v, want %q", c.v, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(in.Units, c.want) {
			t.Errorf("units %v: %+v, %v; want %+v", c.v, in.Units, err, c.want)
		}
	}
}
