#!/usr/bin/env bash
# scripts/bench.sh — `make bench` (after `make build`): measure awsmfa beside
# yardsticks taken in the same run, and print ONE table of ratios against
# the targets in README.md. This machine may be noisy, so each figure is set
# against its yardstick measured moments apart by the same tool; absolute
# times are in the last column only.
#
# It runs against bin/stsemu on 127.0.0.1 with an isolated HOME, AWS config
# and cache in one temporary directory, which it removes on exit along with
# the emulator. Progress goes to stderr, the table to stdout.
#
# Environment: BENCH_RUNS (runs per timed command, default 300, at least
# 200), BENCH_ROUNDS (default 10: the runs are split into rounds, see
# measure), BENCH_WARMUP (default 30), BENCH_PROMPTS (prompts per shell
# configuration for the hook benchmark, default 500), BENCH_COLD_RUNS (runs
# of each tool on the cold path beside aws-vault, default 60). hyperfine is
# used when installed (-N, JSON export); otherwise
# internal/benchprog/benchtool times the runs itself.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${BENCH_RUNS:-300}
WARMUP=${BENCH_WARMUP:-30}
if ! [ "$RUNS" -ge 200 ] 2>/dev/null; then
	echo "bench: BENCH_RUNS must be a number of at least 200, not '$RUNS'" >&2
	exit 2
fi
for b in bin/awsmfa bin/stsemu; do
	[ -x "$b" ] || { echo "bench: $b is missing; run 'make bench' (it builds first) or 'make build'" >&2; exit 1; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/awsmfa-bench.XXXXXX")
EMU_PID=
cleanup() {
	if [ -n "$EMU_PID" ]; then
		kill "$EMU_PID" 2>/dev/null || true
		wait "$EMU_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
case $TMP in *[[:space:]]*)
	echo "bench: the temporary directory '$TMP' has a space in it; set TMPDIR to a path without one" >&2
	exit 1 ;;
esac
say() { echo "bench: $*" >&2; }

# Every program runs from $TMP/bin, so no command line has the checkout's
# path (which may hold spaces) in it. The yardsticks are built by the same
# toolchain with the same flags as `make build` (keep them in step with the
# Makefile's BUILD).
say "building the yardsticks"
BIN=$TMP/bin
mkdir -p "$BIN"
cp bin/awsmfa bin/stsemu "$BIN/"
build() { CGO_ENABLED=0 go build -trimpath -tags urfave_cli_no_docs -ldflags '-s -w' "$@"; }
build -o "$BIN/hello" ./internal/benchprog/hello
build -o "$BIN/linkonly" ./internal/benchprog/linkonly
build -o "$BIN/stscall" ./internal/benchprog/stscall
build -o "$BIN/benchtool" ./internal/benchprog/benchtool
TOOL=$BIN/benchtool
GOVERSION=$(go env GOVERSION)
# Keep Go's own caches where they are when HOME moves below.
export GOCACHE GOMODCACHE GOPATH
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH)
PLATFORM=$(go env GOOS)/$(go env GOARCH)

# An isolated user: nothing of the caller's AWS or awsmfa settings, and
# nothing written outside $TMP.
while IFS='=' read -r name _; do
	case $name in AWS_* | AWSMFA_*) unset "$name" ;; esac
done < <(env)
export HOME=$TMP/home XDG_CACHE_HOME=$TMP/cache XDG_CONFIG_HOME=$TMP/config
export AWS_CONFIG_FILE=$HOME/.aws/config AWS_SHARED_CREDENTIALS_FILE=$HOME/.aws/credentials
export AWS_EC2_METADATA_DISABLED=true SHELL=/bin/bash
mkdir -p "$HOME/.aws"

