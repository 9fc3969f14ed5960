"""Official documents: Word files in the GB/T 9704 layout and their PDFs (drafts, certificates, 《百姓提案》).

Services fill the typed inputs of ``models`` and call the builders; nothing here reads the database.

- ``proposal_form.form_docx(form, fonts) / form_pdf(form)``: 附件1 “百姓提案”标准格式
- ``certificate.certificate_docx/pdf(cert)``, ``certificates_docx/pdf(certs)``, ``certificate_files(certs)``,
  ``certificates_zip(certs)``: 荣誉证书, one per citizen or a batch
- ``periodical.periodical_docx(issue, fonts) / periodical_pdf(issue)``: one issue of 《百姓提案》
- ``models.parse_input(Model, data)``: validate service data with a Chinese error message
"""

from assistant.documents.certificate import (
    certificate_docx,
    certificate_files,
    certificate_pdf,
    certificates_docx,
    certificates_pdf,
    certificates_zip,
)
from assistant.documents.layout import FONT_SETS, GBT9704_FONTS, WINDOWS_FONTS, FontChoice, FontSet
from assistant.documents.models import (
    CertificateInput,
    Contributor,
    CountRow,
    DocumentFile,
    HotTopic,
    IdeaEntry,
    PeriodicalIssue,
    ProposalForm,
    WorkStats,
    mask_name,
    parse_input,
)
from assistant.documents.periodical import periodical_docx, periodical_pdf
from assistant.documents.proposal_form import form_docx, form_pdf

__all__ = [
    "FONT_SETS",
    "GBT9704_FONTS",
    "WINDOWS_FONTS",
    "CertificateInput",
    "Contributor",
    "CountRow",
    "DocumentFile",
    "FontChoice",
    "FontSet",
    "HotTopic",
    "IdeaEntry",
    "PeriodicalIssue",
    "ProposalForm",
    "WorkStats",
    "certificate_docx",
    "certificate_files",
    "certificate_pdf",
    "certificates_docx",
    "certificates_pdf",
    "certificates_zip",
    "form_docx",
    "form_pdf",
    "mask_name",
    "parse_input",
    "periodical_docx",
    "periodical_pdf",
]
