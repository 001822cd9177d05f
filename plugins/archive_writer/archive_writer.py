"""Pages written atomically, and only when their inputs changed since the last build.

Atomic: Pelican's `Writer` opens the target with `open(path, "w")`, so a build killed mid-write
(or a server reading output/ during a build) sees a truncated page. `AtomicWriter` keeps
everything Pelican's writer does (templates, pagination, relative URLs, the overwrite checks,
the `content_written` signal) and changes how a file is opened: the text goes to a hidden temp
file under `<output>/.writing/`, renamed over the target when complete, and that folder is
emptied at the start of every build, so a killed build leaves no temp file behind for long.
There is no fsync: a rename already makes the write all-or-nothing for a killed process.

Incremental (when `DELETE_OUTPUT_DIRECTORY` is off): every `write_file` call gets a digest of
what its template is given (`fingerprint`: the site digest of settings, theme, code and
versions, plus the page's own variables and the context globals its templates read). The
manifest `<CACHE_PATH>/archive_writer/manifest.json` maps each output file to the digest it
was rendered from, its size, its mtime (ns) and a hash of its bytes. A page whose digest
matches, and whose file still has the recorded size and mtime (or, when only the mtime moved,
as after a cache restore, the recorded bytes), is not rendered again: the writer still counts
it as written and sends `content_written`. Then, on `finalized` (before the sitemap and search
steps: `build_steps`), files the previous manifest lists that this build did
not produce are deleted, and the new manifest is saved atomically. Nothing else in output/ is
ever deleted, except on a build without a usable manifest (first build, `--ignore-cache`,
another output folder, a damaged manifest): that one starts from an empty output folder, as
`DELETE_OUTPUT_DIRECTORY` did, keeping only `OUTPUT_RETENTION` and the search bundle
(`pagefind_index` owns it). A build killed part-way leaves the old manifest: pages it rewrote
no longer match their recorded mtime and bytes, so the next build renders them again.

Parallel: paper pages are the bulk of a build and independent of one another, so their
`write_file` calls are collected and, once the last one is in (before any other page is
written), split between forked processes, one per usable CPU (`ARCHIVE_WRITER["processes"]`),
each rendering every n-th page; the parent merges the children's manifest records. Fewer pages
than `ARCHIVE_WRITER["batch"]` per process, no `os.fork`, or a plugin listening to
`content_written` (it would hear the children's pages in the wrong process) keep it in one
process. A child that fails fails the build with its traceback.

One info line per build says how many pages were rendered, skipped and removed.

It leaves our other writers alone: listings, Markdown, feeds and the sitemap use
`listing_io.write_atomic`, and Pagefind's bundle is swapped in whole by `pagefind_index`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import traceback
import weakref
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from build_steps import add_final_step
from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer
from pelican_compat import HookedWriter, overridden_files, send_content_written, written_files

from paperarchive import atomic

from . import fingerprint

log = logging.getLogger(__name__)

TEMP_DIR = ".writing"  # under the output folder; emptied at the start of each build
MANIFEST = Path("archive_writer") / "manifest.json"  # under CACHE_PATH
MANIFEST_FORMAT = 1
_ROOT = Path(__file__).resolve().parents[2]
DEFAULTS: dict[str, int] = {
    "processes": 0,  # processes that render paper pages; 0: one per usable CPU
    "batch": 500,  # fewer paper pages than this per process: render them in this process
}


def writer_settings(settings: Mapping[str, Any]) -> dict[str, int]:
    """`ARCHIVE_WRITER` merged over the defaults, validated; errors name the key."""
    given = settings.get("ARCHIVE_WRITER") or {}
    if not isinstance(given, Mapping):
        raise ValueError(f"ARCHIVE_WRITER: expected a dict, got {type(given).__name__}")
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"ARCHIVE_WRITER: unknown key(s) {', '.join(map(str, unknown))}; "
                         f"known: {', '.join(DEFAULTS)}")
    merged = {**DEFAULTS, **given}
    for key, value in merged.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"ARCHIVE_WRITER[{key!r}]: expected a whole number >= 0, "
                             f"got {value!r}")
    if merged["processes"] == 0:
        merged["processes"] = usable_cpus()
    return merged


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class AtomicFile:
    """A text file handle that becomes `path` only when closed without an error."""

    def __init__(self, path: str, encoding: str, temp_dir: str | None = None,
                 on_commit: Any = None) -> None:
        self.path = path
        self.encoding = encoding
        self.on_commit = on_commit
        directory = temp_dir or os.path.dirname(path) or "."
        os.makedirs(directory, exist_ok=True)
        self._replacing = ExitStack()
        self.temp_path = self._replacing.enter_context(atomic.replacing(path, temp_dir=directory))
        self.handle = open(self.temp_path, "w", encoding=encoding)  # noqa: SIM115 - closed on exit
        self.hasher = hashlib.blake2b(digest_size=16)

    def write(self, text: str) -> int:
        self.hasher.update(text.encode(self.encoding))
        return self.handle.write(text)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.handle.close()
        if kind is not None:
            self._replacing.__exit__(kind, error, traceback)  # removes the temp file
            return
        self._replacing.close()  # renames the temp file over the page
        if self.on_commit is not None:
            self.on_commit(self.path, self.hasher.hexdigest())


@dataclass
class Record:
    """One output file as the manifest knows it."""

    digest: str | None
    size: int
    mtime_ns: int
    hash: str

    def to_json(self) -> list[Any]:
        return [self.digest, self.size, self.mtime_ns, self.hash]

    @classmethod
    def from_json(cls, data: Any) -> Record:
        digest, size, mtime_ns, hashed = data
        if not (digest is None or isinstance(digest, str)) or not isinstance(size, int) \
                or not isinstance(mtime_ns, int) or not isinstance(hashed, str):
            raise ValueError(f"bad record {data!r}")
        return cls(digest, size, mtime_ns, hashed)


@dataclass
class Manifest:
    output: str
    site: str
    pages: dict[str, Record] = field(default_factory=dict)
    static: list[str] = field(default_factory=list)
    parts: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # the build's rendered/skipped/removed


def manifest_path(settings: Mapping[str, Any]) -> Path:
    return Path(settings["CACHE_PATH"]) / MANIFEST


def incremental(settings: Mapping[str, Any]) -> bool:
    return not settings.get("DELETE_OUTPUT_DIRECTORY", False)


def load_manifest(settings: Mapping[str, Any], output: str) -> Manifest | None:
    """The previous build's manifest for `output`, or None (with the reason logged)."""
    if not settings.get("LOAD_CONTENT_CACHE", True):
        return None
    path = manifest_path(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != MANIFEST_FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        if data["output"] != output:
            log.info("archive_writer: %s was written for %s; starting from a clean %s",
                     path, data["output"], output)
            return None
        pages = {str(name): Record.from_json(record) for name, record in data["pages"].items()}
        return Manifest(output=output, site=str(data["site"]), pages=pages,
                        static=[str(name) for name in data["static"]],
                        parts={str(k): str(v) for k, v in data.get("parts", {}).items()})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("archive_writer: %s is unreadable (%s); starting from a clean output "
                    "folder", path, exc)
        return None


def save_manifest(settings: Mapping[str, Any], manifest: Manifest) -> None:
    path = manifest_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": MANIFEST_FORMAT, "output": manifest.output, "site": manifest.site,
            "pages": {name: record.to_json() for name, record in sorted(manifest.pages.items())},
            "static": sorted(manifest.static), "parts": manifest.parts,
            "last_build": manifest.counts}
    atomic.write_text(path, json.dumps(data, separators=(",", ":")))


