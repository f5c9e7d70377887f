"""The few PDFium functions the PDF reader calls, bound with ctypes to the PDFium library that
pypdfium2 ships (the `pdf` extra: the package `pypdfium2_raw` holds libpdfium).

The library is opened from that package's folder without importing the package: its generated
bindings module declares every PDFium function and struct and imports ctypes.util, shutil,
subprocess and platform, which costs a PDF conversion more start-up (~15 ms) than all the
functions declared here. Where the library is not in that folder (a system PDFium behind the
package), the package's own loader is used. Handles are passed and returned as plain ints
(c_void_p), so no ctypes pointer object is made per call and a handle can be a dict key.
"""

from __future__ import annotations

import ctypes
import sys
from ctypes import POINTER, c_double, c_float, c_int, c_size_t, c_uint, c_ulong, c_ushort, c_void_p

from ..errors import UnusableInput

FPDF_ERR_PASSWORD = 4
FPDF_ERR_SECURITY = 5
FPDF_PAGEOBJ_TEXT = 1
FPDF_PAGEOBJ_PATH = 2
FPDF_PAGEOBJ_FORM = 5
FPDF_SEGMENT_LINETO = 0
FPDF_SEGMENT_MOVETO = 2
FPDF_REMOVE_SECURITY = 3  # FPDF_SaveAsCopy: write the document without its encryption


class FS_RECTF(ctypes.Structure):
    _fields_ = [("left", c_float), ("top", c_float), ("right", c_float), ("bottom", c_float)]


class FS_MATRIX(ctypes.Structure):
    _fields_ = [(k, c_float) for k in "abcdef"]


class FileWrite(ctypes.Structure):
    """FPDF_FILEWRITE (fpdf_save.h): version 1 and the WriteBlock callback FPDF_SaveAsCopy writes through."""


WRITE_BLOCK = ctypes.CFUNCTYPE(c_int, POINTER(FileWrite), c_void_p, c_ulong)  # (this, data, size) -> 1 ok, 0 stop
FileWrite._fields_ = [("version", c_int), ("WriteBlock", WRITE_BLOCK)]


class _Config(ctypes.Structure):  # FPDF_LIBRARY_CONFIG (fpdfview.h); version 2 reads the first four
    _fields_ = [("version", c_int), ("m_pUserFontPaths", c_void_p), ("m_pIsolate", c_void_p),
                ("m_v8EmbedderSlot", c_uint), ("m_pPlatform", c_void_p), ("m_RendererType", c_int),
                ("m_FontLibraryType", c_int), ("m_BrotliEnabled", c_int), ("m_IsolatePerDocument", c_int)]


H, F, D, RECT, MAT = c_void_p, POINTER(c_float), POINTER(c_double), POINTER(FS_RECTF), POINTER(FS_MATRIX)
# attribute: (PDFium function, result type, argument types), as declared in PDFium's public headers
_FUNCTIONS = {
    "load_doc": ("FPDF_LoadMemDocument64", H, (c_void_p, c_size_t, c_void_p)),
    "last_error": ("FPDF_GetLastError", c_ulong, ()),
    "page_count": ("FPDF_GetPageCount", c_int, (H,)),
    "close_doc": ("FPDF_CloseDocument", None, (H,)),
    "security_revision": ("FPDF_GetSecurityHandlerRevision", c_int, (H,)),  # -1: not encrypted
    "save_copy": ("FPDF_SaveAsCopy", c_int, (H, POINTER(FileWrite), c_ulong)),
    "load_page": ("FPDF_LoadPage", H, (H, c_int)),
    "close_page": ("FPDF_ClosePage", None, (H,)),
    "media_box": ("FPDFPage_GetMediaBox", c_int, (H, F, F, F, F)),
    "shown_box": ("FPDF_GetPageBoundingBox", c_int, (H, RECT)),  # media box cut to crop box, inherited ones too
    "rotation": ("FPDFPage_GetRotation", c_int, (H,)),
    "page_width": ("FPDF_GetPageWidthF", c_float, (H,)),
    "page_height": ("FPDF_GetPageHeightF", c_float, (H,)),
    "load_text": ("FPDFText_LoadPage", H, (H,)),
    "close_text": ("FPDFText_ClosePage", None, (H,)),
    "count_chars": ("FPDFText_CountChars", c_int, (H,)),
    "get_text": ("FPDFText_GetText", c_int, (H, c_int, c_int, POINTER(c_ushort))),
    "unicode": ("FPDFText_GetUnicode", c_uint, (H, c_int)),
    "generated": ("FPDFText_IsGenerated", c_int, (H, c_int)),
    "loose": ("FPDFText_GetLooseCharBox", c_int, (H, c_int, RECT)),
    "origin": ("FPDFText_GetCharOrigin", c_int, (H, c_int, D, D)),
    "font_size": ("FPDFText_GetFontSize", c_double, (H, c_int)),
    "text_obj": ("FPDFText_GetTextObject", H, (H, c_int)),
    "char_matrix": ("FPDFText_GetMatrix", c_int, (H, c_int, MAT)),
    "font": ("FPDFTextObj_GetFont", H, (H,)),
    "descent": ("FPDFFont_GetDescent", c_int, (H, c_float, F)),
    "count_objects": ("FPDFPage_CountObjects", c_int, (H,)),
    "page_object": ("FPDFPage_GetObject", H, (H, c_int)),
    "form_count": ("FPDFFormObj_CountObjects", c_int, (H,)),
    "form_object": ("FPDFFormObj_GetObject", H, (H, c_ulong)),
    "obj_type": ("FPDFPageObj_GetType", c_int, (H,)),
    "matrix": ("FPDFPageObj_GetMatrix", c_int, (H, MAT)),
    "count_segments": ("FPDFPath_CountSegments", c_int, (H,)),
    "segment": ("FPDFPath_GetPathSegment", H, (H, c_int)),
    "seg_point": ("FPDFPathSegment_GetPoint", c_int, (H, F, F)),
    "seg_type": ("FPDFPathSegment_GetType", c_int, (H,)),
    "seg_close": ("FPDFPathSegment_GetClose", c_int, (H,)),
}


