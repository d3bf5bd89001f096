#!/usr/bin/env python3
"""Generate Qamtu's ILLUSTRATIVE service applications for Zhambyl oblast: GeoData/applications.geojson.

    python3 GeoData/make_applications.py            # (re)writes applications.geojson next to this script
    python3 GeoData/make_applications.py --check    # regenerates in memory, checks the rules below and
                                                    # that the committed file is byte-identical

Everything in the output is INVENTED: the applicants, their IINs, phones and e-mails, the requests and the
event histories. The services and provider organisations come from services.csv (invented too); positions
are near settlements of settlements.geojson. Python 3.9+, standard library only, fixed seed: two runs give
the same bytes.

What the file encodes (the source article's counts for the portal's 15 services):
* 54 applications, final status 27 in_progress, 18 approved, 9 returned;
* workflow received -> in_progress -> approved | returned, and returned -> received (a resubmission);
* every history starts with `received` by the applicant user `applicant-demo`; the provider's moves are by
  `provider-<slug of the service's provider organisation>`; a return always carries its reason;
* some in_progress applications are resubmissions, some are past due on AS_OF (first submission +
  days_allowed calendar days), by a margin that also holds if days_allowed were counted in working days; the
  other in_progress ones are not past due, counted from the first or from the last submission.
"""
import argparse
import csv
import json
import math
import os
import random
import re
import sys
from datetime import date, datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = "applications.geojson"
SEED = 20261207

TZ = timezone(timedelta(hours=5))  # Kazakhstan, one zone (UTC+5) since March 2024
WINDOW_START = datetime(2026, 1, 10, 0, 0, 0, tzinfo=TZ)
WINDOW_END = datetime(2026, 12, 4, 18, 0, 0, tzinfo=TZ)
AS_OF = datetime(2026, 12, 7, 0, 0, 0, tzinfo=TZ)  # the day the overdue figures refer to
JITTER_METERS = 1500.0
METERS_PER_DEGREE = 111_320.0

APPLICANT_USER = "applicant-demo"
SERVICE_COLUMNS = ["id", "name", "name_kk", "name_ru", "provider", "kind", "days_allowed", "documents"]
KINDS = {"electricity", "water", "sewerage", "heat", "gas", "telecom", "other"}
TRANSITIONS = {(None, "received"), ("received", "in_progress"), ("in_progress", "approved"),
               ("in_progress", "returned"), ("returned", "received")}

# The plan of each of the 54 histories, by final status (27 in_progress, 18 approved, 9 returned).
PLANS = (["approved"] * 16 + ["approved-after-resubmission"] * 2
         + ["returned"] * 8 + ["returned-twice"] * 1
         + ["in_progress-overdue"] * 6 + ["in_progress-resubmitted"] * 4 + ["in_progress"] * 17)
FINAL_COUNTS = {"in_progress": 27, "approved": 18, "returned": 9}

# How often each kind of service is asked for (relative weights; invented).
KIND_WEIGHT = {"electricity": 4, "water": 3, "gas": 3, "sewerage": 2, "telecom": 2, "heat": 1, "other": 1}

# ---------------------------------------------------------------------------------------------
# Fictitious people. Common Kazakh given names and surname stems, combined at random: no row is a real person.
# (Cyrillic, Latin) pairs; a woman's surname adds "а" / "a" to the man's form.

MALE_NAMES = [("Нұрлан", "Nurlan"), ("Ерлан", "Erlan"), ("Асхат", "Askhat"), ("Дәурен", "Dauren"),
              ("Бауыржан", "Bauyrzhan"), ("Қайрат", "Kairat"), ("Серік", "Serik"), ("Мұрат", "Murat"),
              ("Ербол", "Erbol"), ("Жандос", "Zhandos"), ("Әділет", "Adilet"), ("Темірлан", "Temirlan"),
              ("Талғат", "Talgat"), ("Ғалым", "Galym"), ("Бекзат", "Bekzat")]
