#!/usr/bin/env bash
# Open-set identification on small grey faces (README, "Recognition among K
# people"): every 4th person of LFW's lfw-names.txt, photos halved to 125 px
# and made grey (lfw --degrade small-grey), then identify-eval on them and on
# the same people at full quality (which needs build/lfw-all, the README's
# full encoding run). Writes build/small-grey/ and build/identify/small-grey*/.
set -euo pipefail
cd "$(dirname "$0")/../.."
L=${VISAGE_SHARED:-../shared}/data/lfw
out=build/small-grey
mkdir -p "$out"
# The people: a count, then "name<TAB>images" lines (peopleDevTrain.txt's layout).
awk 'NF && (NR - 1) % 4 == 0 { print $1 "\t" $2 }' "$L/lfw-names.txt" >"$out/people.body"
{ wc -l <"$out/people.body" | tr -d ' '; cat "$out/people.body"; } >"$out/people.txt"
rm "$out/people.body"
# lfw needs a pairs file: two folds, each one same pair (a person of 2+
# images) and one different pair (two people of one image), from the subset.
awk -F'\t' 'NR > 1 && $2 >= 2 { m[++nm] = $1 } NR > 1 && $2 == 1 { s[++ns] = $1 }
	END { printf "2\t1\n%s\t1\t2\n%s\t1\t%s\t1\n%s\t1\t2\n%s\t1\t%s\t1\n", m[1], s[1], s[2], m[2], s[3], s[4] }' \
	"$out/people.txt" >"$out/pairs.txt"
./build.sh cli lfw --dir "$L/images_deepfunneled" --pairs "$out/pairs.txt" --folds 1-2 \
	--also-people "$out/people.txt" --also-min-images 1 --degrade small-grey --out "$out"
tag=ssd0.1-0.1+pad0.25+tiny+centred+landmarks68+mirrored+both+mirror
./build.sh cli identify-eval --dir "$L/images_deepfunneled" --people "$out/people.txt" --k 10,30,100,all --margins 1 \
	--cache "$out/encodings-small-grey+$tag.bin" --out build/identify/small-grey
./build.sh cli identify-eval --dir "$L/images_deepfunneled" --people "$out/people.txt" --k 10,30,100,all --margins 1 \
	--cache "build/lfw-all/encodings-$tag.bin" --out build/identify/small-grey-full
