"""Finding the open CJK fonts that stand in for the GB/T 9704 ones (see fonts.conf)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

FONTS_CONF = Path(__file__).with_name("fonts.conf")

# The fonts the documents name (GB/T 9704-2012 and its usual Word template).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
KAI_FONT = "楷体_GB2312"
HEI_FONT = "黑体"
SONG_FONT = "宋体"

# Chart labels: a sans face reads best at small sizes; any of these covers GB 2312.
CHART_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "Noto Serif CJK SC", "AR PL UKai CN")


@dataclass(frozen=True, slots=True)
class FontFile:
    path: Path
    index: int  # the face inside a .ttc collection
    family: str


def fontconfig_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment in which fontconfig reads the project's aliases (and the system's fonts)."""
    env = dict(os.environ if base is None else base)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


def match_font(family: str) -> FontFile | None:
    """The installed face fontconfig picks for ``family`` through the project's aliases, or None
    when fontconfig is absent or only a non-CJK fallback (DejaVu …) would be used."""
    return _match(family)


@lru_cache(maxsize=32)
def _match(family: str) -> FontFile | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        out = subprocess.run(
            [fc_match, "--format=%{file}\n%{index}\n%{family}\n%{lang}", family],
            env=fontconfig_env(),
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("fc-match failed for %s: %s", family, exc)
        return None
    lines = out.split("\n")
    if len(lines) < 4 or not lines[0]:
        return None
    langs = lines[3].split("|")
    if "zh-cn" not in langs:
        return None
    return FontFile(Path(lines[0]), int(lines[1] or 0), lines[2].split(",")[0])


def chart_font() -> FontFile | None:
    for family in CHART_FAMILIES:
        found = match_font(family)
        if found is not None:
            return found
    return None