FEMALE_NAMES = [("Айгүл", "Aigul"), ("Гүлнар", "Gulnar"), ("Динара", "Dinara"), ("Әсел", "Asel"),
                ("Жанар", "Zhanar"), ("Салтанат", "Saltanat"), ("Ақмарал", "Akmaral"), ("Мөлдір", "Moldir"),
                ("Аружан", "Aruzhan"), ("Гүлжан", "Gulzhan"), ("Назерке", "Nazerke"), ("Айжан", "Aizhan"),
                ("Сәуле", "Saule"), ("Ләззат", "Lazzat")]
SURNAMES = [("Сейітов", "Seitov"), ("Омаров", "Omarov"), ("Жұмабаев", "Zhumabaev"),
            ("Әбдірахманов", "Abdirakhmanov"), ("Есенов", "Yesenov"), ("Қасымов", "Kasymov"),
            ("Тұрсынов", "Tursynov"), ("Байжанов", "Baizhanov"), ("Ермеков", "Ermekov"), ("Сұлтанов", "Sultanov"),
            ("Нұрпейісов", "Nurpeisov"), ("Ахметов", "Akhmetov"), ("Мұқанов", "Mukanov"), ("Оспанов", "Ospanov"),
            ("Сәрсенбаев", "Sarsenbaev")]
FATHER_NAMES = ["Қайрат", "Серік", "Болат", "Ерлан", "Мұрат", "Асқар", "Жомарт", "Бақыт", "Сапар", "Нұрлан"]
MOBILE_PREFIXES = ["700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"]

# ---------------------------------------------------------------------------------------------
# Texts (invented).

REQUESTS = {
    "svc-el-connect": ["Connection of a private house, {kw} kW", "Connection of a small shop, {kw} kW",
                       "Connection of a greenhouse, {kw} kW"],
    "svc-el-conditions": ["Technical conditions for a new house, {kw} kW",
                          "Technical conditions for a car repair workshop, {kw} kW"],
    "svc-el-capacity": ["Increase from {kw} kW to {kw2} kW for a workshop",
                        "Increase from {kw} kW to {kw2} kW for a bakery"],
    "svc-water-connect": ["Water supply for a private house, {m3} m³/day", "Water supply for a cafe, {m3} m³/day"],
    "svc-sewer-connect": ["Sewerage connection of a private house", "Sewerage connection of a guest house"],
    "svc-water-meter": ["Acceptance of a new water meter after replacement", "Acceptance of a second water meter"],
    "svc-heat-connect": ["Heating for a new apartment block, {gcal} Gcal/h", "Heating for a shop, {gcal} Gcal/h"],
    "svc-heat-load": ["Lower the contracted heat load after insulation", "Higher heat load for an extension"],
    "svc-gas-connect": ["Gas supply for a private house, {gas} m³/h", "Gas supply for a boiler room, {gas} m³/h"],
    "svc-gas-conditions": ["Technical conditions for gas heating of a house",
                           "Technical conditions for a gas cooker and water heater"],
    "svc-gas-meter": ["Gas meter installation in a private house", "Replacement of a faulty gas meter"],
    "svc-tel-broadband": ["Fibre internet for a private house", "Fibre internet for a small office"],
    "svc-tel-duct": ["Cable duct access for a {km} km fibre route", "Cable duct access for a feeder cable"],
    "svc-rural-water": ["Connection of a farmstead to the group water main", "Water for a livestock yard"],
    "svc-route-approval": ["Approval of a water and power route to a new house",
                           "Approval of a gas pipe route along a street"],
}
RETURN_REASONS = ["The copy of the identity document is unreadable",
                  "The address in the application does not match the title deed",
                  "The title deed is in another person's name; attach a power of attorney",
                  "The site plan does not show the connection point"]
RESUBMIT_NOTES = ["Documents added as requested", "Corrected the address", "Attached the missing document",
                  None]
