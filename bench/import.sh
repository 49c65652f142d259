#!/usr/bin/env bash
# bench/import.sh: import of a CSV (int key, int, double, varchar, datetime) into dsql
# (dsql table import, and LOAD DATA INFILE through dsql sql-server) and into MariaDB (LOAD
# DATA INFILE) in the same run: seconds, rows/s and peak RSS of dsql.
#
# Not part of `go test` or CI (it takes a minute and needs mariadb-server).
#   bench/import.sh                  # 1,000,000 rows
#   bench/import.sh --rows 10000000  # 10M rows (peak RSS of dsql is the figure to watch)
#   bench/import.sh --skip-mariadb   # dsql only
#   bench/import.sh --dsql-bin ./bin/dsql
#   bench/import.sh --skip-load-data # without dsql's LOAD DATA (row by row: slow at 10M)
set -euo pipefail
export LC_ALL=C
export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"

rows=1000000
port=33316
skip_mariadb=0
skip_load_data=0
dsql_port=33317
dsql_bin=""
while (($#)); do
	case "$1" in
	--rows) rows="$2"; shift 2 ;;
	--mariadb-port) port="$2"; shift 2 ;;
	--skip-mariadb) skip_mariadb=1; shift ;;
	--skip-load-data) skip_load_data=1; shift ;;
	--dsql-port) dsql_port="$2"; shift 2 ;;
	--dsql-bin) dsql_bin="$2"; shift 2 ;;
	-h | --help) sed -n '2,13p' "$0"; exit 0 ;;
	*) echo "import.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

here="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/dsql-import-bench.XXXXXX")"
mariadb_pid=""
dsql_pid=""
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n "$dsql_pid" ]] && kill -0 "$dsql_pid" 2>/dev/null; then
		kill -TERM "$dsql_pid" 2>/dev/null || true
		wait "$dsql_pid" 2>/dev/null || true
	fi
	if [[ -n "$mariadb_pid" ]] && kill -0 "$mariadb_pid" 2>/dev/null; then
		kill -TERM "$mariadb_pid" 2>/dev/null || true
		wait "$mariadb_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "import.sh: $*" >&2; }
now() { date +%s.%N; }

if [[ -z "$dsql_bin" ]]; then
	log "building dsql"
	(cd "$here" && go build -o "$tmp/dsql" ./cmd/dsql)
	dsql_bin="$tmp/dsql"
fi

csv="$tmp/t.csv"
log "writing $rows rows to $csv"
python3 - "$csv" "$rows" <<'PY'
import random, sys
path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(1)
with open(path, "w") as f:
    f.write("id,n,d,s,dt\n")
    for i in range(1, n + 1):
        f.write("%d,%d,%d.%03d,name %d,2024-%02d-%02d %02d:%02d:%02d\n" % (
            i, rng.randrange(-1000, 1000), rng.randrange(1000000), rng.randrange(1000), i,
            1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60))
PY
ddl="CREATE TABLE t (id INT PRIMARY KEY, n INT, d DOUBLE, s VARCHAR(64), dt DATETIME)"
echo "$ddl" >"$tmp/t.sql"
size=$(stat -c %s "$csv")

# ---- dsql --------------------------------------------------------------------------------
mkdir "$tmp/db"
(cd "$tmp/db" && "$dsql_bin" init --name bench --email bench@localhost >/dev/null)
log "dsql: table import -c --schema t.sql t t.csv"
start=$(now)
(cd "$tmp/db" && /usr/bin/time -f "%M %U %S" -o "$tmp/dsql.time" "$dsql_bin" table import -c --schema "$tmp/t.sql" t "$csv" >/dev/null)
end=$(now)
dsql_s=$(echo "$end - $start" | bc -l)
read -r dsql_rss dsql_user dsql_sys <"$tmp/dsql.time"
got=$(cd "$tmp/db" && "$dsql_bin" sql -r csv -q "SELECT count(*) FROM t" | tail -1)
[[ "$got" == "$rows" ]] || { log "dsql imported $got rows, want $rows"; exit 1; }

log "dsql: table import -c t t.csv (types inferred: two passes over the file)"
start=$(now)
(cd "$tmp/db" && "$dsql_bin" table import -c t2 "$csv" >/dev/null)
end=$(now)
dsql_infer_s=$(echo "$end - $start" | bc -l)

