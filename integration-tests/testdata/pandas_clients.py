"""pandas + SQLAlchemy against dsql sql-server, through one MySQL driver.

Usage: pandas_clients.py DRIVER HOST PORT DB   (DRIVER: pymysql or mysqldb)

Run by integration-tests/pandas_clients_test.go. Every check that fails is collected; the
last line printed is JSON: {"driver": ..., "versions": {...}, "checks": N, "failures": [...]}.
"""
import json
import sys
import traceback

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

driver, host, port, dbname = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
failures = []
checks = 0


def check(what, cond, detail=""):
    global checks
    checks += 1
    if not cond:
        failures.append(f"{what}: {detail}")


def step(what, fn):
    """Runs fn; an exception is a failure of that step (later steps still run)."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - report everything
        failures.append(f"{what}: {type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}")
        return None


def engine_for(db):
    # URL.create keeps "db/branch" as one database name (no URL parsing of the slash).
    return sa.create_engine(URL.create(f"mysql+{driver}", username="root", host=host, port=port, database=db))


eng = engine_for(dbname)
versions = {"pandas": pd.__version__, "sqlalchemy": sa.__version__}
if driver == "pymysql":
    import pymysql
    versions["pymysql"] = pymysql.__version__
else:
    import MySQLdb
    versions["mysqlclient"] = ".".join(str(x) for x in MySQLdb.version_info[:3])

with eng.begin() as c:
    c.execute(text("CREATE TABLE authors (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(64) NOT NULL, "
                   "born DATE, UNIQUE KEY uq_name (name))"))
    c.execute(text("CREATE TABLE books (id BIGINT PRIMARY KEY, author_id INT NOT NULL, title VARCHAR(200) NOT NULL, "
                   "price DECIMAL(8,2) DEFAULT 0.00, rating DOUBLE, KEY idx_title (title), "
                   "KEY idx_author_rating (author_id, rating), "
                   "CONSTRAINT fk_author FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE)"))
    c.execute(text("INSERT INTO authors (name, born) VALUES ('Le Guin', '1929-10-21'), ('Butler', '1947-06-22')"))
    c.execute(text("INSERT INTO books VALUES (1, 1, 'The Dispossessed', 9.50, 4.5), (2, 2, 'Kindred', 12.00, NULL)"))

# --- to_sql / read_sql ------------------------------------------------------------------
rng = np.random.default_rng(20261126)
n = 1000
df = pd.DataFrame({
    "id": np.arange(n, dtype="int64"),
    "x": rng.integers(-10**12, 10**12, n),
    "y": rng.random(n),
    "label": [f"row-{i} é ✓" for i in range(n)],
    "at": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**8, n), unit="s"),
    "flag": rng.integers(0, 2, n).astype(bool),
})


def same_frame(a, b):
    a = a.sort_values("id").reset_index(drop=True)
    b = b.sort_values("id").reset_index(drop=True)
    return (len(a) == len(b)
            and (a["id"].to_numpy() == b["id"].to_numpy()).all()
            and (a["x"].to_numpy() == b["x"].to_numpy()).all()
            and np.array_equal(a["y"].to_numpy(), b["y"].to_numpy())
            and (a["label"] == b["label"]).all()
            and (pd.to_datetime(a["at"]) == pd.to_datetime(b["at"])).all()
            and (a["flag"].astype(bool).to_numpy() == b["flag"].astype(bool).to_numpy()).all())


def to_sql_replace():
    df.to_sql("samples", eng, index=False, if_exists="replace", chunksize=128)
    back = pd.read_sql_table("samples", eng)
    check("read_sql_table after to_sql(replace, chunksize=128)", same_frame(back, df),
          f"{len(back)} rows\n{back.head(3)}")
    back2 = pd.read_sql("SELECT * FROM samples ORDER BY id", eng)
    check("read_sql(query) after to_sql", same_frame(back2, df), f"{len(back2)} rows")
    back3 = pd.read_sql(text("SELECT id, label FROM samples WHERE id < :lim ORDER BY id"), eng, params={"lim": 10})
    check("read_sql with a bound parameter", list(back3["id"]) == list(range(10)) and back3["label"][3] == "row-3 é ✓",
          str(back3.head()))
    back4 = pd.read_sql("SELECT * FROM samples ORDER BY id", eng, chunksize=300)
    sizes = [len(ch) for ch in back4]
    check("read_sql(chunksize=300)", sizes == [300, 300, 300, 100], str(sizes))


step("to_sql replace", to_sql_replace)


def to_sql_append():
    more = df.iloc[:500].copy()
    more["id"] = more["id"] + n
    more.to_sql("samples", eng, index=False, if_exists="append", chunksize=100, method="multi")
    with eng.connect() as c:
        cnt = c.execute(text("SELECT COUNT(*), MAX(id) FROM samples")).one()
    check("to_sql(append, chunksize=100, method=multi)", tuple(cnt) == (1500, 1499), str(cnt))
    # if_exists="fail" refuses an existing table.
    try:
        df.to_sql("samples", eng, index=False, if_exists="fail")
        check("to_sql(if_exists=fail) on an existing table raises", False, "no error")
    except ValueError:
        check("to_sql(if_exists=fail) on an existing table raises", True)
    # replace with a different shape drops and recreates.
    small = pd.DataFrame({"k": ["a", "b"], "v": [1.5, None]})
    small.to_sql("shape", eng, index=False, if_exists="replace")
    small2 = pd.DataFrame({"k2": ["z"], "n": [7]})
    small2.to_sql("shape", eng, index=False, if_exists="replace")
    back = pd.read_sql_table("shape", eng)
    check("to_sql(replace) with another shape", list(back.columns) == ["k2", "n"] and back["n"][0] == 7, str(back))
    # index=True writes the index as a column (and SQLAlchemy creates an index for it).
    idx = pd.DataFrame({"v": [10, 20, 30]}, index=pd.Index([5, 6, 7], name="pos"))
    idx.to_sql("with_index", eng, if_exists="replace")
    back = pd.read_sql_table("with_index", eng, index_col="pos").sort_index()  # keyless: no row order
    check("to_sql(index=True) / read_sql_table(index_col)", list(back.index) == [5, 6, 7] and list(back["v"]) == [10, 20, 30],
          str(back))


step("to_sql append", to_sql_append)

# --- versions: AS OF and diff tables -------------------------------------------------------


def versions_check():
    with eng.begin() as c:
        c.execute(text("CALL dsql_commit('-Am', 'v1: samples')"))
        v1 = c.execute(text("SELECT dsql_hashof('HEAD')")).scalar()
        c.execute(text("UPDATE samples SET y = -1 WHERE id < 10"))
        c.execute(text("DELETE FROM samples WHERE id >= 1490"))
        c.execute(text("CALL dsql_commit('-am', 'v2: edits')"))
        c.execute(text("CALL dsql_tag('v2')"))
        c.execute(text("INSERT INTO samples (id, x, y, label, at, flag) VALUES (5000, 1, 2.5, 'new', '2024-05-01 00:00:00', 1)"))
    old = pd.read_sql(text("SELECT * FROM samples AS OF :rev ORDER BY id"), eng, params={"rev": v1})
    check("read_sql AS OF <commit hash>", len(old) == 1500 and (old["y"].iloc[:10] >= 0).all(), f"{len(old)} rows")
    old2 = pd.read_sql("SELECT COUNT(*) AS n, MIN(y) AS m FROM samples AS OF 'HEAD~1'", eng)
    check("read_sql AS OF 'HEAD~1'", int(old2["n"][0]) == 1500 and old2["m"][0] >= 0, str(old2))
    tag = pd.read_sql("SELECT COUNT(*) AS n FROM samples AS OF 'v2'", eng)
    check("read_sql AS OF tag", int(tag["n"][0]) == 1490, str(tag))
    cur = pd.read_sql("SELECT COUNT(*) AS n FROM samples", eng)
    check("read_sql of the working set", int(cur["n"][0]) == 1491, str(cur))
    diff = pd.read_sql("SELECT diff_type, COUNT(*) AS n FROM dsql_diff_samples WHERE to_commit = dsql_hashof('v2') GROUP BY diff_type ORDER BY diff_type", eng)
    got = dict(zip(diff["diff_type"], diff["n"].astype(int)))
    # to_sql makes keyless tables, whose diffs are by whole row: an UPDATE is a removed
    # row plus an added one.
    check("read_sql of dsql_diff_samples for commit v2", got == {"added": 10, "removed": 20}, str(diff))
    wd = pd.read_sql("SELECT to_id, from_id, diff_type FROM dolt_diff_samples WHERE to_commit = 'WORKING'", eng)
    check("read_sql of dolt_diff_samples WORKING", list(wd["to_id"]) == [5000] and list(wd["diff_type"]) == ["added"], str(wd))
    d2 = pd.read_sql(f"SELECT COUNT(*) AS n FROM dsql_diff('{v1}', 'v2', 'samples')", eng)
    check("read_sql of dsql_diff(v1, v2, samples)", int(d2["n"][0]) == 30, str(d2))


step("AS OF and diff", versions_check)

# --- reflection ----------------------------------------------------------------------------


def reflection():
    insp = inspect(eng)
    tables = sorted(insp.get_table_names())
    check("inspect.get_table_names", tables == ["authors", "books", "samples", "shape", "with_index"], str(tables))
    cols = insp.get_columns("books")
    got = [(c["name"], str(c["type"]).split(" ")[0], c["nullable"]) for c in cols]
    want = [("id", "BIGINT", False), ("author_id", "INTEGER", False), ("title", "VARCHAR(200)", False),
            ("price", "DECIMAL(8,", True), ("rating", "DOUBLE", True)]
    got_norm = [(n, t if not t.startswith("DECIMAL") else "DECIMAL(8,", nl) for n, t, nl in got]
    check("inspect.get_columns(books)", got_norm == want, str(got))
    price = [c for c in cols if c["name"] == "price"]
    check("inspect.get_columns default", price and str(price[0].get("default")).strip("'") == "0.00", str(price))
    acols = insp.get_columns("authors")
    check("inspect.get_columns autoincrement", acols[0]["name"] == "id" and acols[0].get("autoincrement") is True, str(acols[0]))
    pk = insp.get_pk_constraint("books")
    check("inspect.get_pk_constraint", pk["constrained_columns"] == ["id"], str(pk))
    idx = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes("books"))
    want_idx = [("fk_author", ("author_id",), False), ("idx_author_rating", ("author_id", "rating"), False), ("idx_title", ("title",), False)]
    # MySQL does not add a separate fk_author index when another index starts with author_id.
    idx_nofk = [i for i in idx if i[0] != "fk_author"]
    check("inspect.get_indexes(books)", idx_nofk == [w for w in want_idx if w[0] != "fk_author"], str(idx))
    aidx = [(i["name"], i["column_names"], bool(i["unique"])) for i in insp.get_indexes("authors")]
    check("inspect.get_indexes(authors) unique", ("uq_name", ["name"], True) in aidx, str(aidx))
    uq = insp.get_unique_constraints("authors")
    check("inspect.get_unique_constraints", [(u["name"], u["column_names"]) for u in uq] == [("uq_name", ["name"])], str(uq))
    fks = insp.get_foreign_keys("books")
    check("inspect.get_foreign_keys(books)",
          len(fks) == 1 and fks[0]["name"] == "fk_author" and fks[0]["referred_table"] == "authors"
          and fks[0]["constrained_columns"] == ["author_id"] and fks[0]["referred_columns"] == ["id"]
          and (fks[0].get("options") or {}).get("ondelete") == "CASCADE", str(fks))
    check("inspect.has_table", insp.has_table("books") and not insp.has_table("nope"), "")
    md = sa.MetaData()
    books = sa.Table("books", md, autoload_with=eng)
    check("Table(autoload_with)", [c.name for c in books.columns] == ["id", "author_id", "title", "price", "rating"]
          and len(books.foreign_keys) == 1, str(books.columns))
    with eng.connect() as c:
        rows = c.execute(sa.select(books.c.title).where(books.c.author_id == 2)).scalars().all()
    check("select() on a reflected Table", rows == ["Kindred"], str(rows))
    # reflect() of the whole database (what pandas and Alembic do).
    md2 = sa.MetaData()
    md2.reflect(bind=eng)
    check("MetaData.reflect", {"authors", "books", "samples"} <= set(md2.tables), str(sorted(md2.tables)))


step("reflection", reflection)

# --- a branch through the database name --------------------------------------------------


def branch():
    with eng.begin() as c:
        c.execute(text("CALL dsql_commit('-Am', 'before branch')"))
        c.execute(text("CALL dsql_branch('feature')"))
    feng = engine_for(dbname + "/feature")
    with feng.begin() as c:  # plain SQL on the branch
        c.execute(text("INSERT INTO samples (id, x, y, label, at, flag) VALUES (9000, 1, 0.5, 'b1', '2024-02-01', 1)"))
    on_branch = pd.read_sql("SELECT (SELECT COUNT(*) FROM samples) AS n, DATABASE() AS db", feng)
    on_main = pd.read_sql("SELECT COUNT(*) AS n FROM samples", eng)["n"][0]
    check("read_sql on db/feature sees its own row, main does not",
          (int(on_branch["n"][0]), on_branch["db"][0], int(on_main)) == (1492, dbname + "/feature", 1491),
          f"{on_branch}, {on_main} on main")
    # to_sql asks SQLAlchemy's has_table, which reads information_schema.tables with
    # table_schema = DATABASE() ("db/feature").
    step("to_sql(append) on db/feature", lambda: pd.DataFrame(
        {"id": [9001], "x": [2], "y": [0.25], "label": ["b2"], "at": pd.to_datetime(["2024-02-02"]), "flag": [False]}
    ).to_sql("samples", feng, index=False, if_exists="append"))
    step("to_sql(new table) on db/feature", lambda: pd.DataFrame({"a": [1, 2, 3]}).to_sql("branch_only", feng, index=False))
    n = pd.read_sql("SELECT COUNT(*) AS n FROM samples", feng)["n"][0]
    check("to_sql(append) on db/feature wrote there", int(n) == 1493, str(n))
    ft = sorted(inspect(feng).get_table_names())
    check("inspect.get_table_names on db/feature", "branch_only" in ft, str(ft))
    check("inspect.get_table_names on main has no branch_only", "branch_only" not in inspect(eng).get_table_names(), "")
    fcols = [c["name"] for c in inspect(feng).get_columns("samples")]
    check("inspect.get_columns on db/feature", fcols == ["id", "x", "y", "label", "at", "flag"], str(fcols))
    check("inspect.has_table on db/feature", inspect(feng).has_table("samples"), "")
    feng.dispose()


step("branch", branch)

eng.dispose()
print(json.dumps({"driver": driver, "versions": versions, "checks": checks, "failures": failures}))
