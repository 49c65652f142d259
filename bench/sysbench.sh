#!/usr/bin/env bash
# bench/sysbench.sh: Debian's sysbench OLTP workloads against dsql and against MariaDB in the
# same run; prints each side's median latency per test and the ratio dsql/MariaDB.
#
# Not part of `go test` or CI (it takes minutes and needs sysbench and mariadb-server).
# Run `bench/sysbench.sh --help` for usage; bench/README.md describes it.
set -euo pipefail
export LC_ALL=C

ALL_TESTS="oltp_point_select oltp_read_only select_random_ranges oltp_insert oltp_update_index oltp_update_non_index oltp_write_only"
TABLES=1
TABLE_SIZE=10000
THREADS=1

usage() {
	cat <<EOF
Usage: bench/sysbench.sh [options]

Runs sysbench OLTP workloads ($THREADS thread, $TABLES table of $TABLE_SIZE rows, a fixed
duration per test after prepare, fixed --rand-seed) against a private MariaDB (durable
commits) and a private dsql sql-server, both started and stopped by this script, and prints
per test each side's median latency and the ratio dsql/MariaDB. Each test runs on a freshly
prepared table (prepare, run, cleanup). MariaDB runs all tests first and is stopped before
dsql starts, so the two never compete for the CPUs.

Options (environment variable in brackets):
  --time N           seconds of measured run per test and server [SYSBENCH_TIME, default 10]
  --warmup N         seconds of unmeasured oltp_write_only on each server, after it starts
                     and before its first test, so both are measured in their steady
                     state (see bench/README.md); 0 for none [SYSBENCH_WARMUP, default 30]
  --tests LIST       comma-separated sysbench tests [SYSBENCH_TESTS, default all:
                     ${ALL_TESTS// /,}]
  --seed N           sysbench --rand-seed, must be > 0 [SYSBENCH_SEED, default 1]
  --ps-mode MODE     sysbench --db-ps-mode, auto or disable [SYSBENCH_PS_MODE, default auto,
                     sysbench's own default: server-side prepared statements]
  --mariadb-port N   loopback port for MariaDB [MARIADB_PORT, default 33306]
  --dsql-port N      loopback port for dsql [DSQL_PORT, default 33307]
  --results DIR      where raw sysbench outputs, server logs and summary.txt go
                     [SYSBENCH_RESULTS, default \${TMPDIR:-/tmp}/dsql-sysbench-<date>-<time>]
  --dsql-bin PATH    use this dsql binary instead of building ./cmd/dsql [DSQL_BIN]
  --skip-mariadb     run dsql only
  --skip-dsql        run MariaDB only (no Go build of dsql)
  --skip-floor       do not measure the durable-commit floor (bench/commitfloor: fdatasync
                     and Pebble's synced batch on this filesystem, between the two servers)
  -h, --help         show this help

Exit status: 0 when every selected test ran on every available server (dsql without a
sql-server verb yet counts as unavailable, not as a failure); 1 when a server or a test
failed (the table says which; the raw outputs are in the results dir); 2 on a usage error.

Needs: sysbench (1.0.20 tested), mariadbd + mariadb-install-db (mariadb-server),
mariadb/mysql client (mariadb-client), go (for dsql).
EOF
}

die() {
	echo "sysbench.sh: $*" >&2
	exit 1
}
usage_error() {
	echo "sysbench.sh: $*" >&2
	echo "Run 'bench/sysbench.sh --help' for usage." >&2
	exit 2
}
log() { printf '%s\n' "$*" >&2; }

# ---- options ---------------------------------------------------------------------------

time_s="${SYSBENCH_TIME:-10}"
warmup_s="${SYSBENCH_WARMUP:-30}"
tests_csv="${SYSBENCH_TESTS:-${ALL_TESTS// /,}}"
seed="${SYSBENCH_SEED:-1}"
ps_mode="${SYSBENCH_PS_MODE:-auto}"
mariadb_port="${MARIADB_PORT:-33306}"
dsql_port="${DSQL_PORT:-33307}"
results="${SYSBENCH_RESULTS:-}"
dsql_bin="${DSQL_BIN:-}"
skip_mariadb=0
skip_dsql=0
skip_floor=0

while (($# > 0)); do
	opt="$1"
	val=""
	case "$opt" in
	--*=*)
		val="${opt#*=}"
		opt="${opt%%=*}"
		;;
	esac
	case "$opt" in
	-h | --help)
		usage
		exit 0
		;;
	--skip-mariadb) skip_mariadb=1 ;;
	--skip-dsql) skip_dsql=1 ;;
	--skip-floor) skip_floor=1 ;;
	--time | --warmup | --tests | --seed | --ps-mode | --mariadb-port | --dsql-port | --results | --dsql-bin)
		if [[ "$1" != *=* ]]; then
			(($# >= 2)) || usage_error "$opt needs a value"
			val="$2"
			shift
		fi
		case "$opt" in
		--time) time_s="$val" ;;
		--warmup) warmup_s="$val" ;;
		--tests) tests_csv="$val" ;;
		--seed) seed="$val" ;;
		--ps-mode) ps_mode="$val" ;;
		--mariadb-port) mariadb_port="$val" ;;
		--dsql-port) dsql_port="$val" ;;
		--results) results="$val" ;;
		--dsql-bin) dsql_bin="$val" ;;
		esac
		;;
	*) usage_error "unknown argument: $1" ;;
	esac
	shift
