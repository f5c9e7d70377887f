"""Workbooks laid out like the official published tables, built in code from the reference report.

The numbers are transcribed from ../shared/reference/liling-grid-center-2021-final-accounts.txt
(the 2021 report of 醴陵市网格化管理服务中心); the layout imitates what finance software exports:
a title merged across the table, 公开NN表, 部门 / 单位 lines, merged two-level headers, 行次 and 栏次,
codes as numbers, amounts as numbers or as text with thousands separators. Nothing here uses
juesuan's own template writer.
"""

from __future__ import annotations

from decimal import Decimal

ENTITY = "醴陵市网格化管理服务中心"
T = "t"  # marks a header row in the specs below

# each table: (id, title, header rows [(cells, merges as (row offset, c1, row offset2, c2))], data rows)
# merges are relative to the first header row (0) and 1-based columns.

T01 = ("01", "收入支出决算总表",
       [["收入", "", "", "支出", "", ""],
        ["项 目", "行次", "决算数", "项 目", "行次", "决算数"],
        ["栏 次", "", 1, "栏 次", "", 2]],
       [(0, 1, 0, 3), (0, 4, 0, 6)],
       [["一、一般公共预算财政拨款收入", 1, "1,960.73", "一、一般公共服务支出", 14, "2,027.27"],
        ["二、政府性基金预算财政拨款收入", 2, None, "二、外交支出", 15, None],
        ["三、国有资本经营预算财政拨款收入", 3, None, "三、国防支出", 16, None],
        ["四、上级补助收入", 4, "0.00", "四、公共安全支出", 17, None],
        ["五、事业收入", 5, None, "五、教育支出", 18, "—"],
        ["六、经营收入", 6, "-", "六、科学技术支出", 19, None],
        ["七、附属单位上缴收入", 7, None, "七、文化旅游体育与传媒支出", 20, None],
        ["八、其他收入", 8, 20, "九、卫生健康支出", 21, 5.88],
        [None, 9, None, None, 22, None],
        ["本年收入合计", 10, 1980.73, "本年支出合计", 23, 2033.15],
        ["使用非财政拨款结余", 11, 6.44, "结余分配", 24, None],
        ["年初结转和结余", 12, 48.03, "年末结转和结余", 25, 2.06],
        ["总计", 13, "2,035.21", "总计", 26, "2,035.21"]])

_INC = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
T02 = ("02", "收入决算表",
       [["功能分类科目编码", "项 目", *_INC],
        ["", "科目名称", *[""] * 7],
        ["栏次", "", *range(1, 8)]],
       [(0, 1, 1, 1), *[(0, c, 1, c) for c in range(3, 10)]],
       [[None, "合计", 1980.73, 1960.73, None, None, None, None, "20.00"],
        [201, "一般公共服务支出", 1974.84, 1954.84, None, None, None, None, 20],
        [20199, "其他一般公共服务支出", 1974.84, 1954.84, None, None, None, None, 20],
        [2019999, "其他一般公共服务支出", "1,974.84", "1,954.84", None, None, None, None, 20],
        [210, "卫生健康支出", 5.88, 5.88, None, None, None, None, 20],
        [21011, "行政事业单位医疗", 5.88, 5.88, None, None, None, None, 20],
        [2101102, "事业单位医疗", 5.88, 5.88, None, None, None, None, 20]])

_EXP = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
T03 = ("03", "支出决算表",
       [["项 目", "", *_EXP],
        ["功能分类科目编码", "科目名称", *[""] * 6],
        ["栏次", "", *range(1, 7)]],
       [(0, 1, 0, 2), *[(0, c, 1, c) for c in range(3, 9)], (2, 1, 2, 2)],
       [["合计", None, "2,033.15", "1,838.83", 194.32, None, None, None],
        ["201", "一般公共服务支出", 2027.27, 1832.95, 194.32],
        ["20199", "其他一般公共服务支出", 2027.27, 1832.95, 194.32],
        ["2019999", "其他一般公共服务支出", 2027.27, 1832.95, 194.32],
        ["210", "卫生健康支出", 5.88, 5.88, None],
        ["21011", "行政事业单位医疗", 5.88, 5.88, None],
        ["2101102", "事业单位医疗", 5.88, 5.88, None]])

