from typing import Any, Mapping, Optional, Sequence

import pyarrow as pa

__version__: str

class Classifier:
    """A loaded ticketlens model (``model=None``: the bundled default)."""

    rejects: pa.Table
    def __init__(
        self,
        model: Optional[str] = ...,
        taxonomy: Optional[str] = ...,
        cache: bool = ...,
    ) -> None: ...
    @property
    def model_sha256(self) -> str: ...
    def classify(
        self,
        data: Any,
        *,
        text_columns: Sequence[str] = ...,
        mapping: Optional[Mapping[str, str]] = ...,
        timezone: str = ...,
        embeddings: bool = ...,
        reject_column: Optional[str] = ...,
    ) -> Any: ...
