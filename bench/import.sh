#!/usr/bin/env bash
# Import benchmark: 10,000 people and 5,000 forløb from CSV, with the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/mentor-notify
[ -x "$bin" ] || scripts/release-build.sh >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 bench/generate.py --dir "$out" --people 10000 --forloeb 5000
export MENTOR_NOTIFY_DB="$out/bench.db"
"$bin" init >/dev/null 2>&1
measure() {  # prints seconds and peak RSS (KiB) of a command
    /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1
}
read -r people_s people_kb < <(measure "$bin" --log-level error import people "$out/people.csv")
read -r rel_s rel_kb < <(measure "$bin" --log-level error import relationships "$out/relationships.csv")
# The import is a sync: the same files again change nothing, but every row is still compared.
read -r again_s again_kb < <(measure "$bin" --log-level error import people "$out/people.csv")
read -r rel_again_s rel_again_kb < <(measure "$bin" --log-level error import relationships "$out/relationships.csv")
# The floor: the same rows inserted by the sqlite3 shell in one transaction, no checks.
python3 - "$out" <<'PY' > "$out/floor.sql"
import csv, sys
d = sys.argv[1]
print("BEGIN;")
for row in csv.DictReader(open(f"{d}/people.csv", encoding="utf-8"), delimiter=";"):
    name = row["name"].replace("'", "''")
    print(f"INSERT INTO person (ref, role, name, email, phone, birthdate, channels) VALUES ('x{row['ref']}', '{row['role']}', '{name}', '{row['email']}', '{row['phone']}', '{row['birthdate']}', 'email');")
print("COMMIT;")
PY
cp "$MENTOR_NOTIFY_DB" "$out/floor.db"
sqlite3 "$out/floor.db" "DELETE FROM relationship; DELETE FROM person;"
read -r floor_s floor_kb < <(measure sqlite3 "$out/floor.db" ".read $out/floor.sql")
total=$(python3 -c "print(round($people_s + $rel_s, 2))")
printf 'import: 10000 people in %ss (peak %d MiB), 5000 forløb in %ss (peak %d MiB); total %ss (goal < 5 s)\n' \
    "$people_s" $((people_kb / 1024)) "$rel_s" $((rel_kb / 1024)) "$total"
printf 'import again (sync, nothing changes): 10000 people in %ss (peak %d MiB), 5000 forløb in %ss (peak %d MiB)\n' \
    "$again_s" $((again_kb / 1024)) "$rel_again_s" $((rel_again_kb / 1024))
printf 'import: floor (sqlite3 shell, same people rows, no checks): %ss; ratio %sx\n' "$floor_s" \
    "$(python3 -c "print(round($people_s / max($floor_s, 0.001), 1))")"
