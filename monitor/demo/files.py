"""The bytes of the sample portal's attachments: a one-page PDF and a one-sheet .xlsx.

Attachments have real bytes, so that the crawler downloads, hashes and types them as it would on a
real portal. Both formats are built by hand, with no date or random part (the .xlsx has fixed zip
timestamps): the same revision always serves the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.etree import ElementTree

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_NS_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"


def pdf_bytes(text: str) -> bytes:
    """A small valid one-page PDF stating ``text`` (ASCII): attachments have real bytes."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 11 Tf 56 780 Td ({safe}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
              f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _xml(root: ElementTree.Element) -> bytes:
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


def xlsx_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """A minimal valid .xlsx (one sheet, inline strings) with fixed zip timestamps, so that the
    same revision always serves the same bytes."""
    types = ElementTree.Element(f"{{{_NS_TYPES}}}Types")
    for ext, kind in (("rels", "application/vnd.openxmlformats-package.relationships+xml"),
                      ("xml", "application/xml")):
        ElementTree.SubElement(types, f"{{{_NS_TYPES}}}Default", Extension=ext, ContentType=kind)
    for part, kind in (("/xl/workbook.xml", "sheet.main+xml"),
                       ("/xl/worksheets/sheet1.xml", "worksheet+xml")):
        ElementTree.SubElement(
            types, f"{{{_NS_TYPES}}}Override", PartName=part,
            ContentType=f"application/vnd.openxmlformats-officedocument.spreadsheetml.{kind}")

    def relationships(target: str, kind: str) -> ElementTree.Element:
        rels = ElementTree.Element(f"{{{_NS_PKG_REL}}}Relationships")
        ElementTree.SubElement(rels, f"{{{_NS_PKG_REL}}}Relationship", Id="rId1",
                               Type=f"{_NS_REL}/{kind}", Target=target)
        return rels

    workbook = ElementTree.Element(f"{{{_NS_MAIN}}}workbook")
    sheets = ElementTree.SubElement(workbook, f"{{{_NS_MAIN}}}sheets")
    ElementTree.SubElement(sheets, f"{{{_NS_MAIN}}}sheet",
                           {"name": "Sheet1", "sheetId": "1", f"{{{_NS_REL}}}id": "rId1"})
    sheet = ElementTree.Element(f"{{{_NS_MAIN}}}worksheet")
    data = ElementTree.SubElement(sheet, f"{{{_NS_MAIN}}}sheetData")
    for r, values in enumerate(rows, start=1):
        row = ElementTree.SubElement(data, f"{{{_NS_MAIN}}}row", r=str(r))
        for c, value in enumerate(values):
            cell = ElementTree.SubElement(row, f"{{{_NS_MAIN}}}c", r=f"{chr(65 + c)}{r}",
                                          t="inlineStr")
            inline = ElementTree.SubElement(cell, f"{{{_NS_MAIN}}}is")
            ElementTree.SubElement(inline, f"{{{_NS_MAIN}}}t").text = value
    parts = (
        ("[Content_Types].xml", _xml(types)),
        ("_rels/.rels", _xml(relationships("xl/workbook.xml", "officeDocument"))),
        ("xl/workbook.xml", _xml(workbook)),
        ("xl/_rels/workbook.xml.rels", _xml(relationships("worksheets/sheet1.xml",
                                                          "worksheet"))),
        ("xl/worksheets/sheet1.xml", _xml(sheet)),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in parts:
            info = zipfile.ZipInfo(name, date_time=(2021, 1, 25, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, body)
    return out.getvalue()


__all__ = ["pdf_bytes", "xlsx_bytes"]