# The demo account, and COLD_DEVICES more virtual MFA devices of its user
# for the cold-path row: AWS accepts each code once per device, so each
# cold run spends a code of a device of its own.
COLD_DEVICES=1000
COLD_SERIAL=arn:aws:iam::123456789012:mfa/bench-
"$BIN/stsemu" state --demo >"$TMP/demo.json"
SEED=$(awk -F'"' '$2 == "seed" { print $4; exit }' "$TMP/demo.json")
awk -v n="$COLD_DEVICES" -v serial="$COLD_SERIAL" -v seed="$SEED" '
	!done && $1 == "\"mfa_devices\":" {
		print
		for (i = 1; i <= n; i++) printf "{\"serial\": \"%s%d\", \"seed\": \"%s\"},\n", serial, i, seed
		done = 1
		next
	}
	{ print }' "$TMP/demo.json" >"$TMP/state.json"

say "starting the STS emulator"
"$BIN/stsemu" serve --state "$TMP/state.json" --addr 127.0.0.1:0 >"$TMP/emu.out" 2>"$TMP/emu.err" &
EMU_PID=$!
URL=
for _ in $(seq 100); do
	URL=$(head -n 1 "$TMP/emu.out" 2>/dev/null || true)
	[ -n "$URL" ] && break
	kill -0 "$EMU_PID" 2>/dev/null || break
	sleep 0.05
done
case $URL in http://127.0.0.1:*) ;; *)
	echo "bench: the emulator did not start:" >&2
	cat "$TMP/emu.err" >&2
	exit 1 ;;
esac
export AWS_ENDPOINT_URL_STS=$URL AWS_ENDPOINT_URL_IAM=$URL

SERIAL=arn:aws:iam::123456789012:mfa/demo
KEY=AKIAEMULATORDEMO0001
SECRET=demoSecretAccessKey/EmulatorOnly+0000000000
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<EOF
[dev]
aws_access_key_id = $KEY
aws_secret_access_key = $SECRET
EOF
# dev: an MFA session (GetSessionToken). admin: a role assumed with dev's
# cached MFA session, no code needed (the middle STS path in docs/internals.md).
profiles() {
	cat <<EOF
[profile dev]
mfa_serial = $SERIAL
mfa_process = $BIN/stsemu code --url $URL --serial $SERIAL

[profile admin]
source_profile = dev
role_arn = arn:aws:iam::123456789012:role/demo-admin
mfa_serial = $SERIAL
mfa_process = $BIN/stsemu code --url $URL --serial $SERIAL
EOF
	# Filler, shaped like a real organisation's config, up to $1 profiles.
	awk -v n="$1" -v serial="$SERIAL" 'BEGIN {
		for (i = 3; i <= n; i++) {
			printf "\n[profile team-%05d]\nsource_profile = dev\nrole_arn = arn:aws:iam::123456789012:role/team-%05d\nmfa_serial = %s\nregion = eu-west-1\nduration_seconds = 3600\n", i, i, serial
		}
	}'
}
profiles 2 >"$AWS_CONFIG_FILE"
for n in 10 100 1000 10000; do profiles "$n" >"$TMP/config.$n"; done

say "filling the cache (one MFA code)"
"$BIN/awsmfa" env --shell bash dev >/dev/null
"$BIN/awsmfa" env --shell bash admin >/dev/null

# measure NAME CMD... : time each CMD (no shell; split at spaces) in
# $ROUNDS consecutive rounds of $RUNS/$ROUNDS runs each, so that a slow
# spell of the machine falls on all the commands of NAME alike rather than
# on whichever one hyperfine happened to be running. Uses hyperfine, else
# benchtool's loop; a failing CMD stops the bench. The rounds' JSON files
# are $TMP/NAME.R.json; stats pools them. $PREPARE, when set, is a
# command run untimed before every run (hyperfine's --prepare).
if command -v hyperfine >/dev/null 2>&1; then
	TIMER="hyperfine $(hyperfine --version | awk '{print $2}') -N"
else
	TIMER="benchtool loop (hyperfine not installed)"
