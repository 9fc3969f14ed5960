"""Official documents: Word files in the GB/T 9704 layout and their PDFs (drafts, certificates, 《百姓提案》).

Services fill the typed inputs of ``models`` and call the builders; nothing here reads the database.

- ``form_docx(form, fonts) / form_pdf(form)``: 附件1 “百姓提案”标准格式
- ``certificate_docx/pdf(cert)``, ``certificates_docx/pdf(certs)``, ``certificate_files(certs)``,
  ``certificates_zip(certs)``: 荣誉证书, one per citizen or a batch
- ``periodical_docx(issue, fonts) / periodical_pdf(issue)``: one issue of 《百姓提案》
- ``parse_input(Model, data)``: validate service data with a Chinese error message

Names are imported on first use: fpdf2/fontTools and matplotlib take seconds to import, and importing
this package (e.g. through the draft export) should not cost that.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "certificate": ("certificate_docx", "certificate_files", "certificate_pdf", "certificates_docx",
                    "certificates_pdf", "certificates_zip"),
    "layout": ("FONT_SETS", "GBT9704_FONTS", "WINDOWS_FONTS", "FontChoice", "FontSet"),
    "models": ("CertificateInput", "Contributor", "CountRow", "DocumentFile", "HotTopic", "IdeaEntry",
               "PeriodicalIssue", "ProposalForm", "WorkStats", "mask_name", "parse_input"),
    "periodical": ("periodical_docx", "periodical_pdf"),
    "proposal_form": ("form_docx", "form_pdf"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
