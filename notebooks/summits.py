# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Summits at a glance
#
# Reads the Parquet exports of a `summit-etl run` (default `data/exports`, or the folder in
# `SUMMIT_ETL_EXPORTS`) with DuckDB and polars, and draws three figures: the summit timeline,
# who attended which summit, and how many quotes each leader has. Each figure is shown here and
# saved as a PNG in `notebooks/output/` (or the folder in `SUMMIT_ETL_NOTEBOOK_OUTPUT`).
#
# The analyst views (`sql/views/*.sql`) are read from their exported files when
# `summit-etl export` wrote them, and otherwise built here from the exported tables.

# %%
import os
from pathlib import Path

import duckdb
import matplotlib.pyplot as plt
import polars as pl


def project_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "sql" / "views").is_dir():
            return folder
    return start


ROOT = project_root(Path.cwd().resolve())
EXPORTS = Path(os.environ.get("SUMMIT_ETL_EXPORTS", ROOT / "data" / "exports")).resolve()
OUTPUT = Path(os.environ.get("SUMMIT_ETL_NOTEBOOK_OUTPUT", ROOT / "notebooks" / "output")).resolve()
OUTPUT.mkdir(parents=True, exist_ok=True)

exported = {path.stem: path for path in sorted(EXPORTS.glob("*.parquet"))}
if "summits" not in exported:
    raise FileNotFoundError(f"no Parquet exports in {EXPORTS}: run `summit-etl run` first")

con = duckdb.connect()  # in memory: one view per exported file, named after its table
for name, path in exported.items():
    con.read_parquet(str(path)).to_view(name)
for view_file in sorted((ROOT / "sql" / "views").glob("*.sql")):
    if view_file.stem not in exported:
        con.execute(view_file.read_text(encoding="utf-8"))

print(f"exports: {EXPORTS}")
print(f"figures: {OUTPUT}")
pl.DataFrame({"table": list(exported), "rows": [pl.scan_parquet(p).select(pl.len()).collect().item()
                                                for p in exported.values()]})

# %% [markdown]
# ## Summit timeline
#
# Summits in date order (the summit's own date, else the first article's date); undated ones
# follow in the lower panel with how many sources report them and how many leaders attended.

# %%
timeline = con.table("summit_timeline").pl()
timeline.select("timeline_date", "date_basis", "name", "city", "sources", "independent_sources", "attendees",
                "meetings", "quotes")

# %%
def save(fig, name: str) -> Path:
    path = OUTPUT / f"{name}.png"
    fig.savefig(path, dpi=120, bbox_inches="tight")
    return path


dated = timeline.filter(pl.col("timeline_date").is_not_null())
fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 3 + 0.45 * len(timeline)),
                                  gridspec_kw={"height_ratios": [1, max(len(timeline), 1) / 3]})
if len(dated):
    top.scatter(dated["timeline_date"].to_list(), [1] * len(dated), s=[60 * n for n in dated["sources"]],
                color="tab:blue", zorder=3)
    for day, label in zip(dated["timeline_date"], dated["name"]):
        top.annotate(label, (day, 1), xytext=(0, 12), textcoords="offset points", ha="center", fontsize=8)
    top.axhline(1, color="grey", lw=0.8)
else:
    top.text(0.5, 0.5, "no summit has a known date", ha="center", va="center", transform=top.transAxes)
top.set_yticks([])
top.set_title("Summit timeline (dot size = sources)")

labels = [f"{name}\n{day or 'date unknown'}" for name, day in zip(timeline["name"], timeline["timeline_date"])]
ys = list(range(len(timeline)))[::-1]
bottom.barh([y + 0.2 for y in ys], timeline["sources"].to_list(), height=0.4, label="sources")
bottom.barh([y - 0.2 for y in ys], timeline["attendees"].to_list(), height=0.4, label="attendees")
bottom.set_yticks(ys, labels, fontsize=8)
bottom.set_xlabel("count")
bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
fig.tight_layout()
save(fig, "summit_timeline")
plt.show()

# %% [markdown]
# ## Attendance heatmap
#
# People × summits from the long-form `attendance_matrix` view, pivoted with polars.

# %%
attendance = con.table("attendance_matrix").pl()
summit_order = (attendance.select("summit_id", "summit_label", "start_date").unique()
                .sort("start_date", "summit_label", nulls_last=True))
matrix = (attendance.pivot(on="summit_label", index="person", values="present", aggregate_function="max")
          .fill_null(0).sort("person"))
columns = [c for c in summit_order["summit_label"].unique(maintain_order=True) if c in matrix.columns]
matrix = matrix.select("person", *columns)
matrix

# %%
values = matrix.select(columns).to_numpy()
fig, ax = plt.subplots(figsize=(2 + 1.3 * len(columns), 1 + 0.45 * len(matrix)))
ax.imshow(values, cmap="Blues", vmin=0, vmax=1, aspect="auto")
ax.set_xticks(range(len(columns)), columns, rotation=30, ha="right", fontsize=8)
ax.set_yticks(range(len(matrix)), matrix["person"].to_list(), fontsize=8)
for (row, col), value in [((r, c), values[r][c]) for r in range(values.shape[0]) for c in range(values.shape[1])]:
    if value:
        ax.text(col, row, "✓", ha="center", va="center", color="white", fontsize=10)
ax.set_title("Who attended which summit")
fig.tight_layout()
save(fig, "attendance_heatmap")
plt.show()

# %% [markdown]
# ## Quotes per leader
#
# Quotes whose speaker is a person (not a ministry or a communiqué), split by the summit they
# were said at.

# %%
quotes = con.table("quotes_by_speaker").pl().filter(pl.col("speaker_person_id").is_not_null())
per_leader = (quotes.with_columns(pl.col("summit").fill_null("away from summits"))
              .group_by("speaker", "summit").agg(pl.len().alias("quotes")))
leaders = (per_leader.group_by("speaker").agg(pl.col("quotes").sum()).sort(["quotes", "speaker"],
                                                                          descending=[False, True]))
per_leader.sort("speaker", "summit")

# %%
fig, ax = plt.subplots(figsize=(9, 1 + 0.5 * max(len(leaders), 1)))
order = leaders["speaker"].to_list()
left = [0] * len(order)
for summit in sorted(per_leader["summit"].unique().to_list()):
    counts = dict(per_leader.filter(pl.col("summit") == summit).select("speaker", "quotes").iter_rows())
    widths = [counts.get(speaker, 0) for speaker in order]
    ax.barh(order, widths, left=left, label=summit)
    left = [a + b for a, b in zip(left, widths)]
ax.set_xlabel("quotes")
ax.set_title("Quotes per leader, by summit")
ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
fig.tight_layout()
save(fig, "quotes_per_leader")
plt.show()

# %%
sorted(path.name for path in OUTPUT.glob("*.png"))
