"""Sheet planning for the Excel template: sheet names, the visual rows of each block (`_Spec`), the
runs of rows a block fills with codes (`_Group`), and the row plan of a table with side-by-side
padding (`_Planner`, a mixin of template._Builder). Moved out of juesuan.excel.template."""

from __future__ import annotations

from ..records import field, record
from ..taxonomy import Block, Row, Table

_CN = "零一二三四五六七八九"


def cn_ordinal(n: int) -> str:
    """1 -> '一', 12 -> '十二', 24 -> '二十四'."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def sheet_name(table: Table) -> str:
    name = table.title
    for ch in "[]:*?/\\":
        name = name.replace(ch, "_")
    return name[:31]


# ------------------------------------------------------------------ row plan


@record
class _Spec:
    kind: str  # label | code | std | class | group | blank
    row: Row | None = None
    code: str = ""
    number: int | None = None


@record
class _Group:
    """Rows a block fills with codes (function/economic codes, or 类 beyond the printed ones)."""

    kind: str  # function | economic | class
    rows: list[int] = field(default_factory=list)  # sheet rows
    code_col: int = 0
    name_col: int = 0
    values: dict[int, str] = field(default_factory=dict)  # sheet column -> concept
    slot: int = -1  # its line in the mapping


def _expand(block: Block, codes_needed: dict[int, list[str]], n_code: int, n_class: int,
            spare: int = 0) -> tuple[list[_Spec], int, int]:
    """Visual rows of one block; also (index where extra rows start, how many) for side-by-side padding."""
    specs: list[_Spec] = []
    ext_at, ext_n = 0, 0
    for ri, r in enumerate(block.rows):
        if r.is_group:
            need = codes_needed.get(ri, [])
            if r.codes == "class" and r.standard:
                for i, code in enumerate(r.standard):
                    specs.append(_Spec("std", r, code, (r.number + i) if r.number else None))
                extra = [c for c in need if c not in r.standard]
                n = max(n_class, len(extra) + spare)
                ext_at, ext_n = len(specs), n
                specs.extend(_Spec("class", r) for _ in range(n))
            else:
                n = max(n_code if r.codes != "class" else n_class, len(need) + spare)
                ext_at, ext_n = len(specs), n
                specs.extend(_Spec("class" if r.codes == "class" else "group", r) for _ in range(n))
        elif r.code:
            specs.append(_Spec("code", r, r.code, r.number))
        elif r.filler:
            specs.append(_Spec("blank", r, number=r.number))
        else:
            specs.append(_Spec("label", r, number=r.number))
    return specs, ext_at, ext_n


class _Planner:
    """The row plan of a table sheet (template._Builder: uses self.inst, code_rows, class_rows, spare)."""

    def _codes_needed(self, table: Table) -> list[dict[int, list[str]]]:
        """Per block: the codes the instance has for each group row (export); empty for a template."""
        need: list[dict[int, list[str]]] = []
        for b in table.blocks:
            d: dict[int, list[str]] = {}
            for ri, r in enumerate(b.rows):
                if r.is_group and self.inst is not None:
                    concepts = set(b.row_cells(r).values())
                    d[ri] = sorted({f.code for f in self.inst.facts if f.code and f.concept in concepts
                                    and (r.codes != "class" or len(f.code) == 3)})
            need.append(d)
        return need

    def _plan_rows(self, table: Table, need: list[dict[int, list[str]]]) -> list[list[_Spec]]:
        """Visual rows of each block; side-by-side blocks get blank rows where another block grows."""
        plans = [_expand(b, need[bi], self.code_rows, self.class_rows, self.spare) for bi, b in enumerate(table.blocks)]
        specs = [p[0] for p in plans]
        for bi, (_, at, n) in enumerate(plans):
            if not n:
                continue
            for bj in range(len(specs)):
                if bj != bi and at < len(specs[bj]):
                    specs[bj][at:at] = [_Spec("blank") for _ in range(n)]
        return specs
