"""Pure domain code: dataclasses, rules and services. No framework, database or HTTP imports."""
