#!/usr/bin/env bash
# lfw.sh writes the committed outputs behind README.md's "Accuracy on LFW"
# rows for Visage: `visage lfw` over pairs.txt's 10 folds with each row's
# alignment and mirror settings (and face-api.js's crop with its mirror;
# lfw's other settings at their defaults), each run's lfw.json copied to
# testdata/results/lfw-folds1-10-dlib-ROW.json (only their plots' paths
# depend on where the caches were scored).
# TestREADMELFWTable (cmd/visage) checks the table against them.
#
#   testdata/results/lfw.sh [DIR]
#
# DIR (default build/lfw-full) holds the merged encodings caches of every
# variant, as `visage lfw … --out DIR --all-variants` leaves them. The runs
# score in build/lfw-rows, which gets links to DIR's per-variant caches
# (the mean of both alignments is written there), in under a minute a row;
# DIR is only read unless its caches lack an image of pairs.txt, which is
# then encoded (hours for all of LFW) and added to them. LFW is
# $VISAGE_SHARED/data/lfw (default ../shared/data/lfw).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(cd "${1:-build/lfw-full}" && pwd)
lfw=${VISAGE_SHARED:-../shared}/data/lfw
out=build/lfw-rows
rm -rf "$out" && mkdir -p "$out"
for variant in similarity similarity+mirror faceapi faceapi+mirror; do
	ln -s "$dir"/encodings-*+"$variant".bin "$out/"
done
ln -s "$dir"/landmarks-*.bin "$out/"
go build -o build/visage ./cmd/visage
while read -r row flags; do
	echo "lfw $flags → testdata/results/lfw-folds1-10-dlib-$row.json" >&2
	# shellcheck disable=SC2086 # flags are words
	build/visage lfw --dir "$lfw/images_deepfunneled" --pairs "$lfw/pairs.txt" --out "$out" $flags >/dev/null
	cp "$out/lfw.json" "testdata/results/lfw-folds1-10-dlib-$row.json"
done <<'ROWS'
both-mirror --align both
similarity-mirror --align similarity
similarity --align similarity --mirror=false
faceapi-mirror --align faceapi
faceapi --align faceapi --mirror=false
ROWS
