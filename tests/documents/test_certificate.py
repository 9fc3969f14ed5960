"""Honorary certificates: one page per citizen, landscape A4, the given names and titles, files and zip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from pydantic import ValidationError

from assistant.documents.certificate import (
    certificate_docx,
    certificate_files,
    certificate_pdf,
    certificates_docx,
    certificates_pdf,
    certificates_zip,
)
from assistant.documents.layout import MM_PER_PT
from assistant.documents.models import DEFAULT_ISSUER, CertificateInput
from assistant.documents.samples import sample_certificates
from assistant.errors import InputError
from tests.documents.helpers import NS, docx_text, part_xml, pdf_pages, pdf_text, w

N = 50


@pytest.fixture(scope="module")
def certs() -> list[CertificateInput]:
    return sample_certificates(N)


@pytest.fixture(scope="module")
def combined_pdf(certs: list[CertificateInput]) -> bytes:
    return certificates_pdf(certs)


def test_combined_docx_has_one_landscape_section_per_certificate(certs: list[CertificateInput]) -> None:
    data = certificates_docx(certs)
    sections = part_xml(data, "word/document.xml").findall(".//w:sectPr", NS)
    assert len(sections) == N
    for sect in sections:
        size = sect.find("w:pgSz", NS)
        assert size.get(w("orient")) == "landscape"
        assert int(size.get(w("w"))) > int(size.get(w("h")))
        assert sect.find("w:pgBorders", NS) is not None and sect.find("w:vAlign", NS).get(w("val")) == "center"
    text = docx_text(data)
    assert text.count("荣誉证书") == N
    for cert in certs:
        assert f"{cert.citizen_name}同志：" in text


def test_combined_pdf_has_one_landscape_page_per_certificate(certs: list[CertificateInput],
                                                             combined_pdf: bytes) -> None:
    pages = pdf_pages(combined_pdf)
    assert len(pages) == N
    assert all(float(p.mediabox.width) == pytest.approx(297 / MM_PER_PT, abs=0.5) for p in pages)
    text = pdf_text(combined_pdf)
    assert text.count("荣誉证书") == N
    assert text.count(DEFAULT_ISSUER) == N
    assert certs[7].citizen_name + "同志：" in text


def test_certificate_says_what_was_given() -> None:
    cert = CertificateInput(citizen_name="陈大文", idea_title="关于在学校门口设置家长接送区的“百姓提案”", year=2023,
                            issue_date=dt.date(2024, 1, 10), certificate_no="BXTA-2023-001",
                            issuer="政协广州市天河区委员会")
    sentence = ("您提供的“金点子”《关于在学校门口设置家长接送区的“百姓提案”》被评为2023年度优秀“百姓提案”。"
                "特发此证，以资鼓励。")
    for text in (docx_text(certificate_docx(cert)), pdf_text(certificate_pdf(cert))):
        assert sentence in text
        assert "陈大文同志：" in text and "政协广州市天河区委员会" in text and "2024年1月10日" in text
        assert "证书编号：BXTA-2023-001" in text
        assert DEFAULT_ISSUER not in text


def test_one_docx_and_one_pdf_per_citizen(certs: list[CertificateInput], combined_pdf: bytes) -> None:
    files = certificate_files(certs, combined_pdf=combined_pdf)
    assert len(files) == 2 * N
    assert len({f.filename for f in files}) == 2 * N
    first_docx, first_pdf = files[0], files[1]
    assert first_docx.filename == f"01_{certs[0].citizen_name}_荣誉证书.docx"
    assert len(pdf_pages(first_pdf.data)) == 1
    assert certs[0].citizen_name in pdf_text(first_pdf.data) and certs[1].citizen_name not in pdf_text(first_pdf.data)
    assert docx_text(first_docx.data).count("荣誉证书") == 1


def test_zip_holds_combined_and_single_files(certs: list[CertificateInput]) -> None:
    bundle = certificates_zip(certs[:3])
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as zf:
        names = zf.namelist()
    assert sum(n.startswith("单份/") for n in names) == 6
    assert {"2023年度荣誉证书_合集.docx", "2023年度荣誉证书_合集.pdf"} <= set(names)


def test_empty_list_and_bad_input_are_refused() -> None:
    with pytest.raises(InputError) as info:
        certificates_pdf([])
    assert "名单为空" in info.value.user_message
    with pytest.raises(ValidationError):
        CertificateInput(citizen_name="", idea_title="标题", year=2023, issue_date=dt.date(2024, 1, 1))


def test_long_titles_still_fit_one_page() -> None:
    title = "关于" + "完善老旧小区加装电梯资金保障机制" * 6 + "的“百姓提案”"
    cert = CertificateInput(citizen_name="欧阳娜娜", idea_title=title, year=2023,
                            issue_date=dt.date(2024, 1, 10), certificate_no="X-1")
    assert len(pdf_pages(certificate_pdf(cert))) == 1