class Handle(c_void_p):
    """A PDFium handle as a function result that stays a ctypes object (a subclass of c_void_p is not
    turned into an int), so it can be passed straight back to the functions of _RAW."""


# The per-character and per-path-segment calls of the reader (~55,000 for a 25-page report), bound
# the cheapest way ctypes calls C: without argument types, so ctypes passes ctypes objects (handles,
# byref(...)) as they are and a Python int as a C int instead of converting each argument through
# its declared type; and as ctypes.PyDLL functions, which keep the GIL instead of releasing and
# taking it back around a call that lasts well under a microsecond. Together ~0.25 µs less per call,
# of ~0.5 µs. Their callers pass handles as Handle or c_void_p objects, indices as ints below 2**31,
# and out-parameters as byref() of the declared ctypes type.
_RAW = {
    "raw_loose": ("FPDFText_GetLooseCharBox", c_int),  # (text page, index, byref(FS_RECTF))
    "raw_origin": ("FPDFText_GetCharOrigin", c_int),  # (text page, index, byref(c_double) x 2)
    "raw_text_obj": ("FPDFText_GetTextObject", c_void_p),  # (text page, index) -> int: a dict key
    "raw_map_error": ("FPDFText_HasUnicodeMapError", c_int),  # (text page, index)
    "raw_page_object": ("FPDFPage_GetObject", Handle),  # (page, index)
    "raw_form_count": ("FPDFFormObj_CountObjects", c_int),  # (form object)
    "raw_form_object": ("FPDFFormObj_GetObject", Handle),  # (form object, index)
    "raw_obj_type": ("FPDFPageObj_GetType", c_int),  # (object)
    "raw_matrix": ("FPDFPageObj_GetMatrix", c_int),  # (object, byref(FS_MATRIX))
    "raw_bounds": ("FPDFPageObj_GetBounds", c_int),  # (object, byref(c_float) x 4: left, bottom, right, top)
    "raw_count_segments": ("FPDFPath_CountSegments", c_int),  # (path object)
    "raw_segment": ("FPDFPath_GetPathSegment", Handle),  # (path object, index)
    "raw_seg_point": ("FPDFPathSegment_GetPoint", c_int),  # (segment, byref(c_float) x 2)
    "raw_seg_type": ("FPDFPathSegment_GetType", c_int),  # (segment)
    "raw_seg_close": ("FPDFPathSegment_GetClose", c_int),  # (segment)
}


class Api:
    """PDFium's functions under short names (see _FUNCTIONS and _RAW), the library initialised."""

    def __init__(self, lib):
        for name, (symbol, restype, argtypes) in _FUNCTIONS.items():
            setattr(self, name, ctypes.CFUNCTYPE(restype, *argtypes)((symbol, lib)))
        keep_gil = ctypes.PyDLL(lib._name)  # the same library (dlopen gives the loaded one), PyDLL's calls
        for name, (symbol, restype) in _RAW.items():
            fn = keep_gil._FuncPtr((symbol, keep_gil))  # a function object of our own, not the library's
            fn.restype = restype
            setattr(self, name, fn)
        init = ctypes.CFUNCTYPE(None, POINTER(_Config))(("FPDF_InitLibraryWithConfig", lib))
        # idempotent in PDFium: pypdfium2, if imported later, initialises again without effect
        init(_Config(version=2))


_API: list[Api] = []


def api() -> Api:
    """PDFium, opened and initialised once per process; UnusableInput naming the extra without it."""
    if not _API:
        _API.append(Api(_library()))
    return _API[0]


def _library():
    import importlib.util
    from pathlib import Path

    try:
        spec = importlib.util.find_spec("pypdfium2_raw")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise UnusableInput.of("input:pdf-extra", command="pip install 'juesuan[pdf]'")
    if sys.platform.startswith(("win32", "cygwin", "msys")):
        name = "pdfium.dll"
    elif sys.platform.startswith(("darwin", "ios")):
        name = "libpdfium.dylib"
    else:
        name = "libpdfium.so"
    for folder in spec.submodule_search_locations:
        if (Path(folder) / name).is_file():
            return ctypes.CDLL(str(Path(folder) / name))
    try:  # a PDFium found elsewhere by the package's own loader
        from pypdfium2_raw.bindings import _libs
    except ImportError:
        raise UnusableInput.of("input:pdf-extra", command="pip install 'juesuan[pdf]'") from None
    return _libs["pdfium"]
