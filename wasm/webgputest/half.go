//go:build js && wasm

package main

import (
	"math/rand/v2"

	"visage/wasm/webgpu"
)

// checkHalf runs the face recognition and style-transfer checks with the
// device's precision set to webgpu.F16, their Op prefixed "f16 ". It
// returns why instead when the adapter lacks shader-f16, after checking
// that the device stayed at F32.
func checkHalf(d *webgpu.Device, rng *rand.Rand) (results []Result, noF16 string) {
	if err := d.SetPrecision(webgpu.F16); err != nil {
		if p := d.Precision(); p != webgpu.F32 {
			return []Result{{Op: "f16", Case: "refused precision", Error: "SetPrecision failed (" + err.Error() + ") but left " + string(p)}}, ""
		}
		return nil, err.Error()
	}
	results = append(checkFaceRec(d, rng), checkNST(d, rng)...)
	for i := range results {
		results[i].Op = "f16 " + results[i].Op
	}
	return results, ""
}
