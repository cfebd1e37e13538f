"""Bulk import of depots, stock and responders from a data hub dataset.

An application service at the edge (the API and the CLI call it): it reads the dataset's
canonical records through the hub's own query — so the hub's scope, agreements, masking and
access logging apply — and sends one reserves command per record through the bus, so each is
authorised, validated and recorded like any other. A record that cannot be imported is reported
with the canonical field and the reason; it stays in the hub, and nothing is half-imported (each
command is its own transaction). Depots and responders that already exist under the same name
(and team) are skipped, so an import can be repeated; stock is a receipt each time it is run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lifeline.kernel.access import Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.errors import DomainError, Forbidden, InvalidInput
from lifeline.reserves import messages as m
from lifeline.reserves.imports import (
    DepotDefaults,
    ImportKind,
    depot_command,
    responder_command,
    stock_command,
)
from lifeline.sharing.messages import GetDataset, ListRecords

PAGE = 500


@dataclass(frozen=True, slots=True)
class ImportProblem:
    record_id: str
    record_key: str
    field: str
    reason: str


@dataclass
class ImportReport:
    dataset_id: str
    kind: ImportKind
    read: int = 0
    imported: int = 0
    skipped: int = 0  # already present (depots, responders)
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass
class _Importer:
    bus: MessageBus
    actor: Actor
    kind: ImportKind
    organisation_id: str
    defaults: DepotDefaults
    depot_ids: dict[str, str]
    responders: set[tuple[str, str]]

    def one(self, record_id: str, data: dict[str, object]) -> bool:
        """Import one record; False when it is already there."""
        if self.kind is ImportKind.DEPOTS:
            depot = depot_command(data, self.organisation_id, self.defaults)
            if depot.name in self.depot_ids:
                return False
            self.depot_ids[depot.name] = self.bus.handle(depot, self.actor).id
        elif self.kind is ImportKind.STOCK:
            self.bus.handle(stock_command(data, self.depot_ids, record_id), self.actor)
        else:
            who = responder_command(data, self.organisation_id)
            if (who.name, who.team) in self.responders:
                return False
            self.bus.handle(who, self.actor)
            self.responders.add((who.name, who.team))
        return True


def import_from_hub(
    bus: MessageBus,
    actor: Actor,
    *,
    dataset_id: str,
    kind: ImportKind,
    organisation_id: str,
    depot_defaults: DepotDefaults | None = None,
) -> ImportReport:
    dataset = bus.handle(GetDataset(dataset_id=dataset_id), actor)
    if dataset.record_type != kind.record_type:
        raise InvalidInput(
            "dataset_id", f"holds {dataset.record_type} records; {kind} need {kind.record_type}"
        )
    depots, _ = bus.handle(m.ListDepots(limit=10_000), actor)
    importer = _Importer(
        bus=bus,
        actor=actor,
        kind=kind,
        organisation_id=organisation_id,
        defaults=depot_defaults or DepotDefaults(),
        depot_ids={d.name: d.id for d in depots},
        responders=(
            {(r.name, r.team) for r in bus.handle(m.ListResponders(), actor)}
            if kind is ImportKind.RESPONDERS
            else set()
        ),
    )
    report = ImportReport(dataset_id=dataset_id, kind=kind)
    offset = 0
    while True:
        page = bus.handle(ListRecords(dataset_id=dataset_id, limit=PAGE, offset=offset), actor)
        if page.masked and kind is ImportKind.RESPONDERS:
            raise Forbidden(
                "importing responders needs their names and home bases unmasked: the personal-"
                "data right on the dataset's owner"
            )
        for record in page.items:
            report.read += 1
            try:
                if importer.one(record.id, record.data):
                    report.imported += 1
                else:
                    report.skipped += 1
            except InvalidInput as exc:
                report.problems.extend(
                    ImportProblem(record.id, record.record_key, p.field, p.reason)
                    for p in exc.problems
                )
            except DomainError as exc:
                report.problems.append(ImportProblem(record.id, record.record_key, "", str(exc)))
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return report