def code_roots(settings: Mapping[str, Any]) -> list[Path]:
    """Our code that shapes pages: the plugin folders and the `paperarchive` package."""
    roots = [Path(p) for p in settings.get("PLUGIN_PATHS", [])]
    return [*roots, _ROOT / "paperarchive"]


def protected(settings: Mapping[str, Any]) -> set[str]:
    """Top-level names in output/ this writer never deletes."""
    bundle = (settings.get("PAGEFIND_INDEX") or {}).get("bundle_dir", "pagefind")
    return {*settings.get("OUTPUT_RETENTION", []), bundle}


def theme_static_files(settings: Mapping[str, Any]) -> list[str]:
    """Output-relative names of the theme's static files, as Pelican copies them."""
    theme, target = Path(settings.get("THEME") or "."), settings.get("THEME_STATIC_DIR", "theme")
    names = []
    for item in settings.get("THEME_STATIC_PATHS", ["static"]):
        source = theme / item
        if source.is_file():
            names.append(f"{target}/{source.name}")
        elif source.is_dir():
            names += [f"{target}/{p.relative_to(source).as_posix()}"
                      for p in source.rglob("*") if p.is_file()]
    return names


class Build:
    """The incremental state of one Pelican run: the previous manifest and the new one."""

    def __init__(self, settings: Mapping[str, Any], output_path: str) -> None:
        self.settings = settings
        self.output = os.path.realpath(output_path)
        self.prefix = os.path.abspath(output_path) + os.sep  # how the writer names files
        self.previous = load_manifest(settings, self.output)
        self.parts = fingerprint.site_parts(settings, code_roots(settings))
        self.site = fingerprint.digest(sorted(self.parts.items()))
        self.pages: dict[str, Record] = {}
        self.rendered = self.skipped = self.unknown = 0
        self.finished = False
        if self.previous is not None and self.previous.site != self.site:
            changed = sorted(name for name, value in self.parts.items()
                             if self.previous.parts.get(name) != value)
            log.info("archive_writer: %s changed since the last build; every page is rendered",
                     ", ".join(changed) or "the site digest")

    def start(self) -> None:
        """Before anything is written: a fresh build starts clean; old temp files go."""
        temp = os.path.join(self.output, TEMP_DIR)
        shutil.rmtree(temp, ignore_errors=True)
        source = os.path.realpath(self.settings.get("PATH") or ".")
        if os.path.commonpath([self.output, source]) == self.output:
            return  # never clean a folder that holds the sources (Pelican's rule too)
        if self.previous is None and os.path.isdir(self.output):
            keep = protected(self.settings)
            for name in os.listdir(self.output):
                if name in keep:
                    continue
                path = os.path.join(self.output, name)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                else:
                    os.remove(path)

    def relative(self, path: str) -> str:
        if path.startswith(self.prefix):  # the usual case, without relpath's normalising
            return path[len(self.prefix):].replace(os.sep, "/")
        return os.path.relpath(os.path.realpath(path), self.output).replace(os.sep, "/")

    def unchanged(self, name: str, digest: str) -> Record | None:
        """The previous record of `name` when its file still holds the page of `digest`."""
        if self.previous is None or self.previous.site != self.site:
            return None
        record = self.previous.pages.get(name)
        if record is None or record.digest != digest:
            return None
        try:
            stat = os.stat(os.path.join(self.output, name))
        except OSError:
            return None
        if stat.st_size != record.size:
            return None
        if stat.st_mtime_ns != record.mtime_ns:
            # Restored from a cache with other timestamps, or edited by hand: the bytes decide.
            try:
                data = Path(self.output, name).read_bytes()
            except OSError:
                return None
            if content_hash(data) != record.hash:
                return None
            return Record(digest, stat.st_size, stat.st_mtime_ns, record.hash)
        return record

    def finish(self) -> None:
        """Remove what the previous build wrote and this one did not; save the manifest."""
        if self.finished:
            return
        self.finished = True
        static = theme_static_files(self.settings)
        removed = 0
        if self.previous is not None:
            keep = set(self.pages) | set(static)
            top_keep = protected(self.settings)
            for name in sorted(set(self.previous.pages) | set(self.previous.static)):
                if name in keep or name.split("/", 1)[0] in top_keep:
                    continue
                path = os.path.realpath(os.path.join(self.output, name))
                if os.path.commonpath([path, self.output]) != self.output or path == self.output:
                    continue  # a manifest never names anything outside output/
                try:
                    os.remove(path)
                    removed += 1
                except FileNotFoundError:
                    continue
                except IsADirectoryError:
                    continue
                self._prune(os.path.dirname(path))
        shutil.rmtree(os.path.join(self.output, TEMP_DIR), ignore_errors=True)
        log.info("archive_writer: %d pages rendered, %d unchanged and skipped, %d stale files "
                 "removed", self.rendered, self.skipped, removed)
        if self.settings.get("CACHE_CONTENT", True):
            counts = {"rendered": self.rendered, "skipped": self.skipped, "removed": removed}
            save_manifest(self.settings, Manifest(self.output, self.site, self.pages, static,
                                                  self.parts, counts))

    def _prune(self, folder: str) -> None:
        while folder != self.output and folder.startswith(self.output + os.sep):
            try:
                os.rmdir(folder)
            except OSError:
                return
            folder = os.path.dirname(folder)