T04 = ("04", "财政拨款收入支出决算总表",
       [["收入", "", "", "支出", "", "", "", "", ""],
        ["项 目", "行次", "金 额", "项 目", "行次", "合 计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"],
        ["栏 次", "", 1, "栏 次", "", 2, 3, 4, 5]],
       [(0, 1, 0, 3), (0, 4, 0, 9)],
       [["一、一般公共预算财政拨款", 1, 1960.73, "一、一般公共服务支出", 15, "2,001.35", "2,001.35", None, None],
        ["二、政府性基金预算财政拨款", 2, None, "二、外交支出", 16],
        ["三、国有资本经营预算财政拨款", 3, None, "三、国防支出", 17],
        [None, 4, None, "四、公共安全支出", 18],
        [None, 5, None, "五、教育支出", 19],
        [None, 6, None, "六、科学技术支出", 20],
        [None, 7, None, "七、文化旅游体育与传媒支出", 21],
        [None, 8, None, "九、卫生健康支出", 22, 5.88, 5.88],
        ["本年收入合计", 9, "1,960.73", "本年支出合计", 23, "2,007.23", "2,007.23"],
        ["年初财政拨款结转和结余", 10, 48.03, "年末财政拨款结转和结余", 24, 1.53, 1.53],
        ["一般公共预算财政拨款", 11, 48.03, None, 25],
        ["政府性基金预算财政拨款", 12, None, None, 26],
        ["国有资本经营预算财政拨款", 13, None, None, 27],
        ["总计", 14, "2,008.76", "总计", 28, "2,008.76", "2,008.76"]])

T05 = ("05", "一般公共预算财政拨款支出决算表",
       [["项 目", "", "本年支出", "", ""],
        ["功能分类科目编码", "科目名称", "小计", "基本支出", "项目支出"],
        ["栏次", "", 1, 2, 3]],
       [(0, 1, 0, 2), (0, 3, 0, 5), (2, 1, 2, 2)],
       [["合计", None, 2007.23, 1832.39, 174.84],
        [201, "一般公共服务支出", "2,001.35", "1,826.50", 174.84],
        [20199, "其他一般公共服务支出", 2001.35, 1826.5, 174.84],
        [2019999, "其他一般公共服务支出", 2001.35, 1826.5, 174.84],
        [210, "卫生健康支出", 5.88, 5.88, None],
        [21011, "行政事业单位医疗", 5.88, 5.88],
        [2101102, "事业单位医疗", 5.88, 5.88]])

_B1 = [(301, "工资福利支出", "1,060.20"), (30101, "基本工资", 388.18), (30102, "津贴补贴", 55.85), (30103, "奖金", 145.41),
       (30106, "伙食补助费", 23.32), (30107, "绩效工资", 159.29), (30108, "机关事业单位基本养老保险缴费", 13.98),
       (30109, "职业年金缴费", None), (30110, "职工基本医疗保险缴费", 78.51), (30111, "公务员医疗补助缴费", None),
       (30112, "其他社会保障缴费", 108.95), (30113, "住房公积金", 56.74), (30114, "医疗费", None),
       (30199, "其他工资福利支出", 29.99), (303, "对个人和家庭的补助", 0.06), (30301, "离休费", None),
       (30302, "退休费", None), (30303, "退职（役）费", None), (30304, "抚恤金", None), (30305, "生活补助", None),
       (30306, "救济费", None), (30307, "医疗费补助", None), (30308, "助学金", None), (30309, "奖励金", 0.06),
       (30310, "个人农业生产补贴", None), (30311, "代缴社会保险费", None), (30399, "其他对个人和家庭的补助", None)]
