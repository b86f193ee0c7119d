"""Field types shared by the Gorgias models: lenient datetimes and null-safe lists.

Gorgias sends null for most absent values, including lists, and datetimes in
several ISO 8601 variants. These types turn both into what the models promise.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict

from tajo.datetimes import parse_optional_datetime
from tajo.errors import DatetimeParseError

ItemT = TypeVar("ItemT")


def _to_datetime(value: object) -> datetime | None:
    if value is None or isinstance(value, str | datetime):
        try:
            return parse_optional_datetime(value)
        except DatetimeParseError as exc:
            # pydantic turns ValueError into a per-field validation error, which
            # the page parser reports as one failed record.
            raise ValueError(str(exc)) from None
    raise ValueError(f"invalid datetime: value={value!r}; expected an ISO 8601 string")


def _none_to_list(value: object) -> object:
    return [] if value is None else value


def _none_to_dict(value: object) -> object:
    return {} if value is None else value


# An aware UTC datetime or None. Naive values are UTC; offsets are converted.
ApiDatetime = Annotated[datetime | None, BeforeValidator(_to_datetime)]

# A list that the API may send as null; null becomes an empty list.
ApiList = Annotated[list[ItemT], BeforeValidator(_none_to_list)]

# A JSON object that the API may send as null; null becomes an empty dict.
ApiDict = Annotated[dict[str, Any], BeforeValidator(_none_to_dict)]


class GorgiasModel(BaseModel):
    """Base of every Gorgias model.

    Unknown fields are kept (`model_extra`) rather than rejected, because Gorgias
    adds fields without notice and some readers want the raw values.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True)
