#!/usr/bin/env bash
# lfw.sh reproduces README.md's "Learning a similarity" table: on the cached
# descriptors of LFW's peopleDevTrain people it trains triplet heads (hard,
# semi-hard and random negatives) and pair classifiers (|f_i − f_j| and χ²),
# all with seed 1, then scores them beside plain distance on the same pairs
# (train-eval: pairsDevTest.txt, and pairs.txt's 10 folds without any
# training person).
#
#   testdata/learn/lfw.sh [CACHE [OUT]]
#
# CACHE defaults to the cache that README.md's `visage lfw --out
# build/lfw-full --also-people peopleDevTrain.txt --max-per-person 3
# --also-pairs pairsDevTest.txt` makes with lfw's default settings (the
# mean of both alignments' mirror-averaged descriptors): every image the
# protocol reads. Training uses images 1..3 of each peopleDevTrain
# person (--max-per-person 3) even where the cache holds more.
# OUT (default build/learn) receives each head (NAME.json), its run's output
# (NAME.txt, NAME.log), the side-by-side table (table.txt) and every head's
# loss per epoch (losses.png); the table's rows as JSON go to
# testdata/results/learn-lfw.json, the committed output that README.md's
# table quotes (TestREADMELearningTable checks it). A run takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache=${1:-build/lfw-full/encodings-ssd0.1-0.1+pad0.25+tiny+centred+landmarks68+mirrored+both+mirror.bin}
data=(--cache "$cache" --seed 1 --max-per-person 3)
out=${2:-build/learn}
mkdir -p "$out"
go build -o "$out/visage" ./cmd/visage

heads=()
# train NAME COMMAND FLAGS…: one training run, its head added to the table.
train() {
	local name=$1 cmd=$2
	shift 2
	echo "$cmd $* → $out/$name.json" >&2
	"$out/visage" "$cmd" "${data[@]}" --out "$out/$name.json" "$@" >"$out/$name.txt" 2>"$out/$name.log"
	heads+=(--head "$out/$name.json")
}
for mining in hard semi-hard random; do
	train "triplet-$mining" train-triplet --mining "$mining"
	train "triplet-identity-$mining" train-triplet --mining "$mining" --dim 128 --identity --lr 1e-4
done
for feature in abs chi2; do
	train "pairs-$feature" train-pairs --feature "$feature"
done
"$out/visage" train-eval "${data[@]}" --plot "$out/losses.png" "${heads[@]}" | tee "$out/table.txt"
"$out/visage" train-eval "${data[@]}" --json "${heads[@]}" >testdata/results/learn-lfw.json