_B2 = [(302, "商品和服务支出", 733.09), (30201, "办公费", 23.96), (30202, "印刷费", 20.37), (30203, "咨询费", 0.5),
       (30204, "手续费", None), (30205, "水费", None), (30206, "电费", None), (30207, "邮电费", 58.68),
       (30208, "取暖费", None), (30209, "物业管理费", None), (30211, "差旅费", 6.57),
       (30212, "因公出国（境）费用", None), (30213, "维修（护）费", 41.81), (30214, "租赁费", 18.75),
       (30215, "会议费", None), (30216, "培训费", 14.14), (30217, "公务接待费", 1.64), (30218, "专用材料费", 20.86),
       (30224, "被装购置费", None), (30225, "专用燃料费", None), (30226, "劳务费", 319.6), (30227, "委托业务费", 41.62),
       (30228, "工会经费", 33.1), (30229, "福利费", 4.42), (30231, "公务用车运行维护费", None),
       (30239, "其他交通费用", 15.37), (30240, "税金及附加费用", None), (30299, "其他商品和服务支出", "111.70")]
_B3 = [(307, "债务利息及费用支出", None), (30701, "国内债务付息", None), (30702, "国外债务付息", None),
       (310, "资本性支出", 39.04), (31001, "房屋建筑物购建", None), (31002, "办公设备购置", 37.67),
       (31003, "专用设备购置", None), (31005, "基础设施建设", None), (31006, "大型修缮", None),
       (31007, "信息网络及软件购置更新", None), (31008, "物资储备", None), (31009, "土地补偿", None),
       (31010, "安置补助", None), (31011, "地上附着物和青苗补偿", None), (31012, "拆迁补偿", None),
       (31013, "公务用车购置", None), (31019, "其他交通工具购置", None), (31021, "文物和陈列品购置", None),
       (31022, "无形资产购置", None), (31099, "其他资本性支出", 1.36), (399, "其他支出", None), (39906, "赠与", None),
       (39907, "国家赔偿费用支出", None), (39908, "对民间非营利组织和群众性自治组织补贴", None), (39999, "其他支出", None)]


def _t06_rows():
    rows = []
    for i in range(max(len(_B1), len(_B2), len(_B3))):
        row = []
        for b in (_B1, _B2, _B3):
            row.extend(b[i] if i < len(b) else (None, None, None))
        rows.append(row)
    # 公用经费合计 is printed with its amount in the last column, as in the published table
    rows.append(["人员经费合计", None, "1,060.26", "公用经费合计", None, None, None, None, 772.12])
    return rows


T06 = ("06", "一般公共预算财政拨款基本支出决算明细表",
       [["经济分类科目编码", "科目名称", "决算数"] * 3], [], _t06_rows())

