"""OWSLib (owslib.ogcapi.features.Features): collections, items with limit/offset paging, numberMatched.

On the demo database: the collection ids OWSLib lists are the server's and the layers `qamtu info`
names; every page of the 600 sites read with limit and offset (pages of 250: two full, one partial,
then one past the end) has numberMatched 600, numberReturned its length, and together the pages hold
exactly the ids of `qamtu export sites`, in its order; a filtered paging (operator=Kcell) gives the
ids of `qamtu export sites --where operator=Kcell`; one feature by id.
"""
from __future__ import annotations

import json

from common import Context

LAYERS = ["districts", "settlements", "roads", "sites", "institutions", "commitments", "services", "applications"]


def export_ids(ctx: Context, layer: str, *where: str) -> list:
    args = ["export", layer, "--properties", "id"]
    for w in where:
        args += ["--where", w]
    doc = json.loads(ctx.qamtu_run(*args, db=ctx.demo_db))
    return [f["id"] for f in doc["features"]]


def page_through(ctx: Context, features, collection: str, limit: int, expected: list, **filters) -> list[str]:
    """Reads every page with limit/offset; returns the problems found."""
    problems, ids, offset, pages = [], [], 0, 0
    while True:
        page = features.collection_items(collection, limit=limit, offset=offset, **filters)
        pages += 1
        got = [f["id"] for f in page["features"]]
        if page.get("numberMatched") != len(expected):
            problems.append(f"offset {offset}: numberMatched {page.get('numberMatched')}, expected {len(expected)}")
        if page.get("numberReturned") != len(got):
            problems.append(f"offset {offset}: numberReturned {page.get('numberReturned')} for {len(got)} features")
        want = min(limit, max(0, len(expected) - offset))
        if len(got) != want:
            problems.append(f"offset {offset}: {len(got)} features, expected {want}")
        ids += got
        has_next = any(link.get("rel") == "next" for link in page.get("links", []))
        if has_next != (offset + limit < len(expected)):
            problems.append(f"offset {offset}: next link {'present' if has_next else 'missing'}")
        if not got:
            break
        offset += limit
        if pages > len(expected) // limit + 3:
            problems.append("more pages than the features need")
            break
    if ids != expected:
        missing = set(expected) - set(ids)
        extra = set(ids) - set(expected)
        problems.append(f"{len(ids)} ids read, expected {len(expected)} (missing {sorted(missing)[:5]}, "
                        f"extra {sorted(extra)[:5]}, same set but another order: {not missing and not extra})")
    ctx.measures[f"owslib {collection} pages of {limit}{' ' + str(filters) if filters else ''}"] = \
        f"{pages} requests, {len(ids)} features"
    return problems


def run(ctx: Context) -> None:
    from owslib.ogcapi.features import Features

    features = Features(ctx.demo.base)
    listed = features.feature_collections()
    collections = features.collections()
    raw_ids = [c["id"] for c in collections["collections"]]
    info = ctx.qamtu_run("info", db=ctx.demo_db).decode()
    missing_in_info = [layer for layer in LAYERS if layer not in info]
    ctx.expect(listed == raw_ids and set(LAYERS) <= set(listed) and not missing_in_info,
               f"feature_collections() lists {listed} (expected the layers {LAYERS})")
    c = features.collection("sites")
    ctx.expect(c.get("id") == "sites" and any(link.get("rel") == "items" for link in c.get("links", [])),
               "collection('sites') describes the sites with an items link")
    q = features.collection_queryables("sites")
    ctx.expect("operator" in q.get("properties", {}), f"collection_queryables('sites') has {len(q.get('properties', {}))} properties, operator among them")

    expected = export_ids(ctx, "sites")
    problems = page_through(ctx, features, "sites", 250, expected)
    ctx.expect(not problems, f"sites read with limit=250 and offset 0…{len(expected)}: every id of `qamtu export sites` "
               f"({len(expected)}) once, in order, numberMatched {len(expected)} on every page"
               + ("" if not problems else ": " + "; ".join(problems[:8])))
    kcell = export_ids(ctx, "sites", "operator=Kcell")
    problems = page_through(ctx, features, "sites", 40, kcell, operator="Kcell")
    ctx.expect(not problems and len(kcell) > 40, f"sites with operator=Kcell read with limit=40: {len(kcell)} ids "
               "= `qamtu export sites --where operator=Kcell`" + ("" if not problems else ": " + "; ".join(problems[:8])))
    settlements = export_ids(ctx, "settlements")
    problems = page_through(ctx, features, "settlements", 100, settlements)
    ctx.expect(not problems, f"settlements read with limit=100: {len(settlements)} ids = `qamtu export settlements`"
               + ("" if not problems else ": " + "; ".join(problems[:8])))
    one = features.collection_item("sites", expected[17])
    ctx.expect(one.get("id") == expected[17] and one.get("type") == "Feature",
               f"collection_item('sites', {expected[17]!r}) returns that feature")
