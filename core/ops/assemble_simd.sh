#!/usr/bin/env bash
# assemble_simd.sh DIR assembles simd.wat with wabt's wat2wasm into four
# modules in DIR: simd-relaxed.wasm (relaxed SIMD: fused multiply-adds) and
# simd.wasm (plain 128-bit SIMD, for engines without relaxed SIMD), each
# importing an ordinary memory (the Go instance's), and their -shared twins,
# which import a shared memory (the kernel helpers' in web/simd.js).
# web/simd.js picks the first build the engine accepts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here/simd.wat" "$tmp/simd-relaxed.wat"
sed -E 's/\(f32x4\.relaxed_madd (\(local\.get [$][a-z0-9]+\)) (\(local\.get [$][a-z0-9]+\)) (\(local\.get [$][a-z0-9]+\))\)/(f32x4.add (f32x4.mul \1 \2) \3)/g' \
	"$here/simd.wat" >"$tmp/simd.wat"
if grep -v "^[[:space:]]*;;" "$tmp/simd.wat" | grep -q relaxed; then
	echo "assemble_simd.sh: a relaxed instruction in simd.wat is not in the form it rewrites" >&2
	exit 1
fi
memory='(import "go" "mem" (memory 0))'
grep -qF "$memory" "$here/simd.wat" || {
	echo "assemble_simd.sh: simd.wat no longer imports its memory as $memory" >&2
	exit 1
}
for build in simd-relaxed simd; do
	wat2wasm --enable-relaxed-simd "$tmp/$build.wat" -o "$out/$build.wasm"
	# A shared memory's maximum must be declared: 16384 pages, 1 GiB.
	sed "s/(memory 0))/(memory 0 16384 shared))/" "$tmp/$build.wat" >"$tmp/$build-shared.wat"
	wat2wasm --enable-relaxed-simd --enable-threads "$tmp/$build-shared.wat" -o "$out/$build-shared.wasm"
done
