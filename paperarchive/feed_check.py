"""A spec-level checker for our RSS 2.0 and Atom 1.0 feeds, offline.

Owns the rules a feed must follow beyond being well-formed XML: the required elements of RSS 2.0
and RFC 4287, dates a strict reader accepts (RFC 822 with a time zone and the right weekday, RFC
3339 with an offset), unique absolute GUIDs and ids, a self link that is the feed's own URL,
absolute http(s) links everywhere (in the item HTML too), no script in that HTML, and no
XML-invalid characters. feedparser alone accepts nearly anything that parses; this does not.

It checks bytes and leaves producing them to `feeds`. The test suite runs it over every feed of
the built fixture site, and `python -m paperarchive.feed_check OUTPUT SITEURL` runs it over a
real build (exit status 1 when a feed breaks a rule).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

log = logging.getLogger(__name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
A = f"{{{ATOM_NS}}}"

# Characters outside XML 1.0's Char production; lxml refuses most of them, but a feed may also
# smuggle them in as character references, which this catches on the decoded text.
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CHAR_REF_RE = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# RFC 822 section 5 (with RSS's four-digit years): "Fri, 29 May 2026 00:00:00 +0000".
RFC822_RE = re.compile(
    rf"^(?:({'|'.join(_DAYS)}), )?([0-9]{{1,2}}) ({'|'.join(_MONTHS)}) ([0-9]{{4}}) "
    r"([0-9]{2}):([0-9]{2})(?::([0-9]{2}))? ([+-][0-9]{4}|UT|GMT|[ECMP][SD]T|[A-IK-Z])$"
)
# RFC 3339 date-time: "2026-05-29T00:00:00+00:00" or "...Z"; the offset is mandatory.
RFC3339_RE = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
UNSAFE_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "form", "base", "meta"})
URL_ATTRIBUTES = ("href", "src")


def check_feed(data: bytes, url: str) -> list[str]:
    """Every rule the feed at absolute `url` breaks, each as a located message; [] when valid."""
    problems = _check_characters(data)
    try:
        root = lxml.etree.fromstring(data, _PARSER)
    except lxml.etree.XMLSyntaxError as exc:
        return [*problems, f"not well-formed XML: {exc}"]
    if root.tag == "rss":
        problems += check_rss(root, url)
    elif root.tag == f"{A}feed":
        problems += check_atom(root, url)
    else:
        problems.append(f"root element is <{root.tag}>, neither RSS 2.0 <rss> nor Atom <feed>")
    return problems


def check_rss(root: lxml.etree._Element, url: str) -> list[str]:
    """RSS 2.0 (rssboard.org specification) plus the atom:link self link it recommends."""
    problems: list[str] = []
    if root.get("version") != "2.0":
        problems.append(f"<rss version> is {root.get('version')!r}, expected '2.0'")
    channels = root.findall("channel")
    if len(channels) != 1:
        return [*problems, f"expected one <channel>, found {len(channels)}"]
    channel = channels[0]
    for name in ("title", "link", "description"):
        if not _text(channel, name):
            problems.append(f"channel: <{name}> is required and must not be empty")
    problems += _check_url(_text(channel, "link"), "channel <link>", required=False)
    selves = [link for link in channel.findall(f"{A}link") if link.get("rel") == "self"]
    if len(selves) != 1:
        problems.append(f"channel: expected one <atom:link rel=\"self\">, found {len(selves)}")
    elif selves[0].get("href") != url:
        problems.append(f"channel: self link is {selves[0].get('href')!r}, "
                        f"the feed's URL is {url!r}")
    elif selves[0].get("type") != "application/rss+xml":
        problems.append("channel: self link type must be application/rss+xml")
    build_date = None
    for name in ("pubDate", "lastBuildDate"):
        value = _text(channel, name)
        if value is not None:
            when, problem = parse_rfc822(value)
            if problem:
                problems.append(f"channel <{name}>: {problem}")
            if name == "lastBuildDate":
                build_date = when

    guids: dict[str, int] = {}
    for index, item in enumerate(channel.findall("item"), 1):
        where = f"item #{index}"
        if not (_text(item, "title") or _text(item, "description")):
            problems.append(f"{where}: needs a <title> or a <description>")
        guid = item.find("guid")
        if guid is None or not (guid.text or "").strip():
            problems.append(f"{where}: no <guid>; readers then key items by something unstable")
        else:
            value = guid.text.strip()
            where = f"item #{index} ({value})"
            if value in guids:
                problems.append(f"{where}: guid repeats item #{guids[value]}")
            guids.setdefault(value, index)
            if guid.get("isPermaLink", "true") == "true":
                problems += _check_url(value, f"{where} <guid isPermaLink=\"true\">")
        problems += _check_url(_text(item, "link"), f"{where} <link>", required=False)
        date = _text(item, "pubDate")
        if date is None:
            problems.append(f"{where}: no <pubDate>")
        else:
            when, problem = parse_rfc822(date)
            if problem:
                problems.append(f"{where} <pubDate>: {problem}")
            elif build_date and when and when > build_date:
                problems.append(f"{where}: pubDate {date} is after the channel's lastBuildDate")
        for category in item.findall("category"):
            if not (category.text or "").strip():
                problems.append(f"{where}: empty <category>")
            if category.get("domain") is not None:
                problems += _check_url(category.get("domain"), f"{where} <category domain>")
        problems += check_html(_text(item, "description") or "", f"{where} <description>")
    return problems


def check_atom(root: lxml.etree._Element, url: str) -> list[str]:
    """Atom 1.0 (RFC 4287), section by section where it concerns what we write."""
    problems: list[str] = []
    for name in ("id", "title", "updated"):
        count = len(root.findall(f"{A}{name}"))
        if count != 1:
            problems.append(f"feed: expected one <{name}>, found {count}")
    problems += _check_iri(_text(root, f"{A}id"), "feed <id>")
    feed_updated = _check_date(_text(root, f"{A}updated"), "feed <updated>", problems)
    problems += _check_links(root, "feed", self_url=url)
    if not any(link.get("rel", "alternate") == "alternate" for link in root.findall(f"{A}link")):
        problems.append("feed: no <link rel=\"alternate\"> to the HTML page")
    feed_has_author = _check_authors(root, "feed", problems)

    ids: dict[str, int] = {}
    for index, entry in enumerate(root.findall(f"{A}entry"), 1):
        entry_id = _text(entry, f"{A}id")
        where = f"entry #{index}" + (f" ({entry_id})" if entry_id else "")
        for name in ("id", "title", "updated"):
            count = len(entry.findall(f"{A}{name}"))
            if count != 1:
                problems.append(f"{where}: expected one <{name}>, found {count}")
        if entry_id:
            problems += _check_iri(entry_id, f"{where} <id>")
            if entry_id in ids:
                problems.append(f"{where}: id repeats entry #{ids[entry_id]}")
            ids.setdefault(entry_id, index)
        if not _text(entry, f"{A}title"):
            problems.append(f"{where}: empty <title>")
        updated = _check_date(_text(entry, f"{A}updated"), f"{where} <updated>", problems)
        published = entry.find(f"{A}published")
        if published is not None:
            when = _check_date(published.text, f"{where} <published>", problems)
            if when and updated and when > updated:
                problems.append(f"{where}: published after updated")
        if updated and feed_updated and updated > feed_updated:
            problems.append(f"{where}: updated after the feed's <updated>")
        if not _check_authors(entry, where, problems) and not feed_has_author:
            problems.append(f"{where}: no <author>, and the feed has none to inherit")
        problems += _check_links(entry, where, self_url=None)
        content = entry.find(f"{A}content")
        has_alternate = any(link.get("rel", "alternate") == "alternate"
                            for link in entry.findall(f"{A}link"))
        if content is None and not has_alternate:
            problems.append(f"{where}: needs <content> or a <link rel=\"alternate\">")
        if content is not None:
            kind = content.get("type", "text")
            if kind not in ("text", "html", "xhtml"):
                problems.append(f"{where}: <content type={kind!r}> is not text, html or xhtml")
            if kind == "html":
                if len(content):
                    problems.append(f"{where}: type=\"html\" content must be escaped text, "
                                    "not child elements")
                problems += check_html(content.text or "", f"{where} <content>")
        for category in entry.findall(f"{A}category"):
            if not category.get("term"):
                problems.append(f"{where}: <category> without a term")
            if category.get("scheme") is not None:
                problems += _check_iri(category.get("scheme"), f"{where} <category scheme>")
    return problems


def check_html(html: str, where: str) -> list[str]:
    """Item HTML a reader can show as is: no script, no event handlers, absolute http(s) links."""
    if not html.strip():
        return []
    problems = []
    for element in lxml.html.fragments_fromstring(html, no_leading_text=False):
        if not isinstance(element, lxml.html.HtmlElement):
            continue
        for node in element.iter():
            if not isinstance(node.tag, str):
                continue
            if node.tag in UNSAFE_TAGS:
                problems.append(f"{where}: contains a <{node.tag}> element")
            for name, value in node.attrib.items():
                if name.lower().startswith("on"):
                    problems.append(f"{where}: <{node.tag} {name}> event handler")
                if name in URL_ATTRIBUTES:
                    problems += _check_url(value, f"{where}: <{node.tag} {name}>")
    return problems


def parse_rfc822(value: str) -> tuple[dt.datetime | None, str | None]:
    """The datetime of an RFC 822 date as RSS uses it, or the reason it is not one."""
    text = value.strip()
    match = RFC822_RE.match(text)
    if not match:
        return None, f"{value!r} is not an RFC 822 date like 'Fri, 29 May 2026 00:00:00 +0000'"
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None, f"{value!r} is not a real date"
    if when.tzinfo is None:
        return None, f"{value!r} has no usable time zone"
    weekday = match.group(1)
    if weekday and _DAYS[when.weekday()] != weekday:
        return None, f"{value!r}: that day is a {_DAYS[when.weekday()]}, not a {weekday}"
    return when, None


def parse_rfc3339(value: str) -> tuple[dt.datetime | None, str | None]:
    """The datetime of an RFC 3339 timestamp with its offset, or the reason it is not one."""
    text = (value or "").strip()
    if not RFC3339_RE.match(text):
        return None, (f"{value!r} is not an RFC 3339 date-time with offset "
                      "like '2026-05-29T00:00:00+00:00'")
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")), None
    except ValueError:
        return None, f"{value!r} is not a real date"


def iter_site_feeds(output: Path) -> Iterator[Path]:
    """Every feed file under `output/feeds`, in path order."""
    yield from sorted((output / "feeds").rglob("*.xml"))


def check_site_feeds(output: Path, site_url: str) -> dict[str, list[str]]:
    """Problems per feed path for every feed under `output`, each checked at its own URL."""
    results = {}
    for path in iter_site_feeds(output):
        relative = path.relative_to(output).as_posix()
        results[relative] = check_feed(path.read_bytes(),
                                       urljoin(site_url.rstrip("/") + "/", relative))
    return results


def main(argv: list[str] | None = None) -> int:
    """`python -m paperarchive.feed_check OUTPUT SITEURL`: 0 when every feed is valid."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        log.error("usage: python -m paperarchive.feed_check OUTPUT_DIR SITEURL")
        return 2
    results = check_site_feeds(Path(args[0]), args[1])
    if not results:
        log.error("%s: no feeds under feeds/", args[0])
        return 1
    failed = 0
    for path, problems in results.items():
        for problem in problems:
            log.error("%s: %s", path, problem)
        failed += bool(problems)
    log.info("%d feeds checked, %d with problems", len(results), failed)
    return 1 if failed else 0


