"""A corpus of bad requests over raw sockets: each answers 4xx with an OGC exception, never a 5xx.

Every request is written byte for byte on its own connection (so malformed targets, raw 0xFF bytes,
oversized header blocks and bodies on GET reach the server as they are). Each case names the statuses
it accepts; unless it says otherwise, the answer must be a 4xx whose body is an OGC exception JSON
object with string members `code` and `description`. Afterwards the server must still serve
(`/collections` 200) and its access log must hold no 5xx.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from common import Context, raw_request, request

ITEMS = "/collections/sites/items"


@dataclass
class Case:
    name: str
    target: bytes | str
    statuses: tuple = ()              # accepted statuses; empty: any 4xx
    method: str = "GET"
    headers: tuple = ()               # extra (name, value) header lines, bytes or str
    body: bytes = b""
    no_answer_ok: bool = False        # the server may close the connection without a response
    parser: bool = False              # refused by the HTTP parser (SwiftNIO) before the application sees it
    check: object = None              # extra check of (status, body) -> error text or None
    exception: bool = True            # the answer must be an OGC exception (4xx)


def not_all_features(status: int, body: bytes) -> str | None:
    """SQL in a value must match nothing (200 with numberMatched 0) or be refused (400)."""
    if status == 200:
        doc = json.loads(body)
        if doc.get("numberMatched") != 0 or doc.get("features"):
            return f"200 with numberMatched={doc.get('numberMatched')} and {len(doc.get('features', []))} features"
    return None


def corpus() -> list[Case]:
    long_value = "x" * 10_240
    cases = [
        # bbox
        Case("bbox with 3 numbers", f"{ITEMS}?bbox=71,42,72", (400,)),
        Case("bbox with 5 numbers", f"{ITEMS}?bbox=71,42,72,43,44", (400,)),
        Case("bbox with NaN", f"{ITEMS}?bbox=NaN,42,72,43", (400,)),
        Case("bbox with nan (lower case)", f"{ITEMS}?bbox=71,nan,72,43", (400,)),
        Case("bbox with inf", f"{ITEMS}?bbox=71,42,inf,43", (400,)),
        Case("bbox latitude 95", f"{ITEMS}?bbox=71,42,72,95", (400,)),
        Case("bbox longitude 181", f"{ITEMS}?bbox=71,42,181,43", (400,)),
        Case("bbox minLat > maxLat", f"{ITEMS}?bbox=71,43,72,42", (400,)),
        Case("bbox words", f"{ITEMS}?bbox=a,b,c,d", (400,)),
        Case("bbox empty member", f"{ITEMS}?bbox=71,,72,43", (400,)),
        Case("bbox-crs other than CRS84", f"{ITEMS}?bbox=71,42,72,43&bbox-crs=EPSG:3857", (400,)),
        # limit, offset
        Case("limit -1", f"{ITEMS}?limit=-1", (400,)),
        Case("limit abc", f"{ITEMS}?limit=abc", (400,)),
        Case("limit 1.5", f"{ITEMS}?limit=1.5", (400,)),
        Case("limit 0", f"{ITEMS}?limit=0", (400,)),
        Case("limit empty", f"{ITEMS}?limit=", (400,)),
        Case("limit given twice", f"{ITEMS}?limit=1&limit=2", (400,)),
        Case("offset -5", f"{ITEMS}?offset=-5", (400,)),
        Case("offset 1e3", f"{ITEMS}?offset=1e3", (400,)),
        # unknown things
        Case("unknown collection", "/collections/no-such-layer", (404,)),
        Case("unknown collection's items", "/collections/no-such-layer/items", (404,)),
        Case("unknown collection's queryables", "/collections/no-such-layer/queryables", (404,)),
        Case("unknown feature", f"{ITEMS}/no-such-site", (404,)),
        Case("path below a feature", f"{ITEMS}/kt-0001/more", (404,)),
        Case("unknown path", "/no/such/path", (404,)),
        Case("unknown parameter", f"{ITEMS}?colour=red", (400,)),
        Case("unknown parameter on /collections", "/collections?limit=5", (400,)),
        Case("unknown property in properties", f"{ITEMS}?properties=id,colour", (400,)),
        Case("unknown property in sortby", f"{ITEMS}?sortby=-colour", (400,)),
        Case("queryable with a value outside its enumeration", f"{ITEMS}?status=sleeping", (400,)),
        Case("queryable number that is no number", f"{ITEMS}?height_m=tall", (400,)),
        Case("datetime that is no date", f"{ITEMS}?datetime=yesterday", (400,)),
        # formats
        Case("f=xml", f"{ITEMS}?f=xml", (400,)),
        Case("f=xml on the landing page", "/?f=xml", (400,)),
        Case("Accept: application/xml only", ITEMS, (406,), headers=(("Accept", "application/xml"),)),
        # filters
        Case("CQL2 syntax error", f"{ITEMS}?filter=operator%20%3D%3D%20'Kcell'%20AND", (400,)),
        Case("CQL2 unbalanced parenthesis", f"{ITEMS}?filter=(height_m%20%3E%2030", (400,)),
        Case("CQL2 unknown property", f"{ITEMS}?filter=colour%20%3D%20'red'", (400,)),
        Case("filter-lang unknown", f"{ITEMS}?filter=id%3D'x'&filter-lang=sql", (400,)),
        Case("SQL in a property filter value", f"{ITEMS}?operator=Kcell'%20OR%20'1'%3D'1", (200, 400),
             check=not_all_features, exception=False),
        Case("SQL comment in a property filter value", f"{ITEMS}?id=x'%3B%20DROP%20TABLE%20sites%3B%20--", (200, 400),
             check=not_all_features, exception=False),
        Case("SQL in a CQL2 string literal", f"{ITEMS}?filter=operator%20%3D%20'x''%20OR%20''1''%3D''1'", (200, 400),
             check=not_all_features, exception=False),
        Case("SQL after a CQL2 expression", f"{ITEMS}?filter=1%3D1%3B%20DROP%20TABLE%20sites", (400,)),
        # sizes
        Case("10 kB query string", f"{ITEMS}?name={long_value}", (414,)),
        Case("header block over 16 kB", ITEMS, (400, 413, 431), headers=(("X-Padding", "p" * 17_000),), no_answer_ok=True,
             parser=True),
        Case("a request body on GET (Content-Length)", ITEMS, (400, 413), body=b"hello",
             headers=(("Content-Length", "5"),)),
        Case("a request body on GET (chunked)", ITEMS, (400, 411, 413), body=b"5\r\nhello\r\n0\r\n\r\n",
             headers=(("Transfer-Encoding", "chunked"),)),
        # paths
        Case("'..' in the path", "/collections/../api", (400, 404)),
        Case("'%2e%2e' in the path", "/collections/%2e%2e/items", (400, 404)),
        Case("'%2E%2E' as a feature id", f"{ITEMS}/%2E%2E", (400, 404)),
        Case("encoded '/' in a feature id", f"{ITEMS}/a%2Fb", (400, 404)),
        Case("invalid percent-escape in the path", "/collections/%zz", (400,)),
        Case("invalid percent-escape in a value", f"{ITEMS}?operator=%zz", (400,)),
        Case("truncated percent-escape in a value", f"{ITEMS}?operator=abc%4", (400,)),
        Case("invalid UTF-8 (%C3%28) in a value", f"{ITEMS}?operator=%C3%28", (400,)),
        Case("invalid UTF-8 (%C3%28) in the path", "/collections/%C3%28/items", (400,)),
        Case("NUL byte (%00) in a feature id", f"{ITEMS}/kt-0001%00", (400, 404)),
        Case("raw 0xFF bytes in the target", b"/collections/sites/items?operator=\xff\xfe", (400,), no_answer_ok=True,
             parser=True),
        Case("raw 0xFF byte in the path", b"/collections/\xff/items", (400, 404), no_answer_ok=True, parser=True),
        # methods
        Case("POST to items", ITEMS, (405,), method="POST", body=b"{}", headers=(("Content-Length", "2"),)),
        Case("DELETE of a feature", f"{ITEMS}/kt-0001", (405,), method="DELETE"),
    ]
    return cases


def encode(case: Case) -> bytes:
    target = case.target if isinstance(case.target, bytes) else case.target.encode("ascii")
    lines = [case.method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    for name, value in case.headers:
        lines.append((name if isinstance(name, bytes) else name.encode()) + b": "
                     + (value if isinstance(value, bytes) else value.encode()))
    return b"\r\n".join(lines) + b"\r\n\r\n" + case.body


def exception_problem(headers: dict, body: bytes) -> str | None:
    """Why `body` is not an OGC exception JSON object, or None."""
    if "json" not in headers.get("content-type", ""):
        return f"Content-Type {headers.get('content-type')!r}, expected application/json"
    try:
        doc = json.loads(body)
    except ValueError:
        return f"body is not JSON: {body[:120]!r}"
    if not isinstance(doc, dict) or not isinstance(doc.get("code"), str) or not isinstance(doc.get("description"), str):
        return f"body is not an OGC exception (code, description): {body[:160]!r}"
    return None


def run(ctx: Context) -> None:
    server = ctx.demo
    since = server.log_size()
    cases = corpus()
    failures, parser_bodies, answered, closed = [], [], 0, 0
    statuses: dict[int, int] = {}
    for case in cases:
        status, headers, body, raw = raw_request(server.port, encode(case))
        if status is None:
            if case.no_answer_ok:
                closed += 1
                continue
            failures.append(f"{case.name}: no HTTP answer (connection closed after {len(raw)} bytes)")
            continue
        answered += 1
        statuses[status] = statuses.get(status, 0) + 1
        problem = None
        if status >= 500:
            problem = f"server error {status}: {body[:200]!r}"
        elif case.statuses and status not in case.statuses:
            problem = f"status {status}, expected {' or '.join(map(str, case.statuses))}: {body[:200]!r}"
        elif not case.statuses and not 400 <= status < 500:
            problem = f"status {status}, expected a 4xx"
        elif case.exception or status >= 400:
            problem = exception_problem(headers, body)
        if problem is None and case.check:
            problem = case.check(status, body)
        if problem and case.parser and 400 <= status < 500 and not body:
            # SwiftNIO's HTTP parser refused the request and answered a bare 4xx before any middleware ran.
            parser_bodies.append(f"{case.name}: {status} with an empty body from the HTTP parser, not an OGC exception")
            continue
        if problem:
            failures.append(f"{case.name} ({case.method} {case.target[:80]!r}): {problem}")
    ctx.measures["bad requests sent"] = len(cases)
    ctx.measures["bad requests by status"] = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())) + \
        (f", closed without an answer: {closed}" if closed else "")
    for text in parser_bodies:
        ctx.finding(text)
    ctx.expect(len(cases) >= 30, f"{len(cases)} bad requests in the corpus")
    if failures:
        ctx.failed(f"{len(failures)} of {len(cases)} bad requests were not answered as expected:\n    "
                   + "\n    ".join(failures))
    else:
        ctx.passed(f"all {len(cases)} bad requests answered 4xx ({answered} answered, {len(parser_bodies)} of them by the "
                   f"HTTP parser with an empty body, the others with an OGC exception; {closed} connections closed "
                   "before a response was possible)")
    status, _, _ = request(server.port, "GET", "/collections")
    ctx.expect(status == 200 and server.alive(), f"the server still serves afterwards (/collections {status})")
    lines = server.access_lines(since)
    fives = [line for line in lines if line.split()[2].startswith("5")]
    ctx.expect(not fives, f"no 5xx in the server's log for the corpus ({len(lines)} access lines"
               + (")" if not fives else "): " + "; ".join(fives[:5])))