ACCEPT_NOTES = [None, None, "Accepted for review", "Site visit scheduled"]
APPROVE_NOTES = [None, "Technical conditions issued", "Connection contract signed", "Connection completed"]


# ---------------------------------------------------------------------------------------------
# Inputs


def read_services(path):
    """The rows of services.csv, checked: exact header, 15 rows, known kinds, days 1–365, 2–4 services a provider."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if header != SERVICE_COLUMNS:
            raise SystemExit(f"{path}: header {header}, expected {SERVICE_COLUMNS}")
        rows = [dict(zip(header, r)) for r in reader]
    ids = set()
    per_provider = {}
    for r in rows:
        where = f"{path}: service {r['id']!r}"
        if not re.fullmatch(r"svc-[a-z0-9]+(-[a-z0-9]+)*", r["id"]) or r["id"] in ids:
            raise SystemExit(f"{where}: bad or repeated id")
        ids.add(r["id"])
        if r["kind"] not in KINDS:
            raise SystemExit(f"{where}: kind {r['kind']!r} is not one of {sorted(KINDS)}")
        if not r["days_allowed"].isdigit() or not 1 <= int(r["days_allowed"]) <= 365:
            raise SystemExit(f"{where}: days_allowed {r['days_allowed']!r} is not an integer 1–365")
        r["days_allowed"] = int(r["days_allowed"])
        if not all(d.strip() == d and d for d in r["documents"].split(";")):
            raise SystemExit(f"{where}: documents must be a ';'-separated list of non-empty names")
        if not all(r[c] for c in SERVICE_COLUMNS):
            raise SystemExit(f"{where}: empty column")
        per_provider.setdefault(r["provider"], []).append(r["id"])
    if len(rows) != 15:
        raise SystemExit(f"{path}: {len(rows)} services, expected 15")
    for provider, services in per_provider.items():
        if not 2 <= len(services) <= 4:
            raise SystemExit(f"{path}: provider {provider!r} has {len(services)} services, expected 2–4")
    if set(REQUESTS) != ids:
        raise SystemExit(f"{path}: the services differ from the request texts of make_applications.py")
    return rows


def read_settlements(path):
    with open(path, encoding="utf-8") as fh:
        collection = json.load(fh)
    out = []
    for f in collection["features"]:
        lon, lat = f["geometry"]["coordinates"]
        out.append((f["properties"]["id"], lon, lat, f["properties"]["population"]))
    return out


def provider_slug(provider):
    """`Aulie-Ata Water Utility` -> `aulie-ata-water-utility`: lowercase ASCII letters and digits, words joined by `-`."""
    slug = re.sub(r"[^a-z0-9]+", "-", provider.lower()).strip("-")
    if not slug or not slug.isascii():
        raise SystemExit(f"provider {provider!r} has no ASCII slug")
    return slug


def provider_user(provider):
    return "provider-" + provider_slug(provider)


# ---------------------------------------------------------------------------------------------
# Kazakh IIN (individual identification number)


def iin_control_digit(first11):
    """The 12th digit of an IIN from its first 11 digits, or None when no control digit exists.

    Weights 1..11, sum mod 11; if that is 10, weights 3..11,1,2, sum mod 11; if that is 10 too, the 11 digits
    cannot form a valid IIN."""
    digits = [int(c) for c in first11]
    if len(digits) != 11:
        raise ValueError("an IIN has 11 digits before its control digit")
    control = sum(d * w for d, w in zip(digits, range(1, 12))) % 11
    if control == 10:
        control = sum(d * w for d, w in zip(digits, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
        if control == 10:
            return None
    return control


def iin_is_valid(iin):
    """Whether `iin` is 12 digits: a real birth date YYMMDD, a century/sex digit 1–6 and the right control digit."""
    if not re.fullmatch(r"\d{12}", iin):
        return False
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}.get(iin[6])
    if century is None:
        return False
    try:
        date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return False
    return iin_control_digit(iin[:11]) == int(iin[11])


def make_iin(rng, birth, male):
    """A valid IIN for a person born on `birth` (1900–2099): a random serial, redrawn while no control digit exists."""
    sex_century = (3 if birth.year < 2000 else 5) + (0 if male else 1)
    while True:
        first11 = birth.strftime("%y%m%d") + str(sex_century) + "%04d" % rng.randrange(10000)
        control = iin_control_digit(first11)
        if control is not None:
            return first11 + str(control)


# ---------------------------------------------------------------------------------------------
# People, places, texts


def make_applicant(rng, taken):
    while True:
        male = rng.random() < 0.55
        given_cyr, given_lat = rng.choice(MALE_NAMES if male else FEMALE_NAMES)
        sur_cyr, sur_lat = rng.choice(SURNAMES)
        father = rng.choice(FATHER_NAMES)
        if not male:
            sur_cyr, sur_lat = sur_cyr + "а", sur_lat + "a"
        name = f"{sur_cyr} {given_cyr} {father}{'ұлы' if male else 'қызы'}"
        if name in taken["names"]:
            continue
        birth = date(1955, 1, 1) + timedelta(days=rng.randrange((date(2005, 12, 31) - date(1955, 1, 1)).days + 1))
        iin = make_iin(rng, birth, male)
        phone = "+7" + rng.choice(MOBILE_PREFIXES) + "%07d" % rng.randrange(10_000_000)
        email = f"{given_lat}.{sur_lat}{rng.randrange(10, 100)}@example.kz".lower()
        if iin in taken["iins"] or phone in taken["phones"] or email in taken["emails"]:
            continue
        for key, value in (("names", name), ("iins", iin), ("phones", phone), ("emails", email)):
            taken[key].add(value)
        return {"applicant_name": name, "applicant_iin": iin, "applicant_phone": phone, "applicant_email": email}


def make_request_text(rng, service_id):
    kw = rng.choice([5, 7, 10, 15, 20, 30])
    return rng.choice(REQUESTS[service_id]).format(
        kw=kw, kw2=kw + rng.choice([10, 15, 25]), m3=rng.choice([0.5, 1, 1.5, 2, 3]),
        gcal=rng.choice([0.05, 0.1, 0.2, 0.35]), gas=rng.choice([1.2, 2.5, 4, 6]), km=rng.choice([1.2, 2, 3.5]))


def make_position(rng, settlements, weights):
    """A point within JITTER_METERS of a settlement chosen with weight sqrt(population); (lon, lat), 6 decimals."""
    _, lon, lat, _ = rng.choices(settlements, weights=weights)[0]
    r = JITTER_METERS * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = r * math.cos(bearing) / METERS_PER_DEGREE
    dlon = r * math.sin(bearing) / (METERS_PER_DEGREE * math.cos(math.radians(lat)))
    return [round(lon + dlon, 6), round(lat + dlat, 6)]


# ---------------------------------------------------------------------------------------------
# Histories


def random_day(rng, first, last):
    """A date between two datetimes' dates, inclusive."""
    return first.date() + timedelta(days=rng.randrange((last.date() - first.date()).days + 1))


