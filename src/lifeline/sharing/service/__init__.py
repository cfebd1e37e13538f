"""Use cases of the data sharing hub, registered on the message bus."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from lifeline.kernel.bus import MessageBus
from lifeline.sharing.messages import (
    CancelDrop,
    CancelRefresh,
    DatasetQuality,
    DecideLink,
    FinishDataKeyRotation,
    GetDataKeyState,
    GetDataset,
    GetDrop,
    GetLineage,
    GetRefresh,
    GetRun,
    GrantAgreement,
    LinkRecords,
    ListAgreements,
    ListDatasets,
    ListDroppedFiles,
    ListLinks,
    ListQuarantine,
    ListRecords,
    ListRuns,
    ListSharedWith,
    ListSources,
    PickUpDroppedFile,
    PreviewMapping,
    PublishMapping,
    ReencryptDataBatch,
    RegisterDataset,
    RegisterDrop,
    RegisterSource,
    ReplayQuarantined,
    RevokeAgreement,
    RunIngest,
    ScheduleRefresh,
    StartDataKeyRotation,
)
from lifeline.sharing.service.agreements import (
    grant_agreement,
    list_agreements,
    list_shared_with,
    revoke_agreement,
)
from lifeline.sharing.service.drops import (
    DropView,
    cancel_drop,
    get_drop,
    list_dropped_files,
    pick_up_dropped_file,
    register_drop,
)
from lifeline.sharing.service.ingest import preview_mapping, run_ingest
from lifeline.sharing.service.keys import (
    RotationReport,
    finish_data_key_rotation,
    get_data_key_state,
    reencrypt_data_batch,
    rotate_data_key,
    start_data_key_rotation,
)
from lifeline.sharing.service.linkage import decide_link, link_records, list_links
from lifeline.sharing.service.quarantine import replay_quarantined
from lifeline.sharing.service.reads import (
    Lineage,
    QuarantinePage,
    RecordPage,
    dataset_quality,
    get_lineage,
    get_run,
    list_quarantine,
    list_records,
    list_runs,
)
from lifeline.sharing.service.refresh import (
    RefreshWorker,
    cancel_refresh,
    get_refresh,
    schedule_refresh,
)
from lifeline.sharing.service.registry import (
    get_dataset,
    list_datasets,
    list_sources,
    publish_mapping,
    register_dataset,
    register_source,
)

__all__ = [
    "DropView",
    "Lineage",
    "QuarantinePage",
    "RecordPage",
    "RefreshWorker",
    "RotationReport",
    "register_handlers",
    "rotate_data_key",
]


def register_handlers(bus: MessageBus, *, drop_roots: Sequence[Path] = ()) -> None:
    """Register the data hub's handlers; ``drop_roots`` are the directories file drops may
    lie in (none: file drops are refused)."""
    bus.register(RegisterSource, register_source)
    bus.register(ListSources, list_sources)
    bus.register(RegisterDataset, register_dataset)
    bus.register(GetDataset, get_dataset)
    bus.register(ListDatasets, list_datasets)
    bus.register(PublishMapping, publish_mapping)
    bus.register(PreviewMapping, preview_mapping)
    bus.register(RunIngest, run_ingest)
    bus.register(GetRun, get_run)
    bus.register(ListRuns, list_runs)
    bus.register(DatasetQuality, dataset_quality)
    bus.register(LinkRecords, link_records)
    bus.register(DecideLink, decide_link)
    bus.register(ListLinks, list_links)
    bus.register(ListRecords, list_records)
    bus.register(GetLineage, get_lineage)
    bus.register(ListQuarantine, list_quarantine)
    bus.register(ReplayQuarantined, replay_quarantined)
    bus.register(GrantAgreement, grant_agreement)
    bus.register(RevokeAgreement, revoke_agreement)
    bus.register(ListAgreements, list_agreements)
    bus.register(ListSharedWith, list_shared_with)
    bus.register(GetDataKeyState, get_data_key_state)
    bus.register(StartDataKeyRotation, start_data_key_rotation)
    bus.register(ReencryptDataBatch, reencrypt_data_batch)
    bus.register(FinishDataKeyRotation, finish_data_key_rotation)
    bus.register(ScheduleRefresh, schedule_refresh)
    bus.register(CancelRefresh, cancel_refresh)
    bus.register(GetRefresh, get_refresh)
    bus.register(RegisterDrop, partial(register_drop, roots=tuple(drop_roots)))
    bus.register(GetDrop, get_drop)
    bus.register(CancelDrop, cancel_drop)
    bus.register(ListDroppedFiles, list_dropped_files)
    bus.register(PickUpDroppedFile, pick_up_dropped_file)