fi
ROUNDS=${BENCH_ROUNDS:-10}
if ! [ "$ROUNDS" -ge 1 ] 2>/dev/null || [ "$ROUNDS" -gt $((RUNS / 2)) ]; then
	echo "bench: BENCH_ROUNDS must be a number from 1 to $((RUNS / 2)), not '$ROUNDS'" >&2
	exit 2
fi
PER_ROUND=$(((RUNS + ROUNDS - 1) / ROUNDS))
measure() {
	local name=$1 r
	shift
	for r in $(seq "$ROUNDS"); do
		if command -v hyperfine >/dev/null 2>&1; then
			if ! hyperfine -N --warmup "$((WARMUP / ROUNDS + 1))" --runs "$PER_ROUND" ${PREPARE:+--prepare "$PREPARE"} --export-json "$TMP/$name.$r.json" "$@" >>"$TMP/hyperfine.log" 2>&1; then
				echo "bench: hyperfine failed:" >&2
				tail -n 20 "$TMP/hyperfine.log" >&2
				exit 1
			fi
		else
			"$TOOL" loop -runs "$PER_ROUND" -warmup "$((WARMUP / ROUNDS + 1))" ${PREPARE:+-prepare "$PREPARE"} -export "$TMP/$name.$r.json" "$@"
		fi
	done
}
# stats NAME : "MEAN STDDEV" (seconds) per command of NAME, one line each,
# over all its rounds.
stats() { "$TOOL" stats "$TMP/$1".*.json; }

