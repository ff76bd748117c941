"""全程留痕: the append-only, hash-chained audit trail."""
