"""assemble_record takes each invoice field from its source document, else from the application form."""

from __future__ import annotations

from intake.record import assemble_record
from intake.types import RECORD_FIELDS, Document, SourcedField
from ocr.types import DocType


def _doc(doc_type: DocType, file: str, confidence: float = 0.9, **fields: str) -> Document:
    return Document(
        doc_type=doc_type,
        file=file,
        pages=(1,),
        fields={
            k: SourcedField(k, v, confidence, (1, 2, 3, 4), file, 1, doc_type) for k, v in fields.items()
        },
    )


LICENCE = _doc(
    DocType.BUSINESS_LICENSE,
    "licence.jpg",
    customer_name="某某科技有限公司（杭州分公司）",
    tax_id="91110000600037341L",
    address="浙江省杭州市西湖区文三路100号",
)
PERMIT = _doc(
    DocType.BANK_PERMIT,
    "permit.jpg",
    bank_name="中国工商银行股份有限公司杭州西湖支行",
    bank_account="1202 0203",
)
FORM = _doc(
    DocType.APPLICATION_FORM,
    "form.pdf",
    customer_name="某某科技有限公司(杭州分公司)",
    tax_id="91110000600037341L",
    tax_address="杭州市西湖区文三路100号",
    tax_phone="0571-87654321",
    bank_name="工行杭州西湖支行",
    bank_account="12020203",
)


def test_fields_come_from_their_sources_exactly_as_printed() -> None:
    record = assemble_record([FORM, PERMIT, LICENCE])
    assert list(record) == list(RECORD_FIELDS)
    assert record["customer_name"].value == "某某科技有限公司（杭州分公司）"
    assert record["customer_name"].doc_type == DocType.BUSINESS_LICENSE
    assert record["bank_account"].value == "1202 0203"
    assert record["bank_name"].file == "permit.jpg"
    assert record["tax_phone"].file == "form.pdf"


def test_certificate_address_is_reported_as_tax_address() -> None:
    record = assemble_record([LICENCE, FORM])
    assert record["tax_address"].name == "tax_address"
    assert record["tax_address"].value == "浙江省杭州市西湖区文三路100号"
    assert record["tax_address"].doc_type == DocType.BUSINESS_LICENSE
    assert record["tax_address"].bbox == (1, 2, 3, 4)


def test_fallbacks_tax_registration_then_passbook_then_form() -> None:
    tax = _doc(DocType.TAX_REGISTRATION, "tax.jpg", customer_name="某某个体店", tax_id="11010519491231002X00")
    passbook = _doc(DocType.PASSBOOK, "book.jpg", bank_name="中国农业银行杭州分行", bank_account="6228480000")
    record = assemble_record([FORM, tax, passbook])
    assert record["customer_name"].doc_type == DocType.TAX_REGISTRATION
    assert record["tax_id"].value == "11010519491231002X00"
    assert record["bank_account"].doc_type == DocType.PASSBOOK
    # the tax certificate carries no address: the form's value fills in
    assert record["tax_address"].doc_type == DocType.APPLICATION_FORM
    assert record["tax_address"].value == "杭州市西湖区文三路100号"


def test_no_source_documents_uses_the_form() -> None:
    record = assemble_record([FORM])
    assert {sf.doc_type for sf in record.values()} == {DocType.APPLICATION_FORM}
    assert record["customer_name"].value == "某某科技有限公司(杭州分公司)"


def test_missing_everywhere_is_left_out() -> None:
    record = assemble_record([LICENCE, PERMIT])
    assert "tax_phone" not in record
    assert assemble_record([]) == {}


def test_most_confident_copy_wins() -> None:
    blurry = _doc(DocType.BUSINESS_LICENSE, "scan1.jpg", confidence=0.4, customer_name="某某科技有限公同")
    sharp = _doc(DocType.BUSINESS_LICENSE, "scan2.jpg", confidence=0.97, customer_name="某某科技有限公司")
    record = assemble_record([blurry, sharp])
    assert record["customer_name"].file == "scan2.jpg"


def test_empty_value_does_not_count() -> None:
    empty = _doc(DocType.BUSINESS_LICENSE, "licence.jpg", customer_name="  ")
    record = assemble_record([empty, FORM])
    assert record["customer_name"].doc_type == DocType.APPLICATION_FORM


def _misread_licence(name: str, confidence: float) -> Document:
    return _doc(
        DocType.BUSINESS_LICENSE, "licence.jpg", confidence, customer_name=name, tax_id="91110000600037341L"
    )


def test_a_doubted_certificate_reading_gives_way_to_what_other_documents_agree_on() -> None:
    printed = "南昌市东湖区嘉禾经营部"
    others = [
        _doc(DocType.APPLICATION_FORM, "form.jpg", 0.98, customer_name=printed),
        _doc(DocType.SEAL_CARD, "card.jpg", 0.97, customer_name=printed),
        _doc(DocType.LOGISTICS_CONTRACT, "contract.pdf", 1.0, customer_name=printed),
    ]
    record = assemble_record([_misread_licence("南吕市东湖区嘉禾经营部", 0.45), *others])
    assert record["customer_name"].value == printed
    assert record["customer_name"].file == "licence.jpg"  # still the certificate's place on the page
    # read surely, the certificate is what the invoice carries, whatever the others say
    sure = assemble_record([_misread_licence("南吕市东湖区嘉禾经营部", 0.95), *others])
    assert sure["customer_name"].value == "南吕市东湖区嘉禾经营部"


def test_one_other_reading_or_a_wider_difference_does_not_replace_the_certificate() -> None:
    printed = "南昌市东湖区嘉禾经营部"
    form = _doc(DocType.APPLICATION_FORM, "form.jpg", 0.98, customer_name=printed)
    card = _doc(DocType.SEAL_CARD, "card.jpg", 0.97, customer_name=printed)
    alone = assemble_record([_misread_licence("南吕市东湖区嘉禾经营部", 0.45), form])
    assert alone["customer_name"].value == "南吕市东湖区嘉禾经营部"
    wider = assemble_record([_misread_licence("南吕市东湖区嘉和商行", 0.45), form, card])
    assert wider["customer_name"].value == "南吕市东湖区嘉和商行"
