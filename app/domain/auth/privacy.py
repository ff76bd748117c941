"""个人信息保护 (PIPL): who sees personal data in full, and the masked forms everyone else sees.

Phones, ID numbers and 执法证号 are shown in full only to those who need them: 执法监督科 (bureau-wide), and the unit
that owns the record (an inspector's own unit; enterprises' contacts to the units that inspect them); a person sees
their own. Everyone else – partners, integration keys, the administrators, 审计/纪检 and the public – sees them masked.
A check-in's device position and distance are shown to 执法监督科 only."""

from __future__ import annotations

from typing import Any

from app.domain.auth.model import BUREAU_WIDE_ROLES, AuthMethod, Permission, Principal

#: Keys of personal data inside snapshots (audit records, histories, the platform's raw records), by kind.
PHONE_KEYS = frozenset({"phone", "contact_phone", "contactPhone", "mobile"})
CERT_KEYS = frozenset({"cert_no", "lawCertNo"})
ID_NUMBER_KEYS = frozenset({"id_number", "idNumber", "idCardNo"})
#: A check-in's distance to the enterprise tells where a person was (enterprise locations are not personal).
LOCATION_KEYS = frozenset({"distance_m", "device_longitude", "device_latitude"})
PERSONAL_KEYS = PHONE_KEYS | CERT_KEYS | ID_NUMBER_KEYS | LOCATION_KEYS


def mask_phone(phone: str | None) -> str | None:
    """138****5678."""
    if not phone:
        return phone
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_cert(cert_no: str) -> str:
    """执法证号: the first 4 and last 2 characters."""
    if len(cert_no) <= 6:
        return "*" * len(cert_no)
    return f"{cert_no[:4]}{'*' * (len(cert_no) - 6)}{cert_no[-2:]}"


def mask_id_number(number: str | None) -> str | None:
    """居民身份证号: the first 6 (region) and the last 4 characters."""
    if not number:
        return number
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def sees_personal_data(principal: Principal, department_code: str | None = None, *,
                       person_id: str | None = None) -> bool:
    """Full personal data of a record owned by ``department_code`` (None: a record no unit owns, such as an
    enterprise's contact), or of the person ``person_id``."""
    if principal.method is AuthMethod.SYSTEM:
        return True
    if person_id is not None and principal.person_id == person_id:
        return True
    if not principal.can(Permission.PERSONAL_DATA_READ):
        return False
    return principal.role in BUREAU_WIDE_ROLES or department_code is None or principal.department_code == department_code


def sees_locations(principal: Principal) -> bool:
    """Check-in positions (longitude, latitude, distance): 执法监督科 only."""
    return principal.can(Permission.CHECKIN_LOCATION_READ)


def _mask_value(key: str, value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if key in LOCATION_KEYS:
        return None
    if not isinstance(value, str):
        return value
    if key in CERT_KEYS:
        return mask_cert(value)
    if key in ID_NUMBER_KEYS:
        return mask_id_number(value)
    return mask_phone(value)


def mask_snapshot(value: Any) -> Any:
    """A snapshot (dicts and lists, nested) with every personal key masked; other keys untouched. A change list
    (``{"phone": [old, new]}``) is masked item by item."""
    if isinstance(value, dict):
        masked: dict[str, Any] = {}
        for key, item in value.items():
            if key in PERSONAL_KEYS and isinstance(item, list):
                masked[key] = [_mask_value(key, x) for x in item]
            elif key in PERSONAL_KEYS and not isinstance(item, dict):
                masked[key] = _mask_value(key, item)
            else:
                masked[key] = mask_snapshot(item)
        return masked
    if isinstance(value, list):
        return [mask_snapshot(v) for v in value]
    return value
