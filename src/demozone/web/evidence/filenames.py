"""Uploaded file names: shown and offered back on download, never used as a path on disk (files
are stored by content hash). Still, a name that tries to climb directories is refused outright,
and the rest is made safe for every operating system a reader may save it on."""

from __future__ import annotations

import re
import unicodedata

from demozone.web.evidence.kinds import Kind, RefusedError

MAX_LENGTH = 100
_RESERVED_CHARS = re.compile(r'[<>:"|?*]')
_SPACES = re.compile(r"\s+")
# Windows device names, with or without an extension.
_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
# Control, format (e.g. the right-to-left override that disguises ``exe.pdf``), surrogate,
# private-use and unassigned characters.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
FALLBACK_STEM = "未命名文件"


def refuse_path(raw: str) -> None:
    """A name with directory parts is an attack or a broken client: refuse it, do not guess."""
    if "/" in raw or "\\" in raw:
        raise RefusedError("文件名不能包含路径（“/”或“\\”），请只上传文件本身")
    if raw.strip() in (".", ".."):
        raise RefusedError("文件名无效")


def clean_filename(raw: str, kind: Kind) -> str:
    """A safe display name ending in an extension of the detected kind; Chinese is kept."""
    refuse_path(raw)
    name = unicodedata.normalize("NFC", raw)
    name = "".join(c for c in name if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    name = _SPACES.sub(" ", _RESERVED_CHARS.sub("_", name)).strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if f".{ext.lower()}" in kind.extensions:
        ext = ext.lower()
    else:
        # The content decides the kind; the name only has to agree with it.
        stem, ext = name, kind.extensions[0][1:]
    stem = stem.strip(" .") or FALLBACK_STEM
    if stem.split(".")[0].upper() in _DEVICES:
        stem = f"_{stem}"
    stem = stem[: MAX_LENGTH - len(ext) - 1].rstrip(" .") or FALLBACK_STEM
    return f"{stem}.{ext}"


def stem_of(name: str) -> str:
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name