done

[[ "$time_s" =~ ^[1-9][0-9]*$ ]] || usage_error "--time must be a positive number of seconds, got '$time_s'"
[[ "$warmup_s" =~ ^[0-9]+$ ]] || usage_error "--warmup must be a number of seconds (0 for none), got '$warmup_s'"
[[ "$seed" =~ ^[1-9][0-9]*$ ]] || usage_error "--seed must be a positive integer (0 means 'use the clock' to sysbench), got '$seed'"
[[ "$ps_mode" == disable || "$ps_mode" == auto ]] || usage_error "--ps-mode must be disable or auto, got '$ps_mode'"
for p in "$mariadb_port" "$dsql_port"; do
	if ! [[ "$p" =~ ^[0-9]+$ ]] || ((p < 1 || p > 65535)); then
		usage_error "bad port '$p'"
	fi
done
[[ "$mariadb_port" != "$dsql_port" ]] || usage_error "--mariadb-port and --dsql-port must differ"
((skip_mariadb + skip_dsql < 2)) || usage_error "--skip-mariadb and --skip-dsql together leave nothing to run"
IFS=',' read -r -a tests <<<"$tests_csv"
((${#tests[@]} > 0)) || usage_error "--tests is empty"
for t in "${tests[@]}"; do
	[[ " $ALL_TESTS " == *" $t "* ]] || usage_error "unknown test '$t' (known: ${ALL_TESTS// /,})"
done

# ---- environment -----------------------------------------------------------------------

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ -f "$repo/go.mod" && -d "$repo/cmd/dsql" ]] || die "cannot find the dsql repository root (looked in $repo)"
cd "$repo"

export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin" # Go's usual home; mariadbd lives in /usr/sbin

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"; }
need sysbench "apt-get install sysbench"
need timeout "coreutils"
if ((!skip_mariadb)); then
	need mariadbd "apt-get install mariadb-server"
	need mariadb-install-db "apt-get install mariadb-server"
fi
if ((!skip_dsql)); then
	if [[ -n "$dsql_bin" ]]; then
		[[ -x "$dsql_bin" ]] || usage_error "--dsql-bin $dsql_bin is not an executable file"
		dsql_bin="$(cd "$(dirname "$dsql_bin")" && pwd)/$(basename "$dsql_bin")"
	else
		need go "install Go (https://go.dev/dl/) or pass --skip-dsql"
	fi
fi
client="$(command -v mariadb || command -v mysql || true)"
[[ -n "$client" ]] || die "no mariadb/mysql client found: apt-get install mariadb-client"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ((!skip_mariadb)) && port_in_use "$mariadb_port"; then
	die "port 127.0.0.1:$mariadb_port is already in use; pick another with --mariadb-port"
fi
if ((!skip_dsql)) && port_in_use "$dsql_port"; then
	die "port 127.0.0.1:$dsql_port is already in use; pick another with --dsql-port"
fi

if [[ -z "$results" ]]; then
	results="${TMPDIR:-/tmp}/dsql-sysbench-$(date +%Y%m%d-%H%M%S)"
fi
mkdir -p "$results" || die "cannot create results dir $results"
results="$(cd "$results" && pwd)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dsql-sysbench-tmp.XXXXXX")"
mariadb_pid=""
dsql_pid=""
child="" # the sysbench run in progress

