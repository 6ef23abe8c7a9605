//go:build js && wasm

package main

import (
	"math/rand/v2"

	"visage/core/backend/webgpu"
)

// checkHalf runs the face recognition and style-transfer checks with the
// device's precision set to webgpu.F16, their Op prefixed "f16 ". On an
// adapter without shader-f16 it first checks that SetPrecision refuses F16
// and leaves F32, then runs them with F16 emulated
// (webgpu.Device.EmulateF16ForTesting: F16's numbers, not its speed),
// returning why in noF16.
func checkHalf(d *webgpu.Device, rng *rand.Rand) (results []Result, noF16 string) {
	if err := d.SetPrecision(webgpu.F16); err != nil {
		if p := d.Precision(); p != webgpu.F32 {
			return []Result{{Op: "f16", Case: "refused precision", Error: "SetPrecision failed (" + err.Error() + ") but left " + string(p)}}, ""
		}
		noF16 = err.Error() + "; F16 emulated"
		d.EmulateF16ForTesting()
		if err := d.SetPrecision(webgpu.F16); err != nil {
			return []Result{{Op: "f16", Case: "emulated precision", Error: err.Error()}}, noF16
		}
	}
	results = append(checkFaceRec(d, rng), checkNST(d, rng)...)
	for i := range results {
		results[i].Op = "f16 " + results[i].Op
	}
	return results, noF16
}
