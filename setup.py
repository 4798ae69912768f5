"""The batch scoring kernel, a C extension (docs/decisions/0011-compiled-batch-kernel.md).

Everything else about the package is in pyproject.toml; setuptools declares C extensions there
only in an experimental table, so the one extension is declared here. It needs nothing beyond
Python's own headers and a C compiler, and it is not optional: a build that fails stops the
install rather than leaving batch scoring on the slow path unnoticed.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "demozone._fastcard",
            sources=["src/demozone/_fastcard.c"],
            extra_compile_args=["-O2"],
        )
    ]
)