_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                               huge_tree=False)


def _text(element: lxml.etree._Element, path: str) -> str | None:
    found = element.find(path)
    if found is None:
        return None
    return (found.text or "").strip()


def _check_characters(data: bytes) -> list[str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"not UTF-8 (byte {exc.start})"]
    problems = []
    match = XML_INVALID_RE.search(text)
    if match:
        problems.append(f"XML-invalid character U+{ord(match.group()):04X} "
                        f"at offset {match.start()}")
    for ref in CHAR_REF_RE.finditer(text):
        number = ref.group(1)
        code = int(number[1:], 16) if number.startswith("x") else int(number)
        if code > 0x10FFFF or XML_INVALID_RE.match(chr(code)):
            problems.append(f"character reference {ref.group()} names an XML-invalid "
                            f"character (offset {ref.start()})")
    return problems


def _check_url(value: str | None, where: str, *, required: bool = True) -> list[str]:
    if value is None:
        return [f"{where}: missing URL"] if required else []
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"{where}: {value!r} is not an absolute http(s) URL"]
    if any(ch.isspace() for ch in value):
        return [f"{where}: {value!r} contains whitespace"]
    return []


def _check_iri(value: str | None, where: str) -> list[str]:
    """RFC 4287 4.2.6: an id is an absolute IRI (a scheme, then something)."""
    if not value:
        return [f"{where}: missing"]
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value):
        return [f"{where}: {value!r} is not an absolute IRI"]
    return []


