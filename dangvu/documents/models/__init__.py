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
    DocumentType,
    FileHeading,
    IssuingOrgan,
    NumberSeries,
    SeriesNumber,
    TypeAbbreviation,
)

__all__ = [
    "ApprovalRoute",
    "ApprovalStep",
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
    "Review",
    "SeriesNumber",
    "TypeAbbreviation",
]