# stop_proc PID NAME GRACE: SIGTERM, wait up to GRACE seconds, then SIGKILL; reaps it.
stop_proc() {
	local pid="$1" name="$2" grace="$3" i
	[[ -n "$pid" ]] || return 0
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < grace * 10; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "$name (pid $pid) did not stop within ${grace}s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317 # reached through the EXIT trap
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_proc "$child" sysbench 10
	stop_proc "$dsql_pid" dsql 20
	stop_proc "$mariadb_pid" mariadbd 60
	# Keep the server logs: the data directories go away with $tmp.
	cp "$tmp/mariadb/error.log" "$results/mariadb-server.log" 2>/dev/null || true
	cp "$tmp/dsql-server.log" "$results/dsql-server.log" 2>/dev/null || true
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'log "sysbench.sh: interrupted"; exit 130' INT TERM

# bg_run OUT CMD...: runs CMD, output to OUT, in the background and waits for it, so that a
# signal to this script is handled at once (the EXIT trap then stops CMD as well).
bg_run() {
	local out="$1" rc=0
	shift
	"$@" >"$out" 2>&1 &
	child=$!
	wait "$child" || rc=$?
	child=""
	return "$rc"
}

sql() { # sql PORT STATEMENT...
	local port="$1"
	shift
	"$client" --no-defaults --protocol=TCP -h127.0.0.1 -P"$port" -uroot --connect-timeout=5 --batch --skip-column-names -e "$*"
}

# wait_ready NAME PORT PID LOG SECONDS: until the server answers SELECT 1 on PORT.
wait_ready() {
	local name="$1" port="$2" pid="$3" logf="$4" secs="$5" i
	for ((i = 0; i < secs * 5; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			log "$name exited during startup; last lines of $logf:"
			tail -n 20 "$logf" >&2 || true
			return 1
		fi
		if sql "$port" 'SELECT 1' >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	log "$name did not answer on 127.0.0.1:$port within ${secs}s; last lines of $logf:"
	tail -n 20 "$logf" >&2 || true
	return 1
}

# ---- measuring -------------------------------------------------------------------------

declare -A median=() status=() ignored=()
failed=0

# median_from_histogram FILE: the median latency in ms with 3 decimals, computed from
# sysbench's --histogram exactly as sysbench computes its percentile (first bucket whose
# cumulative count reaches round(N * 50%)); the "50th percentile" line has only 2 decimals.
median_from_histogram() {
	awk '
		BEGIN { n = 0 } # numeric, so the first bucket is v[0], not v[""]
		/^Latency histogram/ { h = 1; next }
		h && /^ *[0-9.]+ \|/ { v[n] = $1; c[n] = $NF; tot += $NF; n++; next }
		h && /^[[:space:]]*$/ && n > 0 { h = 0 }
		END {
			if (tot == 0) exit 1
			want = int(tot * 0.5 + 0.5); if (want < 1) want = 1
			for (i = 0; i < n; i++) { s += c[i]; if (s >= want) { printf "%.3f\n", v[i]; exit 0 } }
			exit 1
		}' "$1"
}

# run_tests SIDE PORT: prepare, run and clean up every test against one server.
run_tests() {
	local side="$1" port="$2" t base m pct ign rc
	local sb_common=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=root
		--mysql-password= --mysql-db=sbtest --tables="$TABLES" --table-size="$TABLE_SIZE"
		--threads="$THREADS" --rand-seed="$seed" --percentile=50 --db-ps-mode="$ps_mode")
	if ((warmup_s > 0)); then
		# Not measured: brings the server to the state a running server is in (dsql: Pebble
		# recycling its memtable memory; MariaDB: its buffer pool and redo log in use).
		base="$results/$side-warmup"
		printf '%-8s %-22s ' "$side" "warm-up" >&2
		bg_run "$base-precleanup.txt" timeout --foreground 300 sysbench oltp_write_only "${sb_common[@]}" cleanup || true
		if bg_run "$base-prepare.txt" timeout --foreground 1800 sysbench oltp_write_only "${sb_common[@]}" prepare &&
			bg_run "$base-run.txt" timeout --foreground $((warmup_s * 3 + 120)) sysbench oltp_write_only "${sb_common[@]}" --time="$warmup_s" run; then
			log "oltp_write_only ${warmup_s}s done (not measured)"
		else
			log "failed (ignored; see $base-*.txt)"
		fi
		bg_run "$base-cleanup.txt" timeout --foreground 300 sysbench oltp_write_only "${sb_common[@]}" cleanup || true
	fi
	for t in "${tests[@]}"; do
		base="$results/$side-$t"
		printf '%-8s %-22s ' "$side" "$t" >&2
		# A table left over by an earlier failure would make prepare fail.
		bg_run "$base-precleanup.txt" timeout --foreground 300 sysbench "$t" "${sb_common[@]}" cleanup || true
		printf 'prepare ' >&2
		rc=0
		bg_run "$base-prepare.txt" timeout --foreground 1800 sysbench "$t" "${sb_common[@]}" prepare || rc=$?
		if ((rc != 0)); then
			status[$side:$t]="FAIL prepare"
			failed=1
			log "FAILED (exit $rc): $(grep -m1 -E 'FATAL|ALERT|error' "$base-prepare.txt" || tail -n1 "$base-prepare.txt")"
			continue
		fi
		printf 'run %ss ' "$time_s" >&2
		rc=0
		bg_run "$base-run.txt" timeout --foreground $((time_s * 3 + 120)) sysbench "$t" "${sb_common[@]}" --time="$time_s" --histogram run || rc=$?
		bg_run "$base-cleanup.txt" timeout --foreground 300 sysbench "$t" "${sb_common[@]}" cleanup || true
		if ((rc != 0)); then
			status[$side:$t]="FAIL run"
			failed=1
			log "FAILED (exit $rc): $(grep -m1 -E 'FATAL|ALERT|error' "$base-run.txt" || tail -n1 "$base-run.txt")"
			continue
		fi
		pct="$(awk '/th percentile:/ { print $NF; exit }' "$base-run.txt")"
		if ! m="$(median_from_histogram "$base-run.txt")" || [[ -z "$pct" ]]; then
			status[$side:$t]="FAIL parse"
			failed=1
			log "FAILED: no latency histogram/percentile in $base-run.txt"
			continue
		fi
		# Cross-check against sysbench's own (2-decimal) figure.
		if ! awk -v a="$m" -v b="$pct" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.0051) }'; then
			log "(warning: histogram median $m ms differs from sysbench's 50th percentile $pct ms) "
		fi
		median[$side:$t]="$m"
		status[$side:$t]="ok"
		ign="$(awk '/ignored errors:/ { print $3; exit }' "$base-run.txt")"
		ignored[$side:$t]="${ign:-0}"
		log "median ${m} ms$([[ "${ign:-0}" != 0 ]] && echo ", ${ign} ignored errors")"
	done
}

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- dsql: build and detect ------------------------------------------------------------

