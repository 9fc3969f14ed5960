"""The scheme advisor the router uses: the channel model and the 上下联动 flag over one catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from assistant.scheme.catalogue import DEFAULT_DIR, SchemeCatalogue, load_scheme_catalogue
from assistant.scheme.channels import ChannelChoice, ChannelModel, DraftSignal
from assistant.scheme.linkage import LinkageAdvisor, LinkageFlag

if TYPE_CHECKING:
    from assistant.screening.models import ScreeningVerdict


class SchemeAdvisor:
    """Channel and linkage of an idea, from the scheme catalogue."""

    def __init__(self, catalogue: SchemeCatalogue) -> None:
        self.catalogue = catalogue
        self.channels = ChannelModel(catalogue)
        self.linkage = LinkageAdvisor(catalogue)

    @classmethod
    def load(cls, directory: Path | None = None) -> SchemeAdvisor:
        """The advisor over ``<directory>/scheme.yaml`` (default: the shipped catalogues)."""
        return cls(load_scheme_catalogue(Path(directory) if directory else DEFAULT_DIR))

    def advise(
        self, text: str, *, verdict: ScreeningVerdict | None = None, domain: str | None = None,
        draft: DraftSignal | None = None,
    ) -> tuple[ChannelChoice, LinkageFlag]:
        """The suggested channel and the linkage flag of one idea."""
        flag = self.linkage.flag(text, verdict)
        choice = self.channels.decide(text, verdict=verdict, domain=domain, linkage=flag, draft=draft)
        return choice, flag
