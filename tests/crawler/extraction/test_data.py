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


@pytest.mark.parametrize("line", [
    # view counters worded every way templates word them, alone on their line
    "阅读：123次", "浏览：123", "点击：45次", "访问：9", "阅读 1234", "阅读数：123", "浏览量 1.2万",
    "【访问次数：88】", "已有123人次浏览", "本文已被浏览 123 次", "閱讀：123次", "访问量：1632",
    # a label with what it carries
    "分享：微信 微博 QQ空间", "分享：微信 微博 QQ空间 豆瓣", "分享到：微信 微博 浏览次数：12",
    "当前位置：", "您当前所在位置：首页>政务公开>统计数据", "当前位置：首页 >> 政策法规",
    "首页->政府文件->近期信息公开", "上一篇：没有了", "上一篇：关于甲的通知 下一篇：关于乙的通知",
    "字号：默认", "字体：", "字体：[大 中 小]", "【字号 大 中 小】",
    "本页生成时间：2026-03-01 10:00:01", "发布时间：3天前", "发布时间：刚刚",
    "发布时间：昨天 10:32", "更新时间：15分钟前",
    # traditional script as portals convert it, character by character (發布), and as OpenCC
    # converts phrases (發佈)
    "發布時間：3天前", "發佈時間：3天前", "當前位置：首頁 > 政務公開", "瀏覽次數：12",
    # a line made only of chrome items
    "打印本页 | 关闭窗口", "[ 大 中 小 ]", "返回顶部", "【返回顶部】【关闭本页】",
    "扫一扫在手机打开当前页面", "【字体：大 中 小】【打印】【关闭】", "相关链接：", "延伸阅读",
    "分享",
    # a table row whose every cell is chrome (a toolbar laid out as a table)
    "浏览次数：12\t【打印】\t【关闭】",
])
def test_whole_lines_of_chrome_items(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize("line", [
    # body lines that only start like chrome
    "当前位置为示例市政务服务中心二楼", "上一条规定的情形，由市场监管部门处理。",
    "分享到各乡镇的资金为100万元。", "打印本页所附表格并填写后提交。",
    "阅读量前十的政策解读如下：", "浏览量较上年增长15%，访问量较上年增长8%。",
    "点击量前三位的栏目为：政策文件、通知公告、政务动态。", "当前位置：市政务服务中心二楼东侧",
    "分享：各地经验做法如下，请参照执行。", "返回原籍后应当在三日内报到。",
    "字体应当使用仿宋_GB2312。", "发布时间：2026-03-01", "报名时间：即日起至3月5日",
    "相关解读：解读《关于加快发展社区养老服务的实施意见》", "阅读", "（一）阅读量",
    # the figures of a 政府信息公开工作年度报告, as a sentence or as a table row
    "（一）政府网站总访问量：1234567", "（一）政府网站总访问量：1234567次。",
    "2025年，政府网站访问量：350万次，较上年增长12%。", "网站访问量\t1234567", "访问量\t1234567",
    "网站访问量：\t1234567", "政务新媒体阅读量\t56000", "阅读量\t56000\t【打印】",
])
def test_lines_that_only_start_like_chrome_are_text(line: str) -> None:
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