T07 = ("07", "一般公共预算财政拨款“三公”经费支出决算表",
       [["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""],
        ["合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"] * 2,
        ["", "", "小计", "公务用车购置费", "公务用车运行费", ""] * 2,
        list(range(1, 13))],
       [(0, 1, 0, 6), (0, 7, 0, 12), (1, 3, 1, 5), (1, 9, 1, 11),
        (1, 1, 2, 1), (1, 2, 2, 2), (1, 6, 2, 6), (1, 7, 2, 7), (1, 8, 2, 8), (1, 12, 2, 12)],
       [[5, None, None, None, None, "5.00", 1.64, None, None, None, None, "1.64"]])

T08 = ("08", "政府性基金预算财政拨款收入支出决算表",
       [["项 目", "", "年初结转和结余", "本年收入", "本年支出", "", "", "年末结转和结余"],
        ["功能分类科目编码", "科目名称", "", "", "小计", "基本支出", "项目支出", ""],
        ["栏次", "", 1, 2, 3, 4, 5, 6]],
       [(0, 1, 0, 2), (0, 5, 0, 7), (0, 3, 1, 3), (0, 4, 1, 4), (0, 8, 1, 8)],
       [["合计", None, "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"]])

T09 = ("09", "国有资本经营预算财政拨款支出决算表",
       [["项 目", "", "本年支出", "", ""],
        ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["栏次", "", 1, 2, 3]],
       [(0, 1, 0, 2), (0, 3, 0, 5)],
       [["合计", None, None, None, None]])

VALUE_COLS = {"01": {3, 6}, "02": set(range(3, 10)), "03": set(range(3, 9)), "04": {3, 6, 7, 8, 9},
              "05": {3, 4, 5}, "06": {3, 6, 9}, "07": set(range(1, 13)), "08": set(range(3, 9)), "09": {3, 4, 5}}
TABLES = {t[0]: t for t in (T01, T02, T03, T04, T05, T06, T07, T08, T09)}
# zero facts the "0.00" cells add to the example's facts
ZERO_FACTS = {("SumIncSuperiorSubsidy", "", Decimal("0.00"))} | {
    (c, "", Decimal("0.00")) for c in ("FundOpening", "FundIncome", "FundExpTotal", "FundExpBasic", "FundExpProject", "FundClosing")}


def _scaled(v, factor: int):
    """The same amount in 元: numbers multiplied, text amounts re-printed with separators."""
    if v is None or factor == 1:
        return v
    if isinstance(v, str):
        try:
            d = Decimal(v.replace(",", ""))
        except ArithmeticError:
            return v
        return f"{d * factor:,.2f}"
    if isinstance(v, float):
        return float(Decimal(str(v)) * factor)
    return v * factor


def add_table(wb, table_id: str, *, sheet_title: str | None = None, unit: str = "万元", entity: str = ENTITY,
              factor: int = 1, amount_format: str = "#,##0.00", override: dict | None = None):
    """One sheet holding one official-layout table. `factor` 10000 prints the amounts in 元."""
    from openpyxl.styles import Alignment

    tid, title, header, merges, data = TABLES[table_id]
    ws = wb.create_sheet(sheet_title or title)
    width = max(len(r) for r in header)
    ws.cell(row=1, column=1, value=title).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=2, column=width, value=f"公开{tid}表")
    ws.cell(row=3, column=1, value=f"部门：{entity}")
    ws.cell(row=3, column=width, value=f"单位：{unit}")
    top = 4
    for i, cells in enumerate(header):
        for j, v in enumerate(cells):
            if v not in ("", None):
                ws.cell(row=top + i, column=j + 1, value=v)
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=top + r1, start_column=c1, end_row=top + r2, end_column=c2)
    first = top + len(header)
    values = VALUE_COLS[table_id]
    for i, cells in enumerate(data):
        for j, v in enumerate(cells):
            if v is None:
                continue
            if j + 1 in values:
                v = _scaled(v, factor)
            c = ws.cell(row=first + i, column=j + 1, value=v)
            if j + 1 in values and isinstance(v, (int, float)):
                c.number_format = amount_format
    if table_id == "06":  # 人员经费合计 / 公用经费合计 span their label columns
        last = first + len(data) - 1
        ws.merge_cells(start_row=last, start_column=1, end_row=last, end_column=2)
        ws.merge_cells(start_row=last, start_column=4, end_row=last, end_column=8)
    for ref, v in (override or {}).items():
        ws[ref] = v
    ws.cell(row=first + len(data) + 1, column=1, value="注：本表反映部门本年度的情况。")
    return ws


def official_workbook(path, order=("06", "02", "01", "09", "04", "03", "07", "05", "08"), *, cover: bool = True,
                      extra_sheet: bool = True, unit: str = "万元", factor: int = 1, entity: str = ENTITY,
                      overrides: dict | None = None):
    """A whole official-layout workbook: a cover, the nine tables in a shuffled order, a notes sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    if cover:
        first.title = "封面"
        first["A3"] = "2021 年度"
        first["A4"] = entity
        first["A5"] = "部门决算"
    else:
        first.title = "目录"
        first["A1"] = "部门决算公开表"
    for i, tid in enumerate(order):
        add_table(wb, tid, unit=unit, factor=factor, entity=entity, override=(overrides or {}).get(tid))
        if extra_sheet and i == 3:
            ws = wb.create_sheet("说明")
            ws["A1"] = "部门决算编制说明"
            ws["A2"] = "本单位 2021 年度收支总计"
            ws["B2"] = 2035.21
    wb.save(path)
    return path