dsql_state="skipped (--skip-dsql)" # or: available, unavailable, failed
dsql_version=""
if ((!skip_dsql)); then
	if [[ -n "$dsql_bin" ]]; then
		log "dsql: using $dsql_bin"
		cp "$dsql_bin" "$tmp/dsql"
	else
		log "dsql: building (go build -o $tmp/dsql ./cmd/dsql)..."
	fi
	if [[ -z "$dsql_bin" ]] && ! go build -o "$tmp/dsql" ./cmd/dsql >"$results/dsql-build.log" 2>&1; then
		cat "$results/dsql-build.log" >&2
		log "dsql: build failed (above); running MariaDB only"
		dsql_state="failed (build)"
		failed=1
	else
		dsql_version="$("$tmp/dsql" version 2>/dev/null | head -n1 || true)"
		# `dsql <unknown-verb> --help` prints the root help and exits 0 (cobra), so a verb
		# exists only if its own usage line ("dsql sql-server ...") is in the help.
		has_verb() {
			local out
			out="$("$tmp/dsql" "$1" --help 2>/dev/null)" || return 1
			grep -q "^  dsql $1\b" <<<"$out"
		}
		if ! has_verb sql-server; then
			log "dsql: sql-server not available yet, running MariaDB only"
			dsql_state="unavailable (no sql-server verb yet)"
		elif ! has_verb init; then
			log "dsql: init not available yet, running MariaDB only"
			dsql_state="unavailable (no init verb yet)"
		else
			dsql_state="available"
		fi
	fi
fi

# ---- MariaDB ---------------------------------------------------------------------------

