from os import PathLike
from typing import Any, List, Mapping, Optional, Sequence, Tuple, Union

import pyarrow as pa

__version__: str

class DataQualityWarning(UserWarning): ...

class Classifier:
    """A loaded ticketlens model (``model=None``: the bundled default)."""

    rejects: pa.Table
    def __init__(
        self,
        model: Optional[str] = ...,
        taxonomy: Optional[str] = ...,
        cache: bool = ...,
        threads: int = ...,
        batch_rows: Optional[int] = ...,
    ) -> None: ...
    @property
    def model_sha256(self) -> str: ...
    def classify(
        self,
        data: Any,
        *,
        text_columns: Union[str, Sequence[str]] = ...,
        mapping: Optional[Mapping[str, str]] = ...,
        timezone: str = ...,
        embeddings: bool = ...,
        reject_column: Optional[str] = ...,
    ) -> Any: ...

class ThemeModel:
    """Saved themes: fitted once on a sample, assigned per partition."""

    @classmethod
    def fit(
        cls,
        embeddings: Any,
        texts: Any = ...,
        *,
        sentiment: Any = ...,
        k: Optional[int] = ...,
        seed: int = ...,
        model_sha256: str = ...,
    ) -> ThemeModel: ...
    @classmethod
    def load(cls, path: Union[str, PathLike[str]]) -> ThemeModel: ...
    @classmethod
    def from_json(cls, text: str) -> ThemeModel: ...
    def to_json(self) -> str: ...
    def save(self, path: Union[str, PathLike[str]]) -> None: ...
    @property
    def labels(self) -> List[str]: ...
    @property
    def dim(self) -> int: ...
    @property
    def model_sha256(self) -> str: ...
    def to_dict(self) -> dict: ...
    def assign(self, data: Any, *, embedding_column: str = ...) -> Any: ...

def read_export(
    path: Union[str, PathLike[str]],
    *,
    text_columns: Union[str, Sequence[str]] = ...,
    timezone: str = ...,
    encoding: Optional[str] = ...,
    date_order: Optional[str] = ...,
    csat_scale: Optional[int] = ...,
    conversations: bool = ...,
    bot_author: Optional[str] = ...,
    **mapping: str,
) -> Tuple[pa.Table, pa.Table]: ...
def kpis(
    data: Any,
    by: Union[str, Sequence[str], None] = ...,
    period: Optional[str] = ...,
    *,
    timezone: str = ...,
    as_of: Optional[str] = ...,
    sla: Optional[str] = ...,
    sla_resolution: Optional[str] = ...,
    business_hours: Optional[str] = ...,
    fcr: str = ...,
    mapping: Optional[Mapping[str, str]] = ...,
    date_order: Optional[str] = ...,
    csat_scale: Optional[int] = ...,
    report: bool = ...,
) -> Any: ...
