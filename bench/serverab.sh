#!/usr/bin/env bash
# bench/serverab.sh: compare dsql binaries on one sysbench test by what the server spends
# per event: median and mean latency, events, server CPU (user+system, every thread, from
# /proc/<pid>/stat) and context switches (voluntary+involuntary, every thread) per event.
# CPU and context switches per event move far less with other load than latency does.
#
# Usage: bench/serverab.sh [-t test] [-s seconds] [-r rounds] [-o sysbench-options] BIN...
#   e.g. bench/serverab.sh -r 3 /tmp/dsql.before /tmp/dsql.after
#   -o passes options to the test's run, e.g. one statement kind of oltp_read_only:
#   -t oltp_read_only -o "--skip_trx=on --point_selects=0 --sum_ranges=0 --order_ranges=0 --distinct_ranges=0"
# Each round runs every BIN in turn on a fresh repository (prepared by that BIN), with a
# 1 s unmeasured run first. Needs sysbench and the mysql client. Linux only (/proc).
set -euo pipefail
export LC_ALL=C
test=oltp_point_select secs=5 rounds=1 port=${SERVERAB_PORT:-33417} runopts=""
while getopts "t:s:r:o:" o; do
	case $o in
	t) test=$OPTARG ;; s) secs=$OPTARG ;; r) rounds=$OPTARG ;; o) runopts=$OPTARG ;;
	*) sed -n 2,13p "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -ge 1 ]] || { sed -n 2,13p "$0"; exit 2; }
read -r -a extra <<<"$runopts"
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
counters() { # cpu ticks, context switches of process $1
	awk '{print $14+$15}' "/proc/$1/stat"
	cat /proc/"$1"/task/*/status | awk '/ctxt_switches/{s+=$2} END{print s}'
}
opts=(--mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=root --tables=1 --table-size=10000 --rand-seed=1)
hz=$(getconf CLK_TCK)
printf '%-28s %9s %9s %8s %12s %10s\n' binary "median ms" "mean ms" events "cpu us/event" "cs/event"
for ((r = 0; r < rounds; r++)); do
	for bin in "$@"; do
		rm -rf "$work/repo" && mkdir -p "$work/repo" && cd "$work/repo"
		"$bin" init >/dev/null
		"$bin" sql-server --port "$port" >"$work/log" 2>&1 &
		pid=$!
		for _ in $(seq 50); do mysql -h127.0.0.1 -P"$port" -uroot -e 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
		mysql -h127.0.0.1 -P"$port" -uroot -e 'CREATE DATABASE sbtest'
		sysbench "$test" "${opts[@]}" prepare >/dev/null
		sysbench "$test" "${opts[@]}" "${extra[@]}" --time=1 run >/dev/null
		read -r c0 x0 < <(counters "$pid" | paste -sd' ')
		out=$(sysbench "$test" "${opts[@]}" "${extra[@]}" --time="$secs" --histogram=off --percentile=50 run)
		read -r c1 x1 < <(counters "$pid" | paste -sd' ')
		kill "$pid"; wait "$pid" 2>/dev/null || true
		echo "$out" | awk -v bin="$bin" -v c=$((c1 - c0)) -v x=$((x1 - x0)) -v hz="$hz" '
			/50th percentile/ {p=$3} /avg:/ {a=$2} /total number of events/ {e=$5}
			END {printf "%-28s %9s %9s %8d %12.1f %10.2f\n", bin, p, a, e, c*1e6/hz/e, x/e}'
	done
done
