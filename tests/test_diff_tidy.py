"""What people read of a comparison (issue 16): titles that match the mode and both statuses, sides
named 上年/本年 year over year, key totals with 幅度, one place column when the layouts agree, a
label for every grid row, no concept or layout ids outside the JSON, English plurals."""

from __future__ import annotations

import json
import re

from juesuan.diff import compare_files, render

from .conftest import EXAMPLE_XML, EXAMPLES

DRAFT = EXAMPLES / "liling-2021-draft.xml"
PRIOR = EXAMPLES / "liling-2020.xml"


def _visible(html: str) -> str:
    """The page's text as a reader sees it (no tags, no attributes, no style)."""
    body = html.split("</style>", 1)[1]
    return re.sub(r"<[^>]+>", " ", body)


def test_titles_follow_mode_and_statuses():
    same = compare_files(EXAMPLE_XML, EXAMPLE_XML)
    assert same.mode == "draft-final"
    assert "<h1>决算对比：两份定稿对比</h1>" in render(same, "html").decode()
    assert render(same, "text").decode().startswith("决算对比：两份定稿对比")
    assert "<h1>决算对比：草稿与定稿对比</h1>" in render(compare_files(DRAFT, EXAMPLE_XML), "html").decode()
    back = compare_files(EXAMPLE_XML, DRAFT)
    assert render(back, "text").decode().startswith("决算对比：定稿与草稿对比")
    assert render(same, "text", "en").decode().startswith("Comparison: two final versions")
    from juesuan.diff.phrasing import mode_title

    assert mode_title("yoy", "final", "draft") == "与上年相比（本年为草稿）"
    assert mode_title("yoy", "final", "final", "en") == "year over year"


def test_yoy_key_totals_and_sides():
    r = compare_files(PRIOR, EXAMPLE_XML)
    html = render(r, "html").decode()
    key = html.split('<table class="key">', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<th>([^<]*)</th>", key)[:6] == ["项目", "上年", "本年", "增减", "幅度", "说明"]
    assert "<th>收入总计</th><td class=n>1997.90</td><td class=n>2035.21</td><td class=n>+37.31</td>" \
           "<td class=n>+1.87%</td>" in key
    text = render(r, "text").decode()
    assert "\n上年：" in text and "\n本年：" in text and "+69.07%" in text


def test_no_ids_and_one_place_column_when_layouts_agree():
    r = compare_files(DRAFT, EXAMPLE_XML)
    html = render(r, "html").decode()
    seen = _visible(html)
    for raw in ("GpbExpTotal", "BasicExp", "[2021-hunan]", "SumIncGrandTotal"):
        assert raw not in seen, raw
    details = html.split('<table class="details">', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<th>([^<]*)</th>", details) == ["位置", "原稿", "新稿", "增减", "幅度", "说明"]
    # JSON keeps the ids
    data = json.loads(render(r, "json"))
    assert {c["concept"] for c in data["changes"]} >= {"GpbExpTotal", "BasicExp"}
    assert data["changes"][0]["new_layout"]["layout"] == "2021-hunan"


def test_two_place_columns_when_layouts_differ(tmp_path):
    from juesuan.xmlio import load_instance, save_instance

    other = tmp_path / "sh.xml"
    save_instance(load_instance(EXAMPLE_XML).with_header(layout="2024-shanghai"), other)
    html = render(compare_files(DRAFT, other), "html").decode()
    details = html.split('<table class="details">', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<th>([^<]*)</th>", details)[:2] == ["位置（新版式）", "位置（原版式）"]


def test_every_grid_row_has_a_label():
    html = render(compare_files(PRIOR, EXAMPLE_XML), "html").decode()
    labels = re.findall(r'<tr><th class="r">([^<]*)</th>', html)
    assert labels and all(x.strip() for x in labels)
    seven = html.split('<table class="grid" data-table="07">', 1)[1].split("</table>", 1)[0]
    assert '<th class="r">金额</th>' in seven


def test_english_counts_have_plurals():
    r = compare_files(PRIOR, EXAMPLE_XML)
    text = render(r, "text", "en").decode()
    assert "1 row added" in text and "1 rows" not in text and "112 values changed" in text
    html = render(r, "html", "en").decode()
    assert "1 row added" in html and "1 rows" not in html


def test_renderers_take_their_words_from_the_one_wording_table():
    """No Chinese word is spelled inside render_text/html/xlsx: they print phrasing.WORDS (and the
    count and title helpers beside it), so a term is worded once for every format."""
    import ast

    from .conftest import ROOT

    for name in ("render_text.py", "render_html.py", "render_xlsx.py"):
        tree = ast.parse((ROOT / "src" / "juesuan" / "diff" / name).read_text("utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        words = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                 and id(n) not in docstrings and re.search(r"[\u4e00-\u9fff]", n.value)]
        assert words == [], (name, words)