load_data="LOAD DATA INFILE '$csv' INTO TABLE t3 FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\n' IGNORE 1 LINES"
dsql_ld_s=""
if ((!skip_load_data)); then
	log "dsql: LOAD DATA INFILE through dsql sql-server"
	(cd "$tmp/db" && exec "$dsql_bin" sql-server --host 127.0.0.1 --port "$dsql_port" >"$tmp/dsql-server.log" 2>&1) &
	dsql_pid=$!
	dsql_sql() { mysql --no-defaults --protocol=TCP -h127.0.0.1 -P"$dsql_port" -uroot --batch --skip-column-names -D db -e "$*"; }
	for ((i = 0; i < 300; i++)); do
		dsql_sql "SELECT 1" >/dev/null 2>&1 && break
		kill -0 "$dsql_pid" 2>/dev/null || { cat "$tmp/dsql-server.log" >&2; exit 1; }
		sleep 0.2
	done
	dsql_sql "${ddl/TABLE t /TABLE t3 }"
	start=$(now)
	dsql_sql "$load_data"
	end=$(now)
	dsql_ld_s=$(echo "$end - $start" | bc -l)
	got=$(dsql_sql "SELECT count(*) FROM t3")
	[[ "$got" == "$rows" ]] || { log "dsql LOAD DATA loaded $got rows, want $rows"; exit 1; }
	kill -TERM "$dsql_pid"
	wait "$dsql_pid" || true
	dsql_pid=""
fi

# ---- MariaDB -----------------------------------------------------------------------------
maria_s=""
if ((!skip_mariadb)); then
	md="$tmp/mariadb"
	mkdir -p "$md/data" "$md/tmp"
	me="$(id -un)"
	mariadb-install-db --no-defaults --datadir="$md/data" --user="$me" \
		--auth-root-authentication-method=normal --skip-test-db >"$md/install.log" 2>&1
	mariadbd --no-defaults --datadir="$md/data" --port="$port" --socket="$md/mariadbd.sock" \
		--bind-address=127.0.0.1 --user="$me" --pid-file="$md/mariadbd.pid" --tmpdir="$md/tmp" \
		--log-error="$md/error.log" --innodb-flush-log-at-trx-commit=1 --secure-file-priv="$tmp" \
		>"$md/stdout.log" 2>&1 &
	mariadb_pid=$!
	sql() { mariadb --no-defaults --protocol=TCP -h127.0.0.1 -P"$port" -uroot --batch --skip-column-names -e "$*"; }
	for ((i = 0; i < 300; i++)); do
		sql "SELECT 1" >/dev/null 2>&1 && break
		kill -0 "$mariadb_pid" 2>/dev/null || { tail -20 "$md/error.log" >&2; exit 1; }
		sleep 0.2
	done
	sql "CREATE DATABASE b; USE b; $ddl"
	maria_v=$(sql "SELECT @@version")
	log "mariadb $maria_v: LOAD DATA INFILE"
	cpu0=$(awk '{print $14 + $15}' "/proc/$mariadb_pid/stat")
	start=$(now)
	sql "USE b; LOAD DATA INFILE '$csv' INTO TABLE t FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\n' IGNORE 1 LINES"
	end=$(now)
	maria_s=$(echo "$end - $start" | bc -l)
	cpu1=$(awk '{print $14 + $15}' "/proc/$mariadb_pid/stat")
	maria_cpu=$(echo "($cpu1 - $cpu0) / $(getconf CLK_TCK)" | bc -l)
	got=$(sql "SELECT count(*) FROM b.t")
	[[ "$got" == "$rows" ]] || { log "MariaDB loaded $got rows, want $rows"; exit 1; }
fi

# ---- summary -----------------------------------------------------------------------------
rate() { printf "%.0f" "$(echo "$rows / $1" | bc -l)"; }
echo
echo "import of $rows rows, 5 columns, $((size / 1000000)) MB CSV; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-44s %10s %12s\n" "" "seconds" "rows/s"
printf "%-44s %10.2f %12s\n" "dsql table import -c --schema (durable)" "$dsql_s" "$(rate "$dsql_s")"
printf "%-44s %10.2f %12s\n" "dsql table import -c (types inferred)" "$dsql_infer_s" "$(rate "$dsql_infer_s")"
if [[ -n "$dsql_ld_s" ]]; then
	printf "%-44s %10.2f %12s\n" "dsql sql-server LOAD DATA INFILE" "$dsql_ld_s" "$(rate "$dsql_ld_s")"
fi
if [[ -n "$maria_s" ]]; then
	printf "%-44s %10.2f %12s\n" "MariaDB $maria_v LOAD DATA INFILE" "$maria_s" "$(rate "$maria_s")"
	printf "dsql / MariaDB speed: %.2fx (wall clock)\n" "$(echo "$maria_s / $dsql_s" | bc -l)"
	printf "CPU seconds: dsql %.2f (user+sys of the process), mariadbd %.2f (its CPU during LOAD DATA)\n" \
		"$(echo "$dsql_user + $dsql_sys" | bc -l)" "$maria_cpu"
fi
echo "dsql peak RSS: $((dsql_rss / 1024)) MiB; CPU user ${dsql_user}s, sys ${dsql_sys}s"
