"""Personal fields of registry records and their masking.

Personal fields (``contact_name``, ``contact_phone``) are kept on the records but never written
into events: the event log is append-only, so it only names *which* personal fields changed.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from lifeline.registry.model.facilities import Facility
from lifeline.registry.model.organisations import Organisation
from lifeline.security.masking import mask_name, mask_phone

PERSONAL_FIELDS: tuple[str, ...] = ("contact_name", "contact_phone")

R = TypeVar("R", Organisation, Facility)


def masked(record: R) -> R:
    """The record with its personal fields masked."""
    return dataclasses.replace(
        record,
        contact_name=mask_name(record.contact_name),
        contact_phone=mask_phone(record.contact_phone),
    )
