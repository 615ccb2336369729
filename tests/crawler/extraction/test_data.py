"""The data tables extraction reads: labels.yaml and words.yaml load, compile and cover
DESIGN.md's canonical keys."""

from __future__ import annotations

import pytest

from crawler.extraction import EXTRACTOR_VERSION
from crawler.extraction.chrome import is_chrome_line, is_footer_line
from crawler.extraction.labels import CANONICAL_KEYS, known, synonyms
from crawler.extraction.vocabulary import load


def test_every_canonical_key_has_labels_and_every_label_a_key() -> None:
    table = load("labels.yaml")
    assert set(table) == set(CANONICAL_KEYS)
    assert all(table[key] for key in CANONICAL_KEYS)
    assert {key for key, _ in synonyms().values()} == set(CANONICAL_KEYS)


def test_design_md_labels_map_to_their_keys() -> None:
    design = {"index_no": "索引号 信息索引号", "title": "信息名称 标题 名称",
              "category": "主题分类 信息分类 分类 法定主动公开分类 主题(一)",
              "publisher": "发布机构 发文机关 发文单位 公开责任部门",
              "created": "生成日期 成文日期 发文日期", "published": "公开日期 发布日期 发布时间",
              "doc_no": "文号 文件编号 发文字号", "status": "效力状况 有效性 时效性",
              "abolished": "废止日期 失效日期", "disclosure_mode": "公开方式 公开形式",
              "disclosure_scope": "公开范围", "disclosure_term": "公开时限",
              "keywords": "关键词 主题词", "summary": "内容概述 内容概况 摘要"}
    for key, labels in design.items():
        for label in labels.split():
            found = known(label)
            assert found is not None and found.key == key, label
            assert known(label + "：") == found and known(" ".join(label) + ":") == found


def test_traditional_and_padded_labels() -> None:
    for label in ("信息索引號", "發(fā)布機構(gòu)", "索\u3000引\u3000號", "效力狀況", "內容概述"):
        assert known(label) is not None, label


@pytest.mark.parametrize("line", [
    "浏览次数：128", "瀏覽次數：", "文字大小：[ 大 中 小 ]", "【字体：大 中 小】",
    "字号：【大 中 小】", "文字大?。? [ 大 中 小 ] 瀏覽次數:", "【打印本页】【关闭窗口】",
    "打印本页 关闭窗口", "【打印】", "扫一扫在手机打开当前页", "掃一掃在手機打開當前頁", "扫一扫",
    "微信扫一扫分享", "用手机扫描二维码打开本页",
    "分享到：微信 微博", "当前位置：首页 > 政策文件", "首页 > 政府信息公开", "上一篇：关于甲的通知",
    "来源：示例局 日期：2021-02-18 浏览次数：12",
])
def test_chrome_lines(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize("line", [
    "文字材料请于3月1日前报送。", "各区人民政府，市各委办局：", "打印机采购项目中标公告",
    "当前，全省新型冠状病毒感染的肺炎疫情防控工作正处在决战攻坚阶段。", "主办单位：市商务局",
    "（一）加快发展社区养老服务", "2021年2月18日", "微信扫一扫下方二维码即可预约。",
    "市民可用手机扫码预约接种。", "全年网站点击量：120万次。",
])
def test_body_lines_are_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


@pytest.mark.parametrize(("line", "footer"), [
    ("版权所有：示例市人民政府", True), ("主办单位：示例市人民政府办公室", True),
    ("苏ICP备05001234号", True), ("网站标识码：3202000001", True), ("技术支持：某公司", True),
    ("特此通知。", False),
])
def test_footer_lines(line: str, footer: bool) -> None:
    assert is_footer_line(line) is footer


def test_extractor_version_names_trafilatura() -> None:
    assert EXTRACTOR_VERSION.startswith("govwatch-extract/") and "trafilatura/2.3.1" in \
        EXTRACTOR_VERSION
