"""A deterministic demo population of 秦皇岛: enterprises (检查对象) and inspectors (执法人员).

Pure and reproducible: no I/O, no clock (``today`` is an argument), no global randomness; every call builds its own
``random.Random`` from the seed. Used for demos, tests and benchmarks (streaming up to a million enterprises), so
the per-row work is a handful of table look-ups.

* :func:`generate_enterprises` is lazy and *prefix-stable*: the first ``k`` rows of ``generate_enterprises(n)`` are
  ``generate_enterprises(k)``, because one RNG is consumed row by row and nothing depends on ``count``.
* USCCs are unique by construction: the organisation-code part (positions 9–17) is an injective function of the
  row index (see :func:`generate_enterprises`), and the check characters follow GB 11714 and GB 32100.

Modules: :mod:`.tables` (weighted look-up tables), :mod:`.people` (names, mobile numbers), :mod:`.places`
(counties, addresses, coordinates, county shares), :mod:`.industries` (names, safety levels, tags, credit and
status shares), :mod:`.codes` (USCC and organisation-code arithmetic), and the generators :mod:`.enterprises` and
:mod:`.inspectors`.
"""

from app.domain.directories.demo.enterprises import generate_enterprises
from app.domain.directories.demo.inspectors import DEMO_CONFLICT_REASONS, generate_inspectors

__all__ = ["DEMO_CONFLICT_REASONS", "generate_enterprises", "generate_inspectors"]
