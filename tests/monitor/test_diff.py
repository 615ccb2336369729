"""Diff internals and renderings: tokens, side by side, inline HTML (mail), text."""

from __future__ import annotations

from monitor.diff import Segment, diff_texts, render_text, tokens
from monitor.diffview import render_inline_html, render_side_by_side_html, side_by_side
from monitor.templating import environment

TAIL = "\n第二条。\n第三条。\n第四条。\n附则。"
OLD = "总则。\n地区生产总值增长7%，<b>新建</b>幼儿园24所。" + TAIL
NEW = "总则。\n地区生产总值增长6.5%，<b>新建</b>幼儿园30所。" + TAIL + "\n新增一段。"


def test_numbers_and_latin_words_are_single_tokens() -> None:
    shown, keys = tokens("增长８％和13.5万人 and GDP")
    assert shown == ["增", "长", "８％", "和", "13.5万人", " and", " GDP"]
    assert keys == ["增", "长", "8%", "和", "13.5万人", "and", "gdp"]


def test_segments_unpack_like_summary_lists() -> None:
    op, old, new = Segment("replace", "7%", "6.5%")
    assert (op, old, new) == ("replace", "7%", "6.5%")


def test_render_text_marks_words_and_paragraphs() -> None:
    diff = diff_texts(OLD, NEW)
    assert render_text(diff) == (
        "~ 地区生产总值增长[-7%-]{+6.5%+}，<b>新建</b>幼儿园[-24所-]{+30所+}。\n+ 新增一段。")


def test_side_by_side_folds_unchanged_paragraphs_away() -> None:
    rows = side_by_side(diff_texts(OLD, NEW), context=1)
    assert [row.op for row in rows] == ["equal", "replace", "equal", "skip", "equal", "insert"]
    assert rows[3].skipped == 2
    replaced = rows[1]
    assert [p.text for p in replaced.left if p.mark == "del"] == ["7%", "24所"]
    assert [p.text for p in replaced.right if p.mark == "ins"] == ["6.5%", "30所"]
    assert len(side_by_side(diff_texts(OLD, NEW), context=None)) == 7


def test_html_renderings_escape_the_text() -> None:
    diff = diff_texts(OLD, NEW)
    inline = render_inline_html(diff)
    assert "&lt;b&gt;新建&lt;/b&gt;" in inline and "<b>" not in inline
    assert "<del" in inline and "<ins" in inline and "▲ 地区生产总值增长" in inline
    table = render_side_by_side_html(diff)
    assert table.startswith('<table class="diff-sbs"') and "&lt;b&gt;" in table
    assert "⋯ 2 ⋯" in table


def test_inline_macro_reads_event_summaries_too() -> None:
    """Digests render the stored summary (JSON), not a TextDiff: the same macro serves both."""
    excerpt = [{"op": "replace", "old": "增长7%", "new": "增长6.5%",
                "segments": [["equal", "增长", "增长"], ["replace", "7%", "6.5%"]]},
               {"op": "insert", "old": "", "new": "新增一段。", "segments": []}]
    html = environment().from_string(
        '{% import "_diff.html" as d %}{{ d.inline(excerpt) }}').render(excerpt=excerpt)
    assert "增长<del" in html and ">7%</del>" in html and ">6.5%</ins>" in html
    assert ">新增一段。</ins>" in html


def test_similarity_counts_what_is_kept() -> None:
    assert diff_texts("甲乙丙丁", "甲乙丙丁").similarity == 1.0
    assert diff_texts("甲乙丙丁", "戊己庚辛").similarity == 0.0
    assert 0.7 < diff_texts("甲乙丙丁戊己庚辛", "甲乙丙丁戊己庚申").similarity < 0.95


def test_a_cell_separator_is_a_token_of_its_own() -> None:
    shown, keys = tokens("专项资金 \t100 万元\t\t√")
    assert shown == ["专", "项", "资", "金", " \t", "100 万元", "\t", "\t", "√"]
    assert keys == ["专", "项", "资", "金", "\t", "100万元", "\t", "\t", "√"]


ROWS = "企业名称\t合格\t不合格\n示例食品有限公司\t{}"


def test_a_value_moved_to_another_column_shows_the_cell_boundary_moving() -> None:
    diff = diff_texts(ROWS.format("√\t"), ROWS.format("\t√"))
    assert render_text(diff) == "~ 示例食品有限公司\t{+\t+}√[-\t-]"
    inline = render_inline_html(diff)
    assert ">│</ins>√<del" in inline
    (row,) = [r for r in side_by_side(diff) if r.op == "replace"]
    assert [p.text for p in row.left if p.mark == "del"] == ["\t"]
    assert "│</del>" in render_side_by_side_html(diff)


def test_a_number_in_a_table_row_is_told_by_the_row_label() -> None:
    table = "序号\t项目\t2024年\t2025年\n1\t专项资金（万元）\t{}"
    diff = diff_texts(table.format("120\t0"), table.format("12\t00"))
    assert [list(e) for e in diff.edits()] == [["replace", "120\t0", "12\t00"]]
    assert [(n.context, n.before, n.after) for n in diff.numbers] == [
        ("专项资金（万元）", "120", "12"), ("专项资金（万元）", "0", "00")]
