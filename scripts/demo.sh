#!/usr/bin/env bash
# make demo: a whole awsmfa session against the local STS emulator, printed
# as a user would type it. Everything lives in one temporary directory, and
# the emulator is stopped on the way out: nothing reaches AWS, nothing is
# left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/bin
[ -x "$bin/awsmfa" ] && [ -x "$bin/stsemu" ] || { echo "demo: run 'make build' first" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/awsmfa-demo.XXXXXX")
emu_pid=
cleanup() {
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
# Ctrl-C or kill: stop here (the EXIT trap cleans up) rather than go on.
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin/stsemu" serve --demo --addr 127.0.0.1:0 --url-file "$tmp/url" >"$tmp/emu.out" 2>&1 &
emu_pid=$!
for _ in $(seq 100); do [ -s "$tmp/url" ] && break; sleep 0.05; done
url=$(cat "$tmp/url")

# A user's files, in the temporary directory: an aws-mfa long-term section,
# and two standard role profiles on the same MFA device.
mkdir -m 700 -p "$tmp/home/.aws"
cat >"$tmp/home/.aws/credentials" <<INI
[demo-long-term]
aws_access_key_id = AKIAEMULATORDEMO0001
aws_secret_access_key = demoSecretAccessKey/EmulatorOnly+0000000000
aws_mfa_device = arn:aws:iam::123456789012:mfa/demo

[base]
aws_access_key_id = AKIAEMULATORDEMO0001
aws_secret_access_key = demoSecretAccessKey/EmulatorOnly+0000000000
INI
cat >"$tmp/home/.aws/config" <<INI
[default]
region = us-east-1

[profile admin]
source_profile = base
role_arn = arn:aws:iam::123456789012:role/demo-admin
mfa_serial = arn:aws:iam::123456789012:mfa/demo

[profile readonly]
source_profile = base
role_arn = arn:aws:iam::123456789012:role/demo-readonly
mfa_serial = arn:aws:iam::123456789012:mfa/demo
INI
chmod 600 "$tmp/home/.aws/"*

export HOME=$tmp/home USER=demo SHELL=/bin/bash
export AWS_CONFIG_FILE=$HOME/.aws/config AWS_SHARED_CREDENTIALS_FILE=$HOME/.aws/credentials
export XDG_CACHE_HOME=$tmp/cache AWS_ENDPOINT_URL_STS=$url AWS_ENDPOINT_URL_IAM=$url
export PATH=$bin:$PATH
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWSMFA_MIN_TTL

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
say() { printf '\n%s# %s%s\n' "$bold" "$*" "$plain"; }
run() { printf '$ %s\n' "$*"; eval "$*"; }
counters() { # the emulator's per-action counters, over plain bash /dev/tcp
  local port=${url##*:}
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET /_emu/counters HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  printf '  (emulator counters: %s)\n' "$(tail -n 1 <&3)"
  exec 3<&-
}
redact() { sed -E "s/(SECRET_ACCESS_KEY|SESSION_TOKEN)='[^']{4}[^']*'/\1='…'/"; }

say "STS here is the emulator at $url; the files are in $tmp"
say "The first env needs a code (on a terminal it is asked on /dev/tty; here we pass --code)"
code=$("$bin/stsemu" code --url "$url" --serial arn:aws:iam::123456789012:mfa/demo)
run "awsmfa env demo --code $code | redact"
counters

say "The second is served from the cache: no STS call, no code"
run "awsmfa env demo --log-level debug | grep AWSMFA_PROFILE"
counters

say "A role on the same device: minted from the cached MFA session, no code"
run "awsmfa env admin | grep -E 'AWS_ACCESS_KEY_ID|AWS_REGION'"
run "awsmfa env readonly | grep AWS_ACCESS_KEY_ID"
counters

say "Into the current shell, with the time left for the prompt"
run 'eval "$(awsmfa env admin)"; awsmfa prompt'

# The AWS CLI v2 is Debian's /usr/bin/aws; an older aws may come first in PATH.
aws=aws
[ -x /usr/bin/aws ] && aws=/usr/bin/aws
if command -v "$aws" >/dev/null; then
  say "exec runs one command with the session; the AWS CLI v2 is a real client"
  run "awsmfa exec demo -- $aws sts get-caller-identity --endpoint-url $url --output text --query Arn"
  run "awsmfa exec admin -- $aws sts get-caller-identity --endpoint-url $url --output text --query Arn"
else
  say "exec runs one command with the session"
  run "awsmfa exec admin -- sh -c 'echo \$AWS_ACCESS_KEY_ID'"
fi

say "The exit status of the command comes back exactly"
run "awsmfa exec admin -- sh -c 'exit 42' || echo \"exit status \$?\""

say "For SDKs: credential_process"
run "awsmfa credential-process admin | sed -E 's/\"(SecretAccessKey|SessionToken)\": *\"[^\"]*\"/\"\\1\": \"…\"/g'"

say "Put this in ~/.bashrc to refresh before expiry, at the prompt:"
run 'echo '\''eval "$(awsmfa hook bash)"'\'''
say "Done; removing $tmp"
