#!/usr/bin/env bash
# The README's start command as a newcomer runs it, in the folder given ($1): start it, wait until
# the gateway is ready, send the README's curl, stop it with SIGINT to the top process (npx), and
# fail if any process it started survives or the ports stay taken.
set -uo pipefail
dir=$1
label=$2
gateway=http://127.0.0.1:8000
log=$(mktemp)
cd "$dir" || exit 1

fail() {
  echo "start check ($label): $*"
  echo "--- its output ---"
  tail -40 "$log"
  [ -n "${sid:-}" ] && pkill -KILL -s "$sid" 2>/dev/null
  exit 1
}

for port in 8000 8001; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then fail "port $port is already taken"; fi
done

# setsid: the command gets a session of its own, so every process it starts can be found.
# The README's start command, verbatim.
setsid npx --yes deno task start </dev/null >"$log" 2>&1 &
top=$!
sid=$top

ready=0
for _ in $(seq 1 900); do # up to 180 s: a first run fetches Deno and the npm packages
  if curl -sf "$gateway/healthz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$top" 2>/dev/null || fail "exited before it was ready"
  sleep 0.2
done
[ "$ready" = 1 ] || fail "not ready within 180 s"

# The README's curl, verbatim.
answer=$(curl -s http://127.0.0.1:8000/v2/models/mlp_small/infer \
  -H 'content-type: application/json' \
  -d '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,16],"data":[0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]}]}')
grep -q '"model_name":"mlp_small"' <<<"$answer" || fail "the README's curl answered: $answer"

# Processes of the session still running (zombies have exited; only their parent's wait is due).
running() { ps -o pid=,stat=,args= -s "$sid" | awk '$2 !~ /^Z/'; }

kill -INT "$top"
wait "$top" 2>/dev/null
for _ in $(seq 1 150); do # up to 30 s to drain and exit
  [ -z "$(running)" ] && break
  sleep 0.2
done
left=$(running)
[ -z "$left" ] || fail "processes left after SIGINT to npx: $left"
for port in 8000 8001; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then fail "port $port still taken after stop"; fi
done
echo "start check ($label): ready, answered the README's curl, stopped cleanly"
