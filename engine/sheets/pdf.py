"""A one-page PDF of a rendered sheet, written by hand (one JPEG image filling a page of the paper's size)."""

import io
import zlib

from .plan import MM_PER_INCH

PT_PER_INCH = 72.0


def pdf_bytes(sheet, paper_mm_size, quality=95):
    """A one-page PDF whose page is exactly the paper size in points, the sheet image filling it."""
    buf = io.BytesIO()
    sheet.convert("RGB").save(buf, "JPEG", quality=quality, subsampling=0)
    jpeg = buf.getvalue()
    w_pt, h_pt = (v / MM_PER_INCH * PT_PER_INCH for v in paper_mm_size)
    content = f"q {w_pt:.4f} 0 0 {h_pt:.4f} 0 0 cm /Im0 Do Q".encode()
    content = zlib.compress(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt:.4f} {h_pt:.4f}] "
            "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>"
        ).encode(),
        _stream(
            f"<< /Type /XObject /Subtype /Image /Width {sheet.width} /Height {sheet.height} "
            f"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpeg)} >>",
            jpeg,
        ),
        _stream(f"<< /Filter /FlateDecode /Length {len(content)} >>", content),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _stream(header, data):
    return header.encode() + b"\nstream\n" + data + b"\nendstream"