mariadb_desc="skipped (--skip-mariadb)"
if ((!skip_mariadb)); then
	md="$tmp/mariadb"
	mkdir -p "$md/data" "$md/tmp"
	me="$(id -un)"
	log "mariadb: initialising a private data directory in $md/data"
	if ! mariadb-install-db --no-defaults --datadir="$md/data" --user="$me" \
		--auth-root-authentication-method=normal --skip-test-db >"$results/mariadb-install.log" 2>&1; then
		tail -n 20 "$results/mariadb-install.log" >&2
		die "mariadb-install-db failed (full log: $results/mariadb-install.log)"
	fi
	log "mariadb: starting mariadbd on 127.0.0.1:$mariadb_port"
	mariadbd --no-defaults --datadir="$md/data" --port="$mariadb_port" --socket="$md/mariadbd.sock" \
		--bind-address=127.0.0.1 --user="$me" --pid-file="$md/mariadbd.pid" --tmpdir="$md/tmp" \
		--log-error="$md/error.log" --innodb-flush-log-at-trx-commit=1 --sync-binlog=1 \
		>"$md/stdout.log" 2>&1 &
	mariadb_pid=$!
	wait_ready mariadbd "$mariadb_port" "$mariadb_pid" "$md/error.log" 60 || die "MariaDB did not start"
	sql "$mariadb_port" 'CREATE DATABASE IF NOT EXISTS sbtest' || die "cannot create database sbtest in MariaDB"
	# Read the durability settings back from the server rather than trusting the flags.
	vars="$(sql "$mariadb_port" 'SELECT @@version, @@innodb_flush_log_at_trx_commit, @@sync_binlog, @@log_bin')" ||
		die "cannot read MariaDB's settings"
	read -r mv flush sync logbin <<<"$vars"
	[[ "$flush" == 1 ]] || die "MariaDB runs with innodb_flush_log_at_trx_commit=$flush, want 1"
	mariadb_desc="MariaDB $mv; durable commits: innodb_flush_log_at_trx_commit=$flush (redo log fsynced at every commit), sync_binlog=$sync (binary log $([[ "$logbin" == 1 ]] && echo on || echo "off, so it does not apply"))"
	log "mariadb: $mariadb_desc"
	run_tests mariadb "$mariadb_port"
	log "mariadb: stopping"
	stop_proc "$mariadb_pid" mariadbd 60
	mariadb_pid=""
fi

# ---- commit floor ----------------------------------------------------------------------
# What one durable commit costs on this machine before any SQL work (bench/commitfloor:
# fdatasync over written blocks and at the end of a growing file, Pebble's synced batch
# empty and with a one-row UPDATE's 10 KiB), measured between the two servers' runs, on
# the filesystem both keep their data on, while neither runs.

floor_state="skipped (no go)"
declare -A floor=()
if ((!skip_floor)) && command -v go >/dev/null 2>&1; then
	log "commit floor: building and running bench/commitfloor..."
	if ! go build -o "$tmp/commitfloor" ./bench/commitfloor >"$results/commitfloor.log" 2>&1 ||
		! "$tmp/commitfloor" -dir "$tmp/floor" -n 2000 >>"$results/commitfloor.log" 2>&1; then
		cat "$results/commitfloor.log" >&2
		log "commit floor: failed (above)"
		floor_state="failed"
	else
		floor_state="measured"
		while read -r tag name med _; do
			[[ "$tag" == commitfloor ]] && floor[$name]="$med"
		done <"$results/commitfloor.log"
	fi
elif ((skip_floor)); then
	floor_state="skipped (--skip-floor)"
fi

# ---- dsql ------------------------------------------------------------------------------

if [[ "$dsql_state" == available ]]; then
	dd="$tmp/dsql-data"
	mkdir -p "$dd"
	log "dsql: dsql init in $dd"
	if ! (cd "$dd" && "$tmp/dsql" init) >"$results/dsql-init.log" 2>&1; then
		cat "$results/dsql-init.log" >&2
		log "dsql: init failed (above)"
		dsql_state="failed (init)"
		failed=1
	else
		log "dsql: starting dsql sql-server on 127.0.0.1:$dsql_port"
		(cd "$dd" && exec "$tmp/dsql" sql-server --host 127.0.0.1 --port "$dsql_port") >"$tmp/dsql-server.log" 2>&1 &
		dsql_pid=$!
		if ! wait_ready dsql "$dsql_port" "$dsql_pid" "$tmp/dsql-server.log" 60; then
			dsql_state="failed (server did not start)"
			failed=1
		elif ! sql "$dsql_port" 'CREATE DATABASE IF NOT EXISTS sbtest' >"$results/dsql-createdb.log" 2>&1; then
			cat "$results/dsql-createdb.log" >&2
			log "dsql: CREATE DATABASE sbtest failed (above)"
			dsql_state="failed (CREATE DATABASE)"
			failed=1
		else
			run_tests dsql "$dsql_port"
			log "dsql: stopping"
		fi
		stop_proc "$dsql_pid" dsql 20
		dsql_pid=""
	fi