say "timing env from the cache and prompt against hello ($RUNS runs each)"
(
	# prompt reads the session env exported; so does this subshell.
	eval "$("$BIN/awsmfa" env --shell bash dev)"
	measure start "$BIN/hello" "$BIN/awsmfa env --shell bash dev" "$BIN/awsmfa prompt" "$BIN/linkonly" "$BIN/awsmfa --version"
)
# A role refresh: the role session is removed (untimed) before each run, so
# admin is minted again from dev's cached MFA session. (--force would get a
# new MFA session too, and a code.)
ROLE_FILE=$(grep -l '"Label": *"role ' "$XDG_CACHE_HOME"/awsmfa/*.json)
say "timing a role refresh from the cached MFA session against one bare STS call"
PREPARE="rm -f $ROLE_FILE" measure refresh \
	"$BIN/stscall -endpoint $URL -key $KEY -secret $SECRET" \
	"$BIN/awsmfa env --shell bash admin"
say "timing env from the cache with 10 to 10000 profiles in the config"
measure profiles \
	"env AWS_CONFIG_FILE=$AWS_CONFIG_FILE $BIN/awsmfa env --shell bash dev" \
	"env AWS_CONFIG_FILE=$TMP/config.10 $BIN/awsmfa env --shell bash dev" \
	"env AWS_CONFIG_FILE=$TMP/config.100 $BIN/awsmfa env --shell bash dev" \
	"env AWS_CONFIG_FILE=$TMP/config.1000 $BIN/awsmfa env --shell bash dev" \
	"env AWS_CONFIG_FILE=$TMP/config.10000 $BIN/awsmfa env --shell bash dev"

# The cold path beside aws-vault: `env` for a role through a new MFA
# session (GetSessionToken with a code, then AssumeRole), both caches
# emptied before every run, each run with a device of its own (see
# COLD_DEVICES). aws-vault 7.2.0 is built from the module zip in the module
# cache (the proxy refuses it), with its file keyring in $TMP and a session
# bus address that goes nowhere, so that it neither asks for a password nor
# starts a D-Bus daemon. It builds its STS client by hand and reads no
# endpoint from the environment, so the build adds exactly that: a
# resolver returning AWS_ENDPOINT_URL_STS when it is set. Both get their
# code from the same mfa_process.
COLD_ROW=
cold_row() {
	local zip src cold=$TMP/cold runs
	zip=$GOMODCACHE/cache/download/github.com/99designs/aws-vault/v7/@v/v7.2.0.zip
	if [ ! -f "$zip" ]; then
		COLD_ROW="cold role env: awsmfa|same, aws-vault 7.2.0|-|<= 1.0x|n/a|not measured: no aws-vault v7.2.0 module zip in $GOMODCACHE/cache/download"
		say "skipping the aws-vault row: no module zip $zip"
		return
	fi
	say "building aws-vault 7.2.0 from $zip"
	mkdir -p "$TMP/aws-vault"
	src=$TMP/aws-vault/github.com/99designs/aws-vault/v7@v7.2.0
	if ! (cd "$TMP/aws-vault" && unzip -q "$zip" && chmod -R u+w . &&
		awk '{ print }
			$0 == "\t\"log\"" { print "\t\"os\"" }
			/^\treturn func\(service, region string, options \.\.\.interface\{\}\) \(aws\.Endpoint, error\) \{$/ {
				print "\t\tif u := os.Getenv(\"AWS_ENDPOINT_URL_STS\"); u != \"\" && service == sts.ServiceID {"
				print "\t\t\treturn aws.Endpoint{URL: u, SigningRegion: region}, nil"
				print "\t\t}"
				n++
			}
			END { exit n != 1 }' "$src/vault/stsendpointresolver.go" >"$TMP/resolver.go" &&
		mv "$TMP/resolver.go" "$src/vault/stsendpointresolver.go" &&
		cd "$src" && GOPROXY=off GOFLAGS="-mod=mod -buildvcs=false" build -o "$BIN/aws-vault" . ) >"$TMP/aws-vault.log" 2>&1; then
		COLD_ROW="cold role env: awsmfa|same, aws-vault 7.2.0|-|<= 1.0x|n/a|not measured: aws-vault did not build (GOPROXY=off)"
		say "skipping the aws-vault row: it did not build:"
		tail -n 5 "$TMP/aws-vault.log" >&2
		return
	fi
	mkdir -p "$cold/cache" "$cold/vault"
	cat >"$cold/prepare" <<-EOF
		#!/usr/bin/env bash
		# Untimed before every cold run: the next device, both caches empty.
		set -eu
		n=\$(( \$(cat $cold/n 2>/dev/null || echo 0) % $COLD_DEVICES + 1 ))
		echo "\$n" >$cold/n
		serial=$COLD_SERIAL\$n
		code="$BIN/stsemu code --url $URL --serial \$serial"
		printf '[profile dev]\nregion = us-east-1\nmfa_serial = %s\nmfa_process = %s\n\n[profile admin]\nregion = us-east-1\nsource_profile = dev\nrole_arn = arn:aws:iam::123456789012:role/demo-admin\nmfa_serial = %s\nmfa_process = %s\n' "\$serial" "\$code" "\$serial" "\$code" >$cold/config
		find $cold/cache -mindepth 1 -delete
		rm -rf $cold/vault
		cp -a $cold/vault.empty $cold/vault
	EOF
	(
		export AWS_CONFIG_FILE=$cold/config XDG_CACHE_HOME=$cold/cache
		export AWS_VAULT_BACKEND=file AWS_VAULT_FILE_PASSPHRASE=bench AWS_VAULT_FILE_DIR=$cold/vault
		export DBUS_SESSION_BUS_ADDRESS=unix:path=$cold/no-session-bus
		AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET "$BIN/aws-vault" add --env dev >/dev/null
		cp -a "$cold/vault" "$cold/vault.empty"
		bash "$cold/prepare"
		# One run each outside the timing: a failure stops here, with its words.
		"$BIN/awsmfa" env --shell bash admin >/dev/null
		bash "$cold/prepare"
		"$BIN/aws-vault" export --format=env admin >/dev/null
		runs=${BENCH_COLD_RUNS:-60}
		PER_ROUND=$(((runs + ROUNDS - 1) / ROUNDS)) WARMUP=0 PREPARE="bash $cold/prepare" measure cold \
			"$BIN/awsmfa env --shell bash admin" \
			"$BIN/aws-vault export --format=env admin"
	)
	COLD_ROW=$("$TOOL" stats "$TMP"/cold.*.json | awk '
		NR == 1 { a = $1; sa = $2 }
		NR == 2 { b = $1; sb = $2 }
		END {
			r = a / b; e = r * sqrt((sa / a) ^ 2 + (sb / b) ^ 2)
			printf "cold role env: awsmfa|same, aws-vault 7.2.0|%.2fx +-%.2f|<= 1.0x|%s|%.2f ms +-%.2f ms / %.2f ms +-%.2f ms\n", r, e, (r <= 1.0 ? "PASS" : "MISS"), a * 1e3, sa * 1e3, b * 1e3, sb * 1e3
		}')
}
say "timing env on the cold path (a new MFA session and role session) beside aws-vault (${BENCH_COLD_RUNS:-60} runs each)"
cold_row

say "measuring peak memory and size"
RSS_HELLO=$("$TOOL" rss -runs 5 -- "$BIN/hello")
RSS_ENV=$("$TOOL" rss -runs 5 -- "$BIN/awsmfa" env --shell bash dev)
RSS_BIG=$(AWS_CONFIG_FILE=$TMP/config.10000 "$TOOL" rss -runs 5 -- "$BIN/awsmfa" env --shell bash dev)
RSS_REFRESH=$(rm -f "$ROLE_FILE" && "$TOOL" rss -runs 1 -- "$BIN/awsmfa" env --shell bash admin)
SIZE_HELLO=$(wc -c <"$BIN/hello")
SIZE_AWSMFA=$(wc -c <"$BIN/awsmfa")

# The hook's per-prompt cost while not due comes from shellinit's own
# benchmark, BenchmarkPromptHook: real interactive shells on a pty, the
# configurations taking turns in rounds. Per prompt it reports each shell's
# extra CPU time with the hook against the same shell with no hook (the
# figure here), against the shell with an empty prompt function (the hook's
# own logic), its extra wall time, and what starting one process a prompt
# costs instead.
HOOK_ROWS=$TMP/hook.rows
: >"$HOOK_ROWS"
hook_rows() {
	local out line shell target cpu over wall proc
	if ! grep -qs 'func BenchmarkPromptHook' shellinit/*_test.go; then
		echo "hook per prompt, not due|same shell, no hook|-|<= 10/10/60 us|n/a|not measured: shellinit has no BenchmarkPromptHook" >>"$HOOK_ROWS"
		return
	fi
	say "timing the prompt hook while not due in bash, zsh and fish (${BENCH_PROMPTS:-500} prompts each)"
	# Its temporary files (and go test's) go under $TMP like everything else.
	mkdir -p "$TMP/gotmp"
	if ! out=$(TMPDIR=$TMP/gotmp go test -count 1 -run '^$' -bench '^BenchmarkPromptHook$' -benchtime "${BENCH_PROMPTS:-500}x" ./shellinit 2>&1); then
		echo "hook per prompt, not due|same shell, no hook|-|<= 10/10/60 us|n/a|not measured: BenchmarkPromptHook failed (its output is above)" >>"$HOOK_ROWS"
		echo "$out" | tail -n 20 >&2
		return
	fi
	# The metrics line: "N  X ns/op  V1 UNIT1  V2 UNIT2 ...". Too few prompts
	# give none; each shell's row then says it was not measured.
	line=$(echo "$out" | grep -e '-hook-cpu-µs' | tail -n 1 || true)
	metric() { echo "$line" | awk -v unit="$1" '{ for (i = 2; i <= NF; i++) if ($i == unit) { print $(i - 1); exit } }'; }
	# The figure is the CPU time after an empty line (the shell's process CPU
	# clock, median of per-round differences, with its 95% interval); beside
	# it the same after a command, what an empty hook function costs, and
	# the prompts at which the hook started any process (must be 0).
	for shell in bash zsh fish; do
		target=10
		[ "$shell" = fish ] && target=60
		cpu=$(metric "$shell-hook-cpu-µs")
		lo=$(metric "$shell-hook-cpu-lo-µs")
		hi=$(metric "$shell-hook-cpu-hi-µs")
		cmd=$(metric "$shell-hook-cmd-cpu-µs")
		empty=$(metric "$shell-empty-cpu-µs")
		starts=$(metric "$shell-hook-starts")
		proc=$(metric "$shell-proc-cpu-µs")
		if [ -z "$cpu" ]; then
			echo "hook per prompt, not due: $shell|same shell, no hook|-|<= $target us|n/a|not measured: BenchmarkPromptHook reported no $shell-hook-cpu-µs (is $shell installed?)" >>"$HOOK_ROWS"
			continue
		fi
		awk -v s="$shell" -v c="$cpu" -v lo="${lo:-nan}" -v hi="${hi:-nan}" -v cmd="${cmd:-nan}" -v e="${empty:-nan}" -v n="${starts:-nan}" -v p="${proc:-nan}" -v max="$target" 'BEGIN {
			printf "hook per prompt, not due: %s|same shell, no hook|%+.1f us CPU|<= %d us|%s|95%% interval %+.0f..%+.0f us; after a command %+.1f us; an empty hook function %+.1f us; processes started %d; a process a prompt instead %+.0f us\n",
				s, c, max, (c <= max && n == 0 ? "PASS" : "MISS"), lo, hi, cmd, e, n, p }' >>"$HOOK_ROWS"
	done
}
hook_rows
echo "$COLD_ROW" >>"$HOOK_ROWS"

# The table. Each row: figure | yardstick | comparison | target | result |
# absolute figures.
{
	read -r HELLO HELLO_SD
	read -r ENV ENV_SD
	read -r PROMPT PROMPT_SD
	read -r LINK LINK_SD
	read -r VERSION VERSION_SD
} < <(stats start)
{
	read -r STS STS_SD
	read -r REFRESH REFRESH_SD
} < <(stats refresh)
{
	read -r P2 P2_SD
	read -r P10 P10_SD
	read -r P100 P100_SD
	read -r P1000 P1000_SD
	read -r P10000 P10000_SD
} < <(stats profiles)

T="$HELLO $HELLO_SD $ENV $ENV_SD $PROMPT $PROMPT_SD $STS $STS_SD $REFRESH $REFRESH_SD $P2 $P2_SD $P10 $P10_SD $P100 $P100_SD $P1000 $P1000_SD $P10000 $P10000_SD $LINK $LINK_SD $VERSION $VERSION_SD" \
	WHEN="$(date -u +%Y-%m-%dT%H:%MZ)" PLATFORM="$PLATFORM" CPUS="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')" \
	GOVERSION="$GOVERSION" TIMER="$TIMER" RUNS="$((PER_ROUND * ROUNDS)) runs in $ROUNDS rounds" \
	SIZE_AWSMFA="$SIZE_AWSMFA" SIZE_HELLO="$SIZE_HELLO" RSS_ENV="$RSS_ENV" RSS_BIG="$RSS_BIG" RSS_REFRESH="$RSS_REFRESH" RSS_HELLO="$RSS_HELLO" \
	awk -F'|' '
	function t(s) { return s < 1e-3 ? sprintf("%.1f us", s * 1e6) : sprintf("%.2f ms", s * 1e3) }
	# ratio row: a/b with its spread from both stddevs (of single runs).
	function ratio(fig, yard, a, sa, b, sb, max,   r, e, res) {
		r = a / b; e = r * sqrt((sa / a) ^ 2 + (sb / b) ^ 2)
		res = max == "" ? "info" : (r <= max ? "PASS" : "MISS")
		row(fig, yard, sprintf("%.2fx +-%.2f", r, e), max == "" ? "-" : sprintf("<= %.1fx", max), res,
			sprintf("%s +-%s / %s +-%s", t(a), t(sa), t(b), t(sb)))
	}
	# delta row: a-b against a maximum added time, with the ratio beside it.
	function delta(fig, yard, a, sa, b, sb, max,   d, res) {
		d = a - b
		res = max == "" ? "info" : (d <= max ? "PASS" : "MISS")
		row(fig, yard, sprintf("%+.2f ms (%.2fx)", d * 1e3, a / b), max == "" ? "-" : sprintf("<= +%.0f ms", max * 1e3), res,
			sprintf("%s +-%s / %s +-%s", t(a), t(sa), t(b), t(sb)))
	}
	function kib(fig, yard, a, b, max,   res) {
		res = max == "" ? "info" : (a <= max * 1024 ? "PASS" : "MISS")
		row(fig, yard, sprintf("%.2fx", a / b), max == "" ? "-" : sprintf("<= %d MB", max), res,
			sprintf("%.1f MB / %.1f MB", a / 1024, b / 1024))
	}
	function row(a, b, c, d, e, f) { printf "%-38s %-37s %-20s %-14s %-6s %s\n", a, b, c, d, e, f }
	BEGIN {
		printf "awsmfa bench: %s, %s, %s CPUs, %s, %s, %s per timing (ratios: figure / yardstick of the same run; +- is from the runs'"'"' stddev)\n", ENVIRON["WHEN"], ENVIRON["PLATFORM"], ENVIRON["CPUS"], ENVIRON["GOVERSION"], ENVIRON["TIMER"], ENVIRON["RUNS"]
		row("figure", "yardstick", "comparison", "target", "result", "absolute: figure / yardstick")
		split(ENVIRON["T"], v, " ")
		ratio("env from the cache", "hello-world Go binary", v[3], v[4], v[1], v[2], 2.0)
		ratio("prompt", "hello-world Go binary", v[5], v[6], v[1], v[2], "")
		ratio("awsmfa --version (start-up alone)", "hello-world Go binary", v[23], v[24], v[1], v[2], "")
		ratio("linking the 4 chosen packages", "hello-world Go binary", v[21], v[22], v[1], v[2], "")
		ratio("env from the cache", "linking the 4 chosen packages", v[3], v[4], v[21], v[22], "")
	}
	{ row($1, $2, $3, $4, $5, $6) }
	END {
		ratio("role refresh from cached MFA session", "one GetCallerIdentity (new process)", v[9], v[10], v[7], v[8], "")
		delta("env from the cache, 10 profiles", "same, 2 profiles", v[13], v[14], v[11], v[12], "")
		delta("env from the cache, 100 profiles", "same, 2 profiles", v[15], v[16], v[11], v[12], "")
		delta("env from the cache, 1000 profiles", "same, 2 profiles", v[17], v[18], v[11], v[12], "")
		delta("env from the cache, 10000 profiles", "same, 2 profiles", v[19], v[20], v[11], v[12], 0.002)
		kib("binary size", "hello-world Go binary", ENVIRON["SIZE_AWSMFA"] / 1024, ENVIRON["SIZE_HELLO"] / 1024, "")
		kib("peak memory: env from the cache", "hello-world Go binary", ENVIRON["RSS_ENV"], ENVIRON["RSS_HELLO"], 20)
		kib("peak memory: env, 10000 profiles", "hello-world Go binary", ENVIRON["RSS_BIG"], ENVIRON["RSS_HELLO"], 20)
		kib("peak memory: role refresh", "hello-world Go binary", ENVIRON["RSS_REFRESH"], ENVIRON["RSS_HELLO"], 20)
	}' "$HOOK_ROWS"
