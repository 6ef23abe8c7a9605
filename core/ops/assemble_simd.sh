#!/usr/bin/env bash
# assemble_simd.sh DIR assembles simd.wat into DIR/simd-relaxed.wasm (relaxed
# SIMD: fused multiply-adds) and DIR/simd.wasm (plain 128-bit SIMD, for
# engines without relaxed SIMD) with wabt's wat2wasm. web/simd.js picks the
# first one the engine accepts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
wat2wasm --enable-relaxed-simd "$here/simd.wat" -o "$out/simd-relaxed.wasm"
plain=$(mktemp --suffix=.wat)
trap 'rm -f "$plain"' EXIT
sed -E 's/\(f32x4\.relaxed_madd (\(local\.get [$][a-z0-9]+\)) (\(local\.get [$][a-z0-9]+\)) (\(local\.get [$][a-z0-9]+\))\)/(f32x4.add (f32x4.mul \1 \2) \3)/g' \
	"$here/simd.wat" >"$plain"
if grep -v "^[[:space:]]*;;" "$plain" | grep -q relaxed; then
	echo "assemble_simd.sh: a relaxed instruction in simd.wat is not in the form it rewrites" >&2
	exit 1
fi
wat2wasm "$plain" -o "$out/simd.wasm"
