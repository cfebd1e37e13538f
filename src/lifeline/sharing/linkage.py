"""Probabilistic record linkage: which canonical records describe the same entity (pure).

Exact keys de-duplicate within a dataset at ingest; this finds the rest — the same person,
facility or team spelt differently, typed in another source, or moved a few metres. It uses the
``recordlinkage`` package (Python Record Linkage Toolkit) for the two expensive steps:

1. **Indexing** (which pairs to compare): sorted neighbourhood on a blocking key (the name in
   pinyin, so 张伟 and 張偉 and "Zhang Wei" sort together; window 9), united with exact blocks on
   strong identifiers (phone, ID number) so a misspelt name still meets its phone.
2. **Comparison** per feature, each a similarity in [0, 1]: Jaro-Winkler on names twice — on
   the characters and on their pinyin, so a homophone (张伟/张玮) or a traditional form (張偉)
   earns the pinyin half only — q-gram on addresses, exact on codes and identifiers, and a linear
   decay on the great-circle distance between locations (1 at 0 km, 0 beyond ``scale_km``).

The **score** of a pair is the weighted mean of the features both records have::

    score = Σ_f w_f · s_f / Σ_f w_f · [s_f defined]

so a missing phone neither helps nor hurts; a pair known by its name alone is never proposed.
Pairs scoring ≥ ``match`` are merged automatically;
those in [``review``, ``match``) wait for a person; the rest are dropped. Weights and thresholds
are data (``LINKAGE``), measured on the FEBRL data sets in ``benchmarks/linkage.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import recordlinkage
from pypinyin import lazy_pinyin

from lifeline.sharing.standard import RecordType


@dataclass(frozen=True, slots=True)
class Feature:
    field: str
    method: str  # "jarowinkler" | "qgram" | "levenshtein" | "exact" | "geo"
    weight: float
    # geo: similarity 1 − d/scale_km, 0 from this distance on (recordlinkage's "linear" with
    # scale = scale_km / 2, its half-way point)
    scale_km: float = 0.2
    pinyin: bool = False  # compare the romanised text (homophones and traditional forms meet)

    @property
    def column(self) -> str:
        return f"{self.field}_pinyin" if self.pinyin else self.field


@dataclass(frozen=True, slots=True)
class LinkageSpec:
    block_on: str  # the column sorted for the neighbourhood index
    exact_blocks: tuple[str, ...]
    features: tuple[Feature, ...]
    match: float = 0.92
    review: float = 0.70
    window: int = 9


LINKAGE: dict[RecordType, LinkageSpec] = {
    RecordType.PERSON: LinkageSpec(
        block_on="name",
        exact_blocks=("phone", "id_number"),
        features=(
            Feature("name", "jarowinkler", 1.0),
            Feature("name", "jarowinkler", 1.5, pinyin=True),
            Feature("id_number", "exact", 4.0),
            Feature("phone", "exact", 2.0),
            Feature("birth_date", "exact", 1.0),
            Feature("address", "qgram", 1.0),
        ),
    ),
    RecordType.ORGANISATION: LinkageSpec(
        block_on="name",
        exact_blocks=("credit_code",),
        features=(
            Feature("name", "jarowinkler", 1.0),
            Feature("name", "jarowinkler", 1.0, pinyin=True),
            Feature("credit_code", "exact", 4.0),
            Feature("address", "qgram", 1.0),
            Feature("location", "geo", 1.0, scale_km=0.3),
        ),
    ),
    RecordType.FACILITY: LinkageSpec(
        block_on="name",
        exact_blocks=("contact_phone",),
        features=(
            Feature("name", "jarowinkler", 1.0),
            Feature("name", "jarowinkler", 1.0, pinyin=True),
            Feature("kind", "exact", 1.0),
            Feature("location", "geo", 2.0, scale_km=0.5),
            Feature("address", "qgram", 1.0),
            Feature("contact_phone", "exact", 1.0),
        ),
    ),
    RecordType.TEAM: LinkageSpec(
        block_on="name",
        exact_blocks=("leader_phone",),
        features=(
            Feature("name", "jarowinkler", 1.0),
            Feature("name", "jarowinkler", 1.0, pinyin=True),
            Feature("kind", "exact", 1.0),
            Feature("leader_phone", "exact", 2.0),
            Feature("location", "geo", 1.0, scale_km=0.5),
        ),
    ),
}


def romanised(text: Any) -> Any:
    """Chinese characters to toneless pinyin (lower case, no spaces); other text lower-cased."""
    if not isinstance(text, str) or not text.strip():
        return np.nan
    return "".join(lazy_pinyin(text.strip())).replace(" ", "").lower()


def records_frame(rows: Iterable[tuple[str, Mapping[str, Any]]], spec: LinkageSpec) -> pd.DataFrame:
    """One row per record id: text fields as given, ``<field>_pinyin`` romanised (the blocking
    key is ``<block_on>_pinyin``), points split into ``<field>_lat``/``<field>_lon``; absent
    values are NaN."""
    table: dict[str, list[Any]] = {}
    ids: list[str] = []
    geo = {f.field for f in spec.features if f.method == "geo"}
    plain = sorted({f.field for f in spec.features if f.method != "geo"} | set(spec.exact_blocks))
    pinyin = sorted({f.field for f in spec.features if f.pinyin} | {spec.block_on})
    for record_id, data in rows:
        ids.append(record_id)
        for name in plain:
            value = data.get(name)
            blank = value is None or (isinstance(value, str) and not value.strip())
            table.setdefault(name, []).append(np.nan if blank else value)
        for name in pinyin:
            table.setdefault(f"{name}_pinyin", []).append(romanised(data.get(name)))
        for name in sorted(geo):
            point = data.get(name)
            lat = point["lat"] if isinstance(point, Mapping) else np.nan
            lon = point["lon"] if isinstance(point, Mapping) else np.nan
            table.setdefault(f"{name}_lat", []).append(lat)
            table.setdefault(f"{name}_lon", []).append(lon)
    return pd.DataFrame(table, index=pd.Index(ids, name="record_id"))


def candidate_pairs(
    left: pd.DataFrame, right: pd.DataFrame | None, spec: LinkageSpec
) -> pd.MultiIndex:
    """Pairs worth comparing: within ``left`` when ``right`` is None (each pair once)."""
    indexer = recordlinkage.Index()
    indexer.sortedneighbourhood(f"{spec.block_on}_pinyin", window=spec.window)
    for column in spec.exact_blocks:
        if column in left.columns and (right is None or column in right.columns):
            indexer.block(column)
    if right is None:
        pairs: pd.MultiIndex = indexer.index(left)
    else:
        pairs = indexer.index(left, right)
    return pairs


def _has_values(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and bool(frame[column].notna().any())


def score_pairs(
    pairs: pd.MultiIndex,
    left: pd.DataFrame,
    right: pd.DataFrame | None,
    features: Sequence[Feature],
) -> pd.DataFrame:
    """Per-feature similarities (NaN where a record lacks the value) and the weighted ``score``."""
    compare = recordlinkage.Compare()
    other = left if right is None else right
    used: list[Feature] = []
    for f in features:
        if f.method == "geo":
            lat, lon = f"{f.field}_lat", f"{f.field}_lon"
            if not (_has_values(left, lat) and _has_values(other, lat)):
                continue
            compare.geo(
                lat, lon, lat, lon, method="linear", offset=0.0, scale=f.scale_km / 2,
                missing_value=np.nan, label=f.field,
            )  # fmt: skip
        elif not (_has_values(left, f.column) and _has_values(other, f.column)):
            continue  # nothing to compare (and q-grams of nothing have no vocabulary)
        elif f.method == "exact":
            compare.exact(f.column, f.column, missing_value=np.nan, label=f.column)
        else:
            compare.string(
                f.column, f.column, method=f.method, missing_value=np.nan, label=f.column
            )
        used.append(f)
    if not used or len(pairs) == 0:
        return pd.DataFrame(index=pairs, columns=["score"], dtype=float)
    sims = compare.compute(pairs, left) if right is None else compare.compute(pairs, left, right)
    sims = sims.astype(float).clip(0.0, 1.0)
    # a feature is unknown when either record lacks the value (not every comparator says so)
    left_ids, right_ids = pairs.get_level_values(0), pairs.get_level_values(1)
    for f in used:
        column = f"{f.field}_lat" if f.method == "geo" else f.column
        label = f.field if f.method == "geo" else f.column
        missing = (
            left[column].reindex(left_ids).isna().to_numpy()
            | other[column].reindex(right_ids).isna().to_numpy()
        )
        sims.loc[missing, label] = np.nan
    weights = np.array([f.weight for f in used])
    values = sims[[f.column if f.method != "geo" else f.field for f in used]].to_numpy()
    known = ~np.isnan(values)
    total = (np.where(known, values, 0.0) * weights).sum(axis=1)
    mass = (known * weights).sum(axis=1)
    sims["score"] = np.divide(total, mass, out=np.zeros_like(total), where=mass > 0)
    return sims


@dataclass(frozen=True, slots=True)
class Candidate:
    left_id: str
    right_id: str
    score: float
    features: dict[str, float | None]
    decision: str  # "merge" (automatic) or "review"


def link(
    left: Iterable[tuple[str, Mapping[str, Any]]],
    right: Iterable[tuple[str, Mapping[str, Any]]] | None,
    spec: LinkageSpec,
) -> list[Candidate]:
    """Scored candidate pairs at or above ``spec.review``, best first."""
    a = records_frame(left, spec)
    b = None if right is None else records_frame(right, spec)
    if a.empty or (b is not None and b.empty):
        return []
    pairs = candidate_pairs(a, b, spec)
    scored = score_pairs(pairs, a, b, spec.features)
    # a name alone is not evidence enough: at least one other feature must be known
    others = [c for c in scored.columns if c != "score" and not c.startswith(spec.block_on)]
    evidence = scored[others].notna().sum(axis=1) if others else 0
    kept = scored[(scored["score"] >= spec.review) & (evidence >= 1)]
    kept = kept.sort_values("score", ascending=False)
    out = []
    for (left_id, right_id), row in kept.iterrows():
        if left_id == right_id:
            continue
        features = {
            c: (None if pd.isna(v) else round(float(v), 4)) for c, v in row.items() if c != "score"
        }
        score = float(row["score"])
        out.append(
            Candidate(
                str(left_id),
                str(right_id),
                round(score, 4),
                features,
                "merge" if score >= spec.match else "review",
            )
        )
    return out