fi

# ---- report ----------------------------------------------------------------------------

cpu_model="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
fs_type="$(df -T "$tmp" 2>/dev/null | awk 'NR == 2 { print $2 }')"
cell() { # cell SIDE TEST SKIPPED-TEXT
	local k="$1:$2"
	if [[ -n "${median[$k]:-}" ]]; then
		printf '%s%s' "${median[$k]}" "$([[ "${ignored[$k]:-0}" != 0 ]] && echo '*')"
	elif [[ -n "${status[$k]:-}" ]]; then
		printf '%s' "${status[$k]}"
	else
		printf '%s' "$3"
	fi
}
{
	echo "sysbench OLTP: dsql vs MariaDB, median latency per event (transaction) in ms"
	echo "machine:   $(nproc) CPUs, ${cpu_model:-unknown CPU}, $(uname -sr), temp dirs on ${fs_type:-?} ($(dirname "$tmp"))"
	echo "load avg:  $load_start at start, $(cut -d' ' -f1-3 /proc/loadavg) at end (other work on the machine skews the figures)"
	echo "sysbench:  $(sysbench --version | head -n1)"
	echo "settings:  $THREADS thread, $TABLES table x $TABLE_SIZE rows, ${time_s}s per test after prepare, --rand-seed=$seed, --db-ps-mode=$ps_mode, fresh table per test, $( ((warmup_s > 0)) && echo "${warmup_s}s of unmeasured oltp_write_only per server first" || echo "no warm-up")"
	echo "mariadb:   $mariadb_desc"
	echo "dsql:      ${dsql_version:+$dsql_version; }$dsql_state"
	echo
	printf '%-22s | %17s | %14s | %s\n' test "mariadb median ms" "dsql median ms" "ratio dsql/mariadb"
	printf '%-22s-+-%17s-+-%14s-+-%s\n' "$(printf '%.0s-' {1..22})" "$(printf '%.0s-' {1..17})" "$(printf '%.0s-' {1..14})" "$(printf '%.0s-' {1..18})"
	any_ignored=0
	for t in "${tests[@]}"; do
		mc="$(cell mariadb "$t" "$( ((skip_mariadb)) && echo skipped || echo -)")"
		dc="$(cell dsql "$t" "-")"
		ratio="-"
		if [[ -n "${median[mariadb:$t]:-}" && -n "${median[dsql:$t]:-}" ]]; then
			ratio="$(awk -v d="${median[dsql:$t]}" -v m="${median[mariadb:$t]}" 'BEGIN { if (m <= 0) { print "inf"; exit } r = d / m; if (r >= 100) printf "%.0f", r; else printf "%.3g", r }')"
		fi
		[[ "$mc$dc" == *'*'* ]] && any_ignored=1
		printf '%-22s | %17s | %14s | %s\n' "$t" "$mc" "$dc" "$ratio"
	done
	if ((any_ignored)); then
		echo
		echo "* sysbench ignored errors during this run (deadlock/lock-wait codes, see 'ignored errors' in the raw output)"
	fi
	echo
	echo "medians: from sysbench's latency histogram (--percentile=50 --histogram; its buckets are ~1.8% wide)"
	echo
	if [[ "$floor_state" == measured ]]; then
		echo "durable-commit floor on this machine (bench/commitfloor, between the two runs, median ms):"
		printf '  %-58s %s\n' "4 KiB overwrite + fdatasync (a redo log's commit)" "${floor[overwrite]:--}"
		printf '  %-58s %s\n' "200 B append + fdatasync (a log file that grows)" "${floor[append]:--}"
		printf '  %-58s %s\n' "Pebble synced batch, no chunks (dsql's smallest commit)" "${floor[pebble-0]:--}"
		printf '  %-58s %s\n' "Pebble synced batch, 10 KiB of chunks (a one-row UPDATE's)" "${floor[pebble-10k]:--}"
		printf '  %-58s %s\n' "  the same, WAL appended as Pebble lays it out (no walFS)" "${floor[pebble-10k-append]:--}"
	else
		echo "durable-commit floor: $floor_state"
	fi
} | tee "$results/summary.txt"
echo
echo "raw sysbench outputs, server logs and summary.txt: $results"

exit "$failed"