def _check_date(value: str | None, where: str, problems: list[str]) -> dt.datetime | None:
    if value is None:
        return None
    when, problem = parse_rfc3339(value)
    if problem:
        problems.append(f"{where}: {problem}")
    return when


def _check_links(element: lxml.etree._Element, where: str, *, self_url: str | None) -> list[str]:
    problems = []
    alternates: set[tuple[str, str]] = set()
    selves = []
    for link in element.findall(f"{A}link"):
        href = link.get("href")
        problems += _check_url(href, f"{where} <link rel={link.get('rel', 'alternate')!r}>")
        rel = link.get("rel", "alternate")
        if rel == "alternate":
            key = (link.get("type", ""), link.get("hreflang", ""))
            if key in alternates:
                problems.append(f"{where}: two rel=\"alternate\" links with the same type and "
                                "hreflang (RFC 4287 4.1.1)")
            alternates.add(key)
        elif rel == "self":
            selves.append(href)
    if self_url is not None and selves != [self_url]:
        problems.append(f"{where}: self link(s) {selves}, expected exactly [{self_url!r}]")
    return problems


def _check_authors(element: lxml.etree._Element, where: str, problems: list[str]) -> bool:
    authors = element.findall(f"{A}author")
    for author in authors:
        if not _text(author, f"{A}name"):
            problems.append(f"{where}: <author> without a <name>")
    return bool(authors)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(main())