def applicant_time(rng, day):
    """Some time between 08:00 and 22:59 of `day`."""
    return datetime(day.year, day.month, day.day, tzinfo=TZ) + timedelta(seconds=rng.randrange(8 * 3600, 23 * 3600))


def applicant_after(rng, t, min_days, max_days):
    day = (t + timedelta(days=rng.uniform(min_days, max_days))).date()
    at = applicant_time(rng, day)
    return at if at > t else t + timedelta(minutes=rng.randrange(20, 120))


def provider_after(rng, t, min_hours, max_hours):
    """A moment min..max hours after `t`, moved into office hours (Mon–Fri 09:00–18:00) if it falls outside."""
    at = t + timedelta(seconds=rng.randrange(int(min_hours * 3600), int(max_hours * 3600) + 1))
    if at.weekday() < 5 and 9 <= at.hour < 18:
        return at
    day = at.date() if at.hour < 9 else at.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 9, tzinfo=TZ) + timedelta(seconds=rng.randrange(0, 3 * 3600))


def make_history(rng, plan, service):
    """The events of one application for its plan, or None when this draw breaks a date rule (the caller redraws)."""
    days = service["days_allowed"]
    provider = provider_user(service["provider"])
    documents = service["documents"].split(";")
    events = []

    def add(at, by, to, note):
        events.append({"at": at, "by": by, "to": to, "note": note})
        return at

    def reason():
        if rng.random() < 0.5:
            return "Missing document: " + rng.choice(documents)
        return rng.choice(RETURN_REASONS)

    def review(t, outcome):
        """in_progress, then the decision within the allowed days (measured from `t`, the submission)."""
        t1 = add(provider_after(rng, t, 0.5, 30), provider, "in_progress", rng.choice(ACCEPT_NOTES))
        if outcome == "approved":
            hours = (0.3 * days * 24, 0.85 * days * 24)
            t2 = add(provider_after(rng, t1, *hours), provider, "approved", rng.choice(APPROVE_NOTES))
        else:
            t2 = add(provider_after(rng, t1, 4, min(days, 5) * 24), provider, "returned", reason())
        return t2

    def resubmit(t):
        return add(applicant_after(rng, t, 1, 6), APPLICANT_USER, "received", rng.choice(RESUBMIT_NOTES))

    if plan in ("approved", "returned"):
        t0 = applicant_time(rng, random_day(rng, WINDOW_START, datetime(2026, 11, 15, tzinfo=TZ)))
        add(t0, APPLICANT_USER, "received", None)
        review(t0, plan)
    elif plan in ("approved-after-resubmission", "returned-twice"):
        t0 = applicant_time(rng, random_day(rng, WINDOW_START, datetime(2026, 10, 31, tzinfo=TZ)))
        add(t0, APPLICANT_USER, "received", None)
        t1 = resubmit(review(t0, "returned"))
        review(t1, "approved" if plan == "approved-after-resubmission" else "returned")
    elif plan == "in_progress-overdue":
        # Past due on AS_OF even if days_allowed were working days (about 1.4 calendar days each), plus 3 days.
        latest = AS_OF - timedelta(days=1.5 * days + 3)
        t0 = applicant_time(rng, random_day(rng, datetime(2026, 8, 1, tzinfo=TZ), latest))
        add(t0, APPLICANT_USER, "received", None)
        add(provider_after(rng, t0, 0.5, 30), provider, "in_progress", rng.choice(ACCEPT_NOTES))
    elif plan == "in_progress-resubmitted":
        earliest = AS_OF - timedelta(days=days - 2)
        t0 = applicant_time(rng, random_day(rng, earliest, datetime(2026, 11, 28, tzinfo=TZ)))
        add(t0, APPLICANT_USER, "received", None)
        t1 = resubmit(review(t0, "returned"))
        add(provider_after(rng, t1, 0.5, 30), provider, "in_progress", rng.choice(ACCEPT_NOTES))
    elif plan == "in_progress":
        earliest = AS_OF - timedelta(days=days - 2)
        t0 = applicant_time(rng, random_day(rng, earliest, datetime(2026, 12, 3, tzinfo=TZ)))
        add(t0, APPLICANT_USER, "received", None)
        add(provider_after(rng, t0, 0.5, 30), provider, "in_progress", rng.choice(ACCEPT_NOTES))
    else:
        raise ValueError(plan)

    if any(not WINDOW_START <= e["at"] <= WINDOW_END for e in events):
        return None
    if any(a["at"] >= b["at"] for a, b in zip(events, events[1:])):
        return None
    # An approval is on time: within days_allowed of the submission it answers.
    submitted = None
    for e in events:
        if e["to"] == "received":
            submitted = e["at"]
        if e["to"] == "approved" and e["at"] > submitted + timedelta(days=days):
            return None
    return events


