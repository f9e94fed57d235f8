"""Engine reports (measurements, checks, warnings) as plain JSON values, for database JSON fields."""

from dataclasses import asdict


def plain(value):
    """numpy numbers, tuples, dataclasses and objects with as_dict() -> dicts, lists and Python numbers."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    if hasattr(value, "as_dict"):
        return plain(value.as_dict())
    if hasattr(value, "__dataclass_fields__"):
        return plain(asdict(value))
    return value
