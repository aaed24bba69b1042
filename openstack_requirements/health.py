# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""The contract's health: one row per pin, summary figures, the HTML
report. Pure: no I/O.

:func:`build` takes what the index said (projects, advisories), the
central lists, the holds and today's date, and returns a
:class:`Health`; :func:`render_html` turns it into one static,
self-contained page (inline CSS and script, an inline SVG chart, no
network, fonts or outside files), sortable and filterable in the
browser; :meth:`Health.as_dict` is the ``--json`` of the same data.
The page also applies ``#sort=COLUMN&dir=asc|desc&filter=TEXT`` from
its address on load, so a link can show a given view.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import datetime
import html
import json

from packaging.markers import InvalidMarker
from packaging.markers import Marker
from packaging.specifiers import SpecifierSet

from openstack_requirements import advisories as advisories_mod
from openstack_requirements import constraints
from openstack_requirements import holds as holds_mod
from openstack_requirements import licenses
from openstack_requirements import policy
from openstack_requirements import releases

#: Pin-age buckets of the chart: (label, up to this many days).
AGE_BUCKETS = (("< 6 months", 182), ("6-12 months", 365),
               ("1-2 years", 730), ("2-4 years", 1461), ("> 4 years", None))


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    """One pin of upper-constraints (one marker slice)."""

    name: str
    version: str
    marker: str
    pythons: tuple[str, ...]
    newest_allowed: str  # by the global list and the holds; "" unknown
    newest: str  # newest final release on the index; "" unknown
    age_days: int | None  # of the pinned release
    license: str
    license_class: str  # permissive, lgpl, odd, unknown, gpl
    advisories: tuple[str, ...]  # ids (and CVE aliases)
    holds: tuple[str, ...]  # "name!=2.0 (reason; until ...)"
    hold_expired: bool
    #: False: the index had no advisory data for this release, so
    #: ``advisories`` being empty says nothing.
    advisories_known: bool = True

    @property
    def behind(self) -> bool:
        return bool(self.newest_allowed) and (
            self.newest_allowed != self.version)

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name, "version": self.version,
            "marker": self.marker, "pythons": list(self.pythons),
            "newest_allowed": self.newest_allowed, "newest": self.newest,
            "age_days": self.age_days, "license": self.license,
            "license_class": self.license_class,
            "advisories": list(self.advisories),
            "advisories_known": self.advisories_known,
            "holds": list(self.holds),
            "hold_expired": self.hold_expired, "behind": self.behind,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Health:
    today: datetime.date
    rows: tuple[Row, ...]
    not_on_index: tuple[str, ...] = ()

    def summary(self) -> dict[str, object]:
        ages = sorted(r.age_days for r in self.rows
                      if r.age_days is not None)
        classes: dict[str, int] = {}
        for row in self.rows:
            classes[row.license_class] = classes.get(row.license_class,
                                                     0) + 1
        return {
            "pins": len(self.rows),
            "behind": sum(1 for r in self.rows if r.behind),
            "vulnerable": sum(1 for r in self.rows if r.advisories),
            "advisories_unknown": sum(1 for r in self.rows
                                      if not r.advisories_known),
            "held": sum(1 for r in self.rows if r.holds),
            "expired_holds": sum(1 for r in self.rows if r.hold_expired),
            "median_age_days": ages[len(ages) // 2] if ages else None,
            "licenses": dict(sorted(classes.items())),
            "not_on_index": len(self.not_on_index),
        }

    def age_chart(self) -> list[tuple[str, int]]:
        counts = []
        low = -1
        for label, high in AGE_BUCKETS:
            counts.append((label, sum(
                1 for r in self.rows if r.age_days is not None
                and r.age_days > low and (high is None
                                          or r.age_days <= high))))
            low = high if high is not None else low
        return counts

    def as_dict(self) -> dict[str, object]:
        return {"today": self.today.isoformat(), "summary": self.summary(),
                "age_chart": dict(self.age_chart()),
                "rows": [r.as_dict() for r in self.rows],
                "not_on_index": list(self.not_on_index)}


def _pythons(marker: str, pythons: Sequence[str]) -> tuple[str, ...]:
    if not marker:
        return tuple(pythons)
    try:
        parsed = Marker(marker)
    except InvalidMarker:
        return ()
    found = []
    for env in policy.environments(tuple(pythons), ("linux",)):
        try:
            if parsed.evaluate(env):
                found.append(env["python_version"])
        except ValueError:
            continue
    return tuple(found)


def _newest_allowed(project: releases.Project, specifiers: Sequence[str],
                    holds: holds_mod.Holds, canonical: str) -> str:
    for rel in reversed(project.releases):
        parsed = rel.parsed
        if (parsed is None or rel.yanked or rel.prerelease
                or not rel.has_files):
            continue
        if specifiers and not any(SpecifierSet(s).contains(
                parsed, prereleases=True) for s in specifiers):
            continue
        if holds.keeping_out(canonical, rel.version):
            continue
        return rel.version
    return ""


_CLASS = {licenses.LicenseClass.PERMISSIVE: "permissive",
          licenses.LicenseClass.LGPL: "lgpl",
          licenses.LicenseClass.ODD: "odd",
          licenses.LicenseClass.UNKNOWN: "unknown",
          licenses.LicenseClass.GPL: "gpl"}


def build(
    pins: Sequence[constraints.Pin],
    projects: Mapping[str, releases.Project],
    found: Mapping[tuple[str, str], Sequence[advisories_mod.Advisory]],
    global_specifiers: Mapping[str, Sequence[str]],
    holds: holds_mod.Holds,
    pythons: Sequence[str],
    today: datetime.date,
) -> Health:
    """The health of every pin.

    :param projects: canonical name -> the index's project (a name
        missing here is reported as not on the index).
    :param found: (canonical name, version) -> its advisories; a
        release missing here was not checked (its row says "unknown").
    :param pythons: the Python versions the constraints cover.
    """
    rows = []
    missing = set()
    for pin in pins:
        project = projects.get(pin.canonical)
        held = holds.for_name(pin.canonical)
        age = None
        newest = allowed = lic_label = ""
        lic_class = "unknown"
        if project is None:
            missing.add(pin.name)
        else:
            rel = project.release(pin.version)
            when = rel.uploaded if rel is not None else None
            age = (today - when.date()).days if when else None
            latest = project.latest()
            newest = latest.version if latest else ""
            allowed = _newest_allowed(
                project, global_specifiers.get(pin.canonical, ()), holds,
                pin.canonical)
            lic = licenses.classify_license(project)
            lic_label, lic_class = lic.label, _CLASS[lic.kind]
        ids = []
        known = (pin.canonical, pin.version) in found
        for adv in found.get((pin.canonical, pin.version), ()):
            ids.append(adv.id + (f" ({', '.join(adv.aliases)})"
                                 if adv.aliases else ""))
        rows.append(Row(
            name=pin.name, version=pin.version, marker=pin.marker,
            pythons=_pythons(pin.marker, pythons),
            newest_allowed=allowed, newest=newest, age_days=age,
            license=lic_label, license_class=lic_class,
            advisories=tuple(ids),
            holds=tuple(h.describe() for h in held),
            hold_expired=any(h.expired(today) for h in held),
            advisories_known=known))
    return Health(today, tuple(rows), tuple(sorted(missing)))


# -- the page ------------------------------------------------------------

_COLUMNS = (
    ("name", "Name", "text"), ("version", "Pinned", "version"),
    ("newest_allowed", "Newest allowed", "version"),
    ("newest", "Newest", "version"), ("age", "Age (days)", "number"),
    ("license", "License", "text"), ("advisories", "Advisories", "text"),
    ("holds", "Holds", "text"), ("pythons", "Pythons", "text"),
)

_CSS = """
body{font-family:sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.25em .5em;text-align:left;
font-size:.9em;vertical-align:top}
th{cursor:pointer;background:#f3f3f3;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" \\25B2"}
th[aria-sort=descending]::after{content:" \\25BC"}
.summary{display:flex;gap:1em;flex-wrap:wrap;margin:1em 0}
.fig{border:1px solid #ccc;border-radius:4px;padding:.5em 1em}
.fig b{display:block;font-size:1.4em}
tr.vulnerable td{background:#fde2e2}tr.expired td.holds{color:#b00}
tr.behind td.newest_allowed{font-weight:bold}
.gpl,.unknown,.odd{color:#b00}
"""

_SCRIPT = """
(function(){
var table=document.getElementById('pins'),body=table.tBodies[0],
    input=document.getElementById('filter'),
    count=document.getElementById('shown'),state={sort:'',dir:'asc',filter:''};
function key(row,col,type){var v=row.getAttribute('data-'+col)||'';
  if(type==='number'){return v===''?-1:parseFloat(v);}
  if(type==='version'){return v.split(/[^0-9]+/).filter(Boolean)
    .map(function(p){return ('0000000000'+p).slice(-10);}).join('.');}
  return v.toLowerCase();}
function apply(){
  var rows=Array.prototype.slice.call(body.rows);
  var ths=table.tHead.rows[0].cells;
  for(var i=0;i<ths.length;i++){ths[i].removeAttribute('aria-sort');}
  if(state.sort){var th=table.querySelector('th[data-col="'+state.sort+'"]');
    if(th){var type=th.getAttribute('data-type'),sign=state.dir==='desc'?-1:1;
      rows.sort(function(a,b){var x=key(a,state.sort,type),
        y=key(b,state.sort,type);return x<y?-sign:x>y?sign:0;});
      th.setAttribute('aria-sort',state.dir==='desc'?'descending':'ascending');
      rows.forEach(function(r){body.appendChild(r);});}}
  var words=state.filter.toLowerCase(),shown=0;
  rows.forEach(function(r){var hit=!words||
    r.textContent.toLowerCase().indexOf(words)>=0;
    r.hidden=!hit;if(hit){shown++;}});
  count.textContent=shown;input.value=state.filter;
  var hash='sort='+encodeURIComponent(state.sort)+'&dir='+state.dir+
    '&filter='+encodeURIComponent(state.filter);
  if(location.hash.slice(1)!==hash){history.replaceState(null,'','#'+hash);}
}
function load(){var parts=location.hash.slice(1).split('&');
  parts.forEach(function(p){var kv=p.split('=');if(kv.length===2&&
    kv[0] in state){state[kv[0]]=decodeURIComponent(kv[1]);}});
  if(state.dir!=='desc'){state.dir='asc';}apply();}
table.tHead.addEventListener('click',function(e){
  var th=e.target.closest('th');if(!th){return;}
  var col=th.getAttribute('data-col');
  state.dir=(state.sort===col&&state.dir==='asc')?'desc':'asc';
  state.sort=col;apply();});
input.addEventListener('input',function(){state.filter=input.value;apply();});
window.addEventListener('hashchange',load);load();
})();
"""


def _chart(counts: Sequence[tuple[str, int]]) -> str:
    """An inline SVG bar chart of pin ages."""
    top = max((n for _, n in counts), default=0) or 1
    bars = []
    for i, (label, n) in enumerate(counts):
        height = round(120 * n / top)
        x = 10 + i * 90
        bars.append(
            f'<rect x="{x}" y="{140 - height}" width="70" '
            f'height="{height}" fill="#4a78b5"><title>{html.escape(label)}: '
            f'{n}</title></rect>'
            f'<text x="{x + 35}" y="{135 - height}" text-anchor="middle" '
            f'font-size="12">{n}</text>'
            f'<text x="{x + 35}" y="158" text-anchor="middle" '
            f'font-size="11">{html.escape(label)}</text>')
    width = 20 + 90 * len(counts)
    return (f'<svg id="age-chart" role="img" aria-label="pins by age" '
            f'width="{width}" height="165" xmlns="http://www.w3.org/2000/'
            f'svg">{"".join(bars)}</svg>')


def _cell(col: str, row: Row) -> tuple[str, str]:
    """(sort key, shown text) of a column."""
    if col == "age":
        value = "" if row.age_days is None else str(row.age_days)
        return value, value or "?"
    if col == "license":
        return row.license, row.license
    if col == "advisories":
        text = ", ".join(row.advisories) if row.advisories_known else (
            "unknown")
        return text, text
    if col == "holds":
        text = "; ".join(row.holds) + (" EXPIRED" if row.hold_expired
                                       else "")
        return text, text
    if col == "pythons":
        text = ", ".join(row.pythons)
        return text, text
    if col == "version":
        return row.version, row.version + (f" ; {row.marker}"
                                           if row.marker else "")
    value = str(getattr(row, col))
    return value, value or "?"


def render_html(health: Health, title: str) -> str:
    """The report: one static page, everything inline."""
    esc = html.escape
    summary = health.summary()
    figures = [("pins", "pins"), ("behind", "behind the newest allowed"),
               ("vulnerable", "with advisories"),
               ("advisories_unknown", "advisories unknown"),
               ("held", "held"),
               ("expired_holds", "expired holds"),
               ("median_age_days", "median age (days)")]
    figs = "".join(
        f'<div class="fig" id="fig-{key}"><b>{esc(str(summary[key]))}</b>'
        f'{esc(label)}</div>' for key, label in figures)
    head = "".join(
        f'<th data-col="{col}" data-type="{kind}">{esc(label)}</th>'
        for col, label, kind in _COLUMNS)
    rows = []
    for row in health.rows:
        classes = " ".join(c for c, on in (
            ("vulnerable", bool(row.advisories)), ("behind", row.behind),
            ("expired", row.hold_expired)) if on)
        attrs = []
        cells = []
        for col, _, _ in _COLUMNS:
            key, text = _cell(col, row)
            attrs.append(f'data-{col}="{esc(key)}"')
            extra = f" {row.license_class}" if col == "license" else ""
            if col == "advisories" and not row.advisories_known:
                extra = " unknown"
            cells.append(f'<td class="{col}{extra}">{esc(text)}</td>')
        rows.append(f'<tr class="{classes}" {" ".join(attrs)}>'
                    f'{"".join(cells)}</tr>')
    data = json.dumps(health.as_dict(), sort_keys=True).replace(
        "</", "<\\/")
    missing = (f"<p>Not on the index: {esc(', '.join(health.not_on_index))}"
               "</p>" if health.not_on_index else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{_CSS}</style></head>
<body><h1>{esc(title)}</h1>
<p>As of {health.today.isoformat()}.</p>
<div class="summary">{figs}</div>
<h2>Pin age</h2>{_chart(health.age_chart())}
<h2>Pins</h2>
<p><label>Filter: <input id="filter" type="search"
 placeholder="name, license, CVE..."></label>
 <span id="shown">{len(health.rows)}</span> of {len(health.rows)} shown</p>
<table id="pins"><thead><tr>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table>{missing}
<script type="application/json" id="data">{data}</script>
<script>{_SCRIPT}</script>
</body></html>
"""
