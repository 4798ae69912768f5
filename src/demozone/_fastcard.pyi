"""Types of the compiled batch kernel (src/demozone/_fastcard.c); its tables come from
demozone.core.fastlane."""

from collections.abc import Callable
from typing import Any

class Program:
    def __init__(self, spec: tuple[Any, ...], /) -> None: ...

class Kernel:
    def __init__(
        self, spec: tuple[Any, ...], build: Callable[[int], Program | None], /
    ) -> None: ...
    def score(self, line: bytes, /) -> bytes | None: ...

def shown(num: tuple[int, int], den: tuple[int, int], mode: int, /) -> bytes | None: ...
def stepped_aside_at() -> int: ...
