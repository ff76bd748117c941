"""一单两库: the check-item list and the enterprise and inspector directories."""
