from dangvu.documents.models.document import Document, DocumentFile, DocumentVersion
from dangvu.documents.models.flow import (
    ApprovalRoute,
    ApprovalStep,
    Assignment,
    Delivery,
    DeliveryEvent,
    ProgressNote,
    Review,
)
from dangvu.documents.models.reference import (
    ArchiveHandover,
    DocumentType,
    FileHeading,
    IssuingOrgan,
    NumberSeries,
    RetentionPeriod,
    SeriesNumber,
    TypeAbbreviation,
)

__all__ = [
    "ApprovalRoute",
    "ApprovalStep",
    "ArchiveHandover",
    "Assignment",
    "Delivery",
    "DeliveryEvent",
    "Document",
    "DocumentFile",
    "DocumentType",
    "DocumentVersion",
    "FileHeading",
    "IssuingOrgan",
    "NumberSeries",
    "ProgressNote",
    "RetentionPeriod",
    "Review",
    "SeriesNumber",
    "TypeAbbreviation",
]
