"""The verifiable draw ``CN-INSPECT/v1``, as ``DRAW_SPEC.md`` (the design folder) defines it byte for byte.

Pure code, standard library only, importing nothing outside this package (so that the algorithm stands on
its own). Modules: ``encoding`` (U32, LP, H, CJSON, strict JSON, ``DrawInputError``), ``algorithm`` (typed
inputs, parameters, ``params_hash``, ``salt_commit``, ``K_sel``, ``K_asg``), ``frame`` (validation, order,
``frame_hash``), ``selection`` (tickets, quotas, walk, tau), ``teams`` (roster, exclusions, their hashes,
teams), ``bundle`` (``execute_draw``, ``result_hash``, bytes, public view), ``verify`` (``verify``,
``verify_bytes``), ``selfcheck`` (``self_check``).
``tools/verify_draw.py`` is a second, independent implementation for notaries; the golden vectors in
``tests/draws/golden`` bind the two.

Choices where the spec is silent (each module's docstring has the details):

1. Strings: every string of a draw must already be NFC and UTF-8 encodable; others are refused
   (``draw.not_nfc``), never changed, so a bundle's bytes are the hashed bytes. Sorting "by UTF-8 bytes"
   equals sorting by code point.
2. CJSON: RFC 8785 string escapes, keys sorted by code point, integers within ±(2^53−1), booleans as
   ``true``/``false`` (refused wherever an integer is required), ``null``, nested arrays; floats refused.
3. Inputs: USCCs unique; ``risk_class`` in A/B/C/D/U; industries non-empty without ``|`` (it separates the
   parts of group names); every row's ``weight`` must equal 1 (rate mode) or its class's weight (weight
   mode), 1..1000; ``person_id`` unique; an ``(uscc, person_id)`` exclusion at most once; frame and roster
   non-empty; exclusions may name people or enterprises outside the draw.
4. ``params``: exactly the nine members of the spec, the unused table ``null``; rates 0..10000 bp; a unit
   may repeat in ``team_depts``. Seeds: public ceremony = ≥ 20 ASCII digits and ≥ 1 witness; system = any
   non-empty string; ``entered_at`` ISO 8601 with offset. Salt: 64 lowercase hex.
5. Bundle: rows in commitment order; ``tau`` has every cell (``null`` if none selected); ``quotas`` every
   group (no cell groups in weight mode); ``j`` the smallest minimising j.
6. Teams: only units of ``team_depts`` supply candidates (the others count in ``m``); fallback records are
   appended as they happen – department pass ``{level 1|2, dept}``, fill pass one ``{level 1, dept: null}``
   per member over the cap, then ``{level 3, dept: null}`` if short; the roster may not be empty.
7. Within a cell the selection is always exactly the rows with key ≤ ``tau``: all rows of a cell share
   their groups. What does *not* hold is "a cell holds exactly its quota": rows beyond it are pulled in by
   the industry or overall minimum (``self_check`` says which).
8. Before the reveal the public sees ``public_view(bundle)``: commitments, ``result_hash``, seed and
   source, parameters, quotas with counts, sizes; ``sealed(bundle)`` is the bundle with ``salt`` null.
"""

from __future__ import annotations

from app.domain.draws.algorithm import (
    ALGORITHM,
    LEADER,
    MEMBER,
    RISK_CLASSES,
    DrawParams,
    Exclusion,
    FrameRow,
    RosterRow,
    SeedSource,
    assignment_key,
    params_hash,
    salt_commit,
    selection_key,
)
from app.domain.draws.bundle import (
    MEMBERS,
    Bundle,
    BundleInputs,
    bundle_bytes,
    execute_draw,
    inputs_from_bundle,
    public_view,
    result_hash,
    sealed,
)
from app.domain.draws.encoding import CODES, DrawInputError, cjson
from app.domain.draws.selection import frame_hash, quota_table
from app.domain.draws.selfcheck import SelfCheck, self_check
from app.domain.draws.teams import exclusions_hash, roster_hash
from app.domain.draws.verify import Difference, parse_bundle, verify, verify_bytes

__all__ = [
    "ALGORITHM",
    "CODES",
    "LEADER",
    "MEMBER",
    "MEMBERS",
    "RISK_CLASSES",
    "Bundle",
    "BundleInputs",
    "Difference",
    "DrawInputError",
    "DrawParams",
    "Exclusion",
    "FrameRow",
    "RosterRow",
    "SeedSource",
    "SelfCheck",
    "assignment_key",
    "bundle_bytes",
    "cjson",
    "exclusions_hash",
    "execute_draw",
    "frame_hash",
    "inputs_from_bundle",
    "params_hash",
    "parse_bundle",
    "public_view",
    "quota_table",
    "result_hash",
    "roster_hash",
    "salt_commit",
    "sealed",
    "selection_key",
    "self_check",
    "verify",
    "verify_bytes",
]