_BUILDS: dict[str, Build] = {}
# Writers that may hold collected paper pages: `finish` writes whatever is left in them.
_WRITERS: weakref.WeakSet[AtomicWriter] = weakref.WeakSet()


def _build_for(settings: Mapping[str, Any], output_path: str) -> Build | None:
    if not incremental(settings):
        return None
    key = os.path.realpath(output_path)
    build = _BUILDS.get(key)
    if build is None or build.finished:
        build = Build(settings, output_path)
        build.start()
        _BUILDS[key] = build
    return build


class AtomicWriter(HookedWriter):
    """Pelican's writer: temp file + rename, and no render for a page that did not change."""

    def __init__(self, output_path: str, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        # Only in a build the plugin prepared (`initialized`); a second build in the same
        # process (autoreload) starts its own.
        self.build = _BUILDS.get(os.path.realpath(output_path))
        if self.build is not None and self.build.finished:
            self.build = _build_for(self.settings, output_path)
        self.fingerprints = fingerprint.Fingerprinter()
        self._globals: dict[str, frozenset[str] | None] = {}
        self._digests: dict[str, str | None] = {}
        self._shared_memo: dict[str, tuple[Any, Any, list[Any]]] = {}
        self.options = writer_settings(self.settings)
        self._pending: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        _WRITERS.add(self)

    # --- writing ----------------------------------------------------------------------------

    def open_output(self, filename: str, encoding: str, override: bool = False) -> Any:
        if filename in written_files(self) or filename in overridden_files(self):
            # Pelican's rules for a second write (refuse, skip or overwrite) apply unchanged.
            return super().open_output(filename, encoding, override)
        if override:
            overridden_files(self).add(filename)
        written_files(self).add(filename)
        temp_dir = os.path.join(self.build.output, TEMP_DIR) if self.build else None
        return AtomicFile(filename, encoding, temp_dir=temp_dir, on_commit=self._committed)

    def _committed(self, path: str, hashed: str) -> None:
        if self.build is None:
            return
        name = self.build.relative(path)
        stat = os.stat(path)
        self.build.pages[name] = Record(self._digests.pop(path, None), stat.st_size,
                                        stat.st_mtime_ns, hashed)
        self.build.rendered += 1

    def write_file(self, name: Any, template: Any, context: dict[str, Any],
                   relative_urls: bool = False, paginated: Any = None,
                   template_name: str | None = None, override_output: bool = False,
                   url: str | None = None, **kwargs: Any) -> None:
        arguments = (name, template, context, relative_urls, paginated, template_name,
                     override_output, url)
        if name and "article" in kwargs and not override_output \
                and self.options["processes"] > 1:
            # A paper page: kept for `flush`, which renders the lot on every CPU.
            self._pending.append((arguments, kwargs))
            return None
        # Any other page is written after every page collected so far, as Pelican orders them
        # (and its rules for a file written twice see them all).
        self.flush()
        return self._write_now(*arguments, **kwargs)

    def _write_now(self, name: Any, template: Any, context: dict[str, Any],
                   relative_urls: bool = False, paginated: Any = None,
                   template_name: str | None = None, override_output: bool = False,
                   url: str | None = None, **kwargs: Any) -> None:
        if not name or self.build is None:
            return super().write_file(name, template, context, relative_urls, paginated,
                                      template_name, override_output, url, **kwargs)
        pages = paginated if paginated is not None else {
            key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
        path = sanitised_join(self.output_path, name)
        if (pages and template_name in self.settings["PAGINATED_TEMPLATES"]) \
                or override_output or path in written_files(self) \
                or path in overridden_files(self):
            # Pelican's pagination and overwrite rules: always rendered, never skipped.
            return super().write_file(name, template, context, relative_urls, paginated,
                                      template_name, override_output, url, **kwargs)
        digest = self._page_digest(name, template, context, relative_urls, kwargs)
        relative = self.build.relative(path)
        record = self.build.unchanged(relative, digest) if digest is not None else None
        if record is None:
            self._digests[path] = digest
            return super().write_file(name, template, context, relative_urls, paginated,
                                      template_name, override_output, url, **kwargs)
        written_files(self).add(path)
        self.build.pages[relative] = record
        self.build.skipped += 1
        send_content_written(path, name, context, relative_urls, kwargs)
        return None

    # --- paper pages on every CPU -----------------------------------------------------------

    def flush(self) -> None:
        """Write the collected paper pages: split between forked processes when worth it."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        processes = min(self.options["processes"],
                        len(pending) // max(self.options["batch"], 1))
        if processes <= 1 or not hasattr(os, "fork") or signals.content_written.receivers:
            for arguments, kwargs in pending:
                self._write_now(*arguments, **kwargs)
            return
        shares = [pending[start::processes] for start in range(processes)]
        children: list[tuple[int, int]] = []
        try:
            for share in shares[1:]:
                children.append(self._fork(share))
            for arguments, kwargs in shares[0]:
                self._write_now(*arguments, **kwargs)
            for share in shares[1:]:
                pid, reader = children.pop(0)  # _collect closes and reaps it, come what may
                self._merge(share, self._collect(pid, reader))
        finally:
            for pid, reader in children:  # this process failed: stop the others
                os.close(reader)
                try:
                    os.kill(pid, signal.SIGTERM)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
        log.info("archive_writer: %d paper pages written by %d processes", len(pending),
                 processes)

    def _fork(self, share: Sequence[tuple[tuple[Any, ...], dict[str, Any]]]) -> tuple[int, int]:
        """Start a child that writes `share`; returns its pid and the read end of its pipe."""
        reader, writer = os.pipe()
        pid = os.fork()
        if pid:
            os.close(writer)
            return pid, reader
        # The child: write the share, send back what the parent must know, never return.
        status = 0
        try:
            os.close(reader)
            build = self.build
            if build is not None:
                build.pages, build.rendered, build.skipped = {}, 0, 0
            for arguments, kwargs in share:
                self._write_now(*arguments, **kwargs)
            result: Any = ["ok", None if build is None else {
                "pages": {name: record.to_json() for name, record in build.pages.items()},
                "rendered": build.rendered, "skipped": build.skipped}]
        except BaseException as exc:  # reported to the parent, which raises it
            status = 1
            result = ["error", "".join(traceback.format_exception(exc))]
        try:
            with os.fdopen(writer, "wb") as out:
                out.write(json.dumps(result).encode("utf-8"))
        finally:
            os._exit(status)

    @staticmethod
    def _collect(pid: int, reader: int) -> Any:
        try:
            with os.fdopen(reader, "rb") as source:
                data = source.read()
        finally:
            _, status = os.waitpid(pid, 0)
        if not data:
            raise RuntimeError(f"archive_writer: the process writing paper pages ({pid}) "
                               f"died without a word (wait status {status})")
        kind, result = json.loads(data)
        if kind != "ok":
            raise RuntimeError(f"archive_writer: writing paper pages failed in process {pid}:"
                               f"\n{result}")
        return result

    def _merge(self, share: Sequence[tuple[tuple[Any, ...], dict[str, Any]]],
               result: Mapping[str, Any] | None) -> None:
        """Take over a child's pages: Pelican's record of written files, the manifest's."""
        for arguments, _kwargs in share:
            written_files(self).add(sanitised_join(self.output_path, arguments[0]))
        if self.build is None or result is None:
            return
        for name, record in result["pages"].items():
            self.build.pages[name] = Record.from_json(record)
        self.build.rendered += result["rendered"]
        self.build.skipped += result["skipped"]

    # --- digests ----------------------------------------------------------------------------

    def _template_globals(self, template: Any) -> frozenset[str] | None:
        name = template.name
        if name not in self._globals:
            self._globals[name] = fingerprint.template_globals(template.environment, name)
        return self._globals[name]

    def _shared(self, name: str, used: frozenset[str], context: Mapping[str, Any],
                kwargs: Mapping[str, Any]) -> Any:
        """The context globals a template reads, digested once while they stay the same
        objects (they are settings and whole-site values, fixed while pages are written)."""
        keys = tuple(sorted(key for key in used if key not in kwargs and key in context
                            and key not in ("localsiteurl", "output_file")))
        identity = (keys, tuple(id(context[key]) for key in keys))
        cached = self._shared_memo.get(name)
        if cached is not None and cached[0] == identity:
            return cached[1]
        shared = tuple((key, self.fingerprints.value(context[key])) for key in keys)
        self._shared_memo[name] = (identity, shared, [context[key] for key in keys])
        return shared

    def _page_digest(self, name: str, template: Any, context: Mapping[str, Any],
                     relative_urls: bool, kwargs: Mapping[str, Any]) -> str | None:
        """What this page is rendered from, or None when that cannot be known."""
        used = self._template_globals(template)
        if used is None or template.name is None:
            return None
        values = self.fingerprints
        try:
            own = tuple(sorted(
                (key, values.page_article(value) if key == "article" else values.value(value))
                for key, value in kwargs.items() if key in used))
            shared = self._shared(template.name, used, context, kwargs)
        except fingerprint.Unfingerprintable as exc:
            log.debug("archive_writer: %s is always rendered (%s)", name, exc)
            return None
        return fingerprint.digest((self.build.site if self.build else "", str(name),
                                   template.name, bool(relative_urls), own, shared))


def get_writer(_pelican: object) -> type[Writer]:
    return AtomicWriter


def prepare(pelican: Any) -> None:
    """`initialized`: read the last manifest, clean a fresh build's output, drop temp files.

    With `DELETE_OUTPUT_DIRECTORY` on, Pelican empties output/ and this build keeps no
    manifest: the old one is removed, since it no longer describes what output/ will hold."""
    if not incremental(pelican.settings):
        manifest_path(pelican.settings).unlink(missing_ok=True)
        return
    _build_for(pelican.settings, pelican.output_path)


def flush_papers(_generator: Any, writer: Any) -> None:
    """`article_writer_finalized`: every paper page is written before the other pages."""
    if isinstance(writer, AtomicWriter):
        writer.flush()


def finish(pelican: Any) -> None:
    """`finalized`: write paper pages still collected (a plugin's, after the articles'), then
    remove stale files and save the manifest."""
    for writer in list(_WRITERS):
        writer.flush()
    build = _BUILDS.get(os.path.realpath(pelican.output_path))
    if build is not None:
        build.finish()


def register() -> None:
    # `get_writer` is how Pelican lets a plugin supply the writer every generator uses.
    signals.get_writer.connect(get_writer)
    signals.initialized.connect(prepare)
    # Every paper page is written once the articles are, before the other pages.
    signals.article_writer_finalized.connect(flush_papers)
    # First of the end-of-build steps, so the sitemap and the search index never see a stale
    # page (build_steps.ORDER).
    add_final_step("page clean-up", finish)