def eligible(plan, service):
    days = service["days_allowed"]
    if plan == "in_progress":
        return days >= 10  # submitted by 3 December and still not due on 7 December
    if plan == "in_progress-resubmitted":
        return days >= 15  # room for a return and a resubmission before 4 December
    return True


def generate(services, settlements):
    rng = random.Random(SEED)
    weights = [math.sqrt(s[3]) for s in settlements]
    by_id = {s["id"]: s for s in services}
    taken = {"names": set(), "iins": set(), "phones": set(), "emails": set()}
    while True:
        drafts = []
        for plan in PLANS:
            candidates = [s for s in services if eligible(plan, s)]
            service = rng.choices(candidates, weights=[KIND_WEIGHT[s["kind"]] for s in candidates])[0]
            events = None
            while events is None:
                events = make_history(rng, plan, service)
            drafts.append((plan, service["id"], events))
        if {d[1] for d in drafts} == set(by_id):  # every service has at least one application
            break
    drafts.sort(key=lambda d: d[2][0]["at"])

    features = []
    for n, (plan, service_id, events) in enumerate(drafts, start=1):
        props = {"id": "A-%06d" % n, "service_id": service_id}
        props.update(make_applicant(rng, taken))
        props["note"] = make_request_text(rng, service_id)
        props["events"] = [{"at": e["at"].isoformat(), "by": e["by"], "to": e["to"], "note": e["note"]}
                           for e in events]
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": make_position(rng, settlements, weights)}})
    return features


