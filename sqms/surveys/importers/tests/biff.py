"""A minimal BIFF8 ``.xls`` writer for test fixtures (text and number cells, one sheet).

No ``.xls`` writer is installed (xlwt is not a dependency), so the tests build legacy 问卷星
downloads with this: an OLE2 compound file holding a ``Workbook`` stream of BOF, BOUNDSHEET,
LABEL/NUMBER and EOF records — enough for xlrd, which is what the importer uses.
"""

from __future__ import annotations

import struct

_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _rec(rid: int, data: bytes) -> bytes:
    return struct.pack("<HH", rid, len(data)) + data


def _bof(kind: int) -> bytes:
    return _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def _ustr(s: str, lenbytes: int) -> bytes:
    enc = s.encode("utf-16-le")
    head = struct.pack("<B" if lenbytes == 1 else "<H", len(enc) // 2)
    return head + b"\x01" + enc


def _workbook_stream(rows: list[list[str | float | None]], sheet: str) -> bytes:
    cells = b""
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, (int, float)):
                cells += _rec(0x0203, struct.pack("<HHHd", r, c, 0, float(v)))
            else:
                cells += _rec(0x0204, struct.pack("<HHH", r, c, 0) + _ustr(v, 2))
    ncols = max((len(r) for r in rows), default=0)
    sheet_stream = (
        _bof(0x0010)
        + _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, ncols, 0))
        + cells
        + _rec(0x000A, b"")
    )
    name = _ustr(sheet, 1)
    globals_len = len(_bof(5)) + len(_rec(0x0042, b"\0\0")) + 4 + 6 + len(name) + 4
    glob = (
        _bof(0x0005)
        + _rec(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
        + _rec(0x0085, struct.pack("<IBB", globals_len, 0, 0) + name)
        + _rec(0x000A, b"")
    )
    assert len(glob) == globals_len
    return glob + sheet_stream


def _dirent(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    enc = (name + "\0").encode("utf-16-le") if name else b""
    return (
        struct.pack(
            "<64sHBBIII16sIQQII",
            enc.ljust(64, b"\0"),
            len(enc),
            kind,
            1,
            _NOSTREAM,
            _NOSTREAM,
            child,
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
        )
        + b"\0\0\0\0"
    )


def write_xls(rows: list[list[str | float | None]], sheet: str = "Sheet1") -> bytes:
    stream = _workbook_stream(rows, sheet)
    size = len(stream)
    stream = stream.ljust(max(4096, -(-size // 512) * 512), b"\0")  # ≥ 4096: no mini stream
    n = len(stream) // 512
    if n + 2 > 128:
        raise ValueError("fixture too large for a one-sector FAT")
    fat = [_FATSECT, _END] + [3 + i for i in range(n - 1)] + [_END]
    fat += [_FREE] * (128 - len(fat))
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREE) * 108
    )
    assert len(header) == 512
    directory = (
        _dirent("Root Entry", 5, 1, _END, 0)
        + _dirent("Workbook", 2, _NOSTREAM, 2, len(stream))
        + _dirent("", 0, _NOSTREAM, 0, 0) * 2
    )
    return header + struct.pack("<128I", *fat) + directory + stream
