"""The template a synthetic disclosure is written in: its family's wording and the layout
variants publishers use (codes split into 类/款/项, the 三公 table transposed, no 序号 or
栏次, 编制部门 lines, 元 with thousands separators)."""

from __future__ import annotations

import random
from dataclasses import dataclass

FAMILIES = ("hebei", "mof", "provincial")
CODE_FORMS = ("joined", "split_full", "split_new", "split_class")
LAYOUTS = ("row", "preparer_table", "preparer_paragraph", "unit_only")


@dataclass(frozen=True)
class Template:
    family: str = "hebei"
    codes: str = "joined"  # one code column, or 类/款/项 columns: every part / only the new part / 类 repeated
    numbered: bool = True  # a 序号 column and a 栏次 row
    three_public: str = "rows"  # items as rows, or as "columns" (one data row)
    layout: str = "row"  # unit | 预算年度 | 单位 row, 编制部门 line in a table or a paragraph, 单位 only
    title_year: bool = False  # titles begin with the year: 2025年部门收支总表
    thousands: bool = False  # 元 amounts with thousands separators (1,167,600.00)
    zeros: bool = False  # amounts a column does not use printed as 0.00 rather than left blank
    state_capital: bool = True  # the Ministry of Finance format with the 国有资本经营 table a province adds
    group_header: bool = True  # a merged group row (功能分类科目 over code and name) above the labels


HEBEI = Template()


def draw_template(rng: random.Random, family: str) -> Template:
    """A template of the family with its variants drawn; Hebei's is the corpus's own layout."""
    if family == "hebei":
        return HEBEI
    return Template(family=family, codes=rng.choice(CODE_FORMS), numbered=rng.random() < 0.5,
                    three_public=rng.choice(("rows", "columns")), layout=rng.choice(LAYOUTS),
                    title_year=rng.random() < 0.5, thousands=rng.random() < 0.7, zeros=rng.random() < 0.3,
                    state_capital=family != "mof" or rng.random() < 0.3, group_header=rng.random() < 0.7)