# ---------------------------------------------------------------------------------------------
# Output and checks


def encode(features):
    """One FeatureCollection, one feature per line, UTF-8 with Cyrillic unescaped (as the other demo files)."""
    lines = ['{"type":"FeatureCollection","features":[']
    for i, f in enumerate(features):
        lines.append(json.dumps(f, ensure_ascii=False, separators=(",", ":")) + ("," if i < len(features) - 1 else ""))
    lines.append("]}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def summarise(features, services):
    """Checks every rule of the module docstring; returns the figures the README quotes."""
    by_id = {s["id"]: s for s in services}
    final, overdue, resubmitted, per_service, users = {}, [], [], {}, {APPLICANT_USER}
    errors = []

    def check(ok, message):
        if not ok:
            errors.append(message)

    check(len(features) == 54, f"{len(features)} features, expected 54")
    for n, f in enumerate(features, start=1):
        p = f["properties"]
        where = p.get("id")
        check(p["id"] == "A-%06d" % n, f"{where}: id out of sequence")
        check(list(p) == ["id", "service_id", "applicant_name", "applicant_iin", "applicant_phone",
                          "applicant_email", "note", "events"], f"{where}: properties {list(p)}")
        lon, lat = f["geometry"]["coordinates"]
        check(f["geometry"]["type"] == "Point" and 69 < lon < 76 and 42 < lat < 46.5, f"{where}: position")
        check(round(lon, 6) == lon and round(lat, 6) == lat, f"{where}: more than 6 decimals")
        service = by_id.get(p["service_id"])
        check(service is not None, f"{where}: unknown service {p['service_id']}")
        if service is None:
            continue
        per_service[p["service_id"]] = per_service.get(p["service_id"], 0) + 1
        check(iin_is_valid(p["applicant_iin"]), f"{where}: invalid IIN {p['applicant_iin']}")
        male = p["applicant_name"].endswith("ұлы")
        check(int(p["applicant_iin"][6]) % 2 == (1 if male else 0), f"{where}: IIN sex digit vs name")
        check(re.fullmatch(r"\+77\d{9}", p["applicant_phone"]) is not None, f"{where}: phone")
        check(p["applicant_email"].endswith("@example.kz"), f"{where}: e-mail")
        events = p["events"]
        provider = provider_user(service["provider"])
        state, times = None, []
        for e in events:
            check(list(e) == ["at", "by", "to", "note"], f"{where}: event keys {list(e)}")
            check((state, e["to"]) in TRANSITIONS, f"{where}: {state} -> {e['to']} is not a transition")
            expected_by = APPLICANT_USER if e["to"] == "received" else provider
            check(e["by"] == expected_by, f"{where}: {e['to']} by {e['by']}, expected {expected_by}")
            check(e["to"] != "returned" or bool(e["note"]), f"{where}: a return without its reason")
            check(re.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00", e["at"]) is not None, f"{where}: at {e['at']}")
            times.append(datetime.fromisoformat(e["at"]))
            users.add(e["by"])
            state = e["to"]
        check(all(a < b for a, b in zip(times, times[1:])), f"{where}: events out of time order")
        check(all(WINDOW_START <= t <= WINDOW_END for t in times), f"{where}: an event outside the window")
        final[state] = final.get(state, 0) + 1
        received = [t for t, e in zip(times, events) if e["to"] == "received"]
        if len(received) > 1:
            resubmitted.append((p["id"], state))
        if state in ("received", "in_progress"):
            days = timedelta(days=service["days_allowed"])
            late_first, late_last = received[0] + days < AS_OF, received[-1] + days < AS_OF
            check(late_first == late_last, f"{where}: overdue depends on which submission counts")
            check(not late_first or received[0] + 1.5 * days + timedelta(days=3) <= AS_OF,
                  f"{where}: overdue by too small a margin")
            check(late_first or received[0] + days >= AS_OF + timedelta(days=2), f"{where}: due too close to AS_OF")
            if late_first:
                overdue.append(p["id"])
    check(final == FINAL_COUNTS, f"final statuses {final}, expected {FINAL_COUNTS}")
    check(set(per_service) == set(by_id), "a service without applications")
    for key in ("applicant_iin", "applicant_phone", "applicant_email", "applicant_name"):
        check(len({f["properties"][key] for f in features}) == len(features), f"repeated {key}")
    if errors:
        raise SystemExit("make_applications.py: the output breaks its rules:\n  " + "\n  ".join(errors))
    return {"final": final, "overdue": overdue, "resubmitted": resubmitted, "per_service": per_service,
            "users": sorted(users)}


def main():
    parser = argparse.ArgumentParser(description="Generate GeoData/applications.geojson (illustrative).")
    parser.add_argument("--check", action="store_true",
                        help="do not write: fail unless the committed file equals a fresh generation")
    args = parser.parse_args()

    services = read_services(os.path.join(HERE, "services.csv"))
    settlements = read_settlements(os.path.join(HERE, "settlements.geojson"))
    features = generate(services, settlements)
    figures = summarise(features, services)
    data = encode(features)
    json.loads(data)  # well-formed JSON
    path = os.path.join(HERE, OUTPUT)
    if args.check:
        with open(path, "rb") as fh:
            if fh.read() != data:
                raise SystemExit(f"{path} differs from what make_applications.py generates: run it and commit")
        print(f"{OUTPUT} is up to date")
    else:
        with open(path, "wb") as fh:
            fh.write(data)
        print(f"wrote {OUTPUT}: {len(features)} applications")
    print("final statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(figures["final"].items())))
    print(f"resubmitted ({len(figures['resubmitted'])}): "
          + ", ".join(f"{i} ({s})" for i, s in figures["resubmitted"]))
    print(f"in_progress past due on {AS_OF.date()} ({len(figures['overdue'])}): " + ", ".join(figures["overdue"]))
    print("applications per service: " + ", ".join(f"{k} {v}" for k, v in sorted(figures["per_service"].items())))
    print("users: " + ", ".join(figures["users"]))


if __name__ == "__main__":
    sys.exit(main())
