"""Configuration: what users write, and the errors they get when they get it wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import Cadence, EventKind, load_config
from monitor.exceptions import ConfigError

GOOD = """\
sites:
  - id: wuxi-fgw
    name: 无锡市发展和改革委员会
    start_urls: [https://fgw.wuxi.gov.cn/zfxxgk/index.shtml]
    schedule: "0 7 * * mon-fri"
subscriptions:
  - id: analyst
    email: analyst@example.com
    keywords: [补贴]
"""


def write(tmp_path: Path, text: str, name: str = "sites.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_site_gets_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    site = config.site("wuxi-fgw")
    # The start URL's registrable domain: fgw.wuxi.gov.cn links the city's own documents on
    # www.wuxi.gov.cn and xxgk.wuxi.gov.cn (gov.cn is a public suffix).
    assert site.domains == ["wuxi.gov.cn"]
    assert site.max_list_pages == 20 and site.obey_robots and site.timezone == "Asia/Shanghai"
    sub = config.subscriptions[0]
    assert sub.cadence == Cadence.DAILY and set(sub.events) == set(EventKind)


def test_default_domains_are_the_start_urls_registrable_domains() -> None:
    from monitor.config import SiteConfig

    site = SiteConfig(id="dingxi", start_urls=[
        "https://www.dingxi.gov.cn/col/col12377/index.html",
        "http://zwgk.dingxi.gov.cn/col/col12480/index.html", "https://www.gov.cn/zhengce/"])
    assert site.domains == ["dingxi.gov.cn", "www.gov.cn"]  # not every *.gov.cn
    assert SiteConfig(id="local", start_urls=["http://127.0.0.1:8123/x/"]).domains == ["127.0.0.1"]
    # What the user configured stands.
    narrow = SiteConfig(id="n", start_urls=["https://www.dingxi.gov.cn/col/col1/index.html"],
                        allowed_domains=["www.dingxi.gov.cn"])
    assert narrow.domains == ["www.dingxi.gov.cn"]


def test_a_folder_of_files_merges(tmp_path: Path) -> None:
    write(tmp_path, GOOD.split("subscriptions:")[0], "a.yaml")
    write(tmp_path, "subscriptions:\n  - id: b\n    email: b@example.com\n    sites: [wuxi-fgw]\n"
          "smtp: {host: mail.example.com, port: 587, starttls: true}\n", "b.yaml")
    config = load_config(tmp_path)
    assert [s.id for s in config.sites] == ["wuxi-fgw"]
    assert config.subscriptions[0].sites == ["wuxi-fgw"]
    assert config.smtp.host == "mail.example.com" and config.smtp.starttls


@pytest.mark.parametrize(("text", "line", "key", "says"), [
    pytest.param("sites:\n  - id: Wuxi\n    start_urls: [http://a.gov.cn/]\n", 2,
                 "sites[0].id", "lower-case", id="bad-id"),
    pytest.param("sites:\n  - id: a\n    start_urls: [ftp://a.gov.cn/]\n", 3,
                 "sites[0].start_urls", "not an http(s) URL", id="bad-url"),
    pytest.param("sites:\n  - id: a\n    start_urls: [http://a.gov.cn/]\n    schedule: '0 7 * *'\n",
                 4, "sites[0].schedule", "not a valid cron expression", id="bad-cron"),
    pytest.param("sites:\n  - id: a\n    start_urls: [http://a.gov.cn/]\n"
                 "    shedule: '0 7 * * *'\n", 4, "sites[0].shedule", "did you mean 'schedule'",
                 id="typo"),
    pytest.param("sites:\n  - id: a\n", 2, "sites[0].start_urls", "required", id="missing"),
    pytest.param("sites:\n  - id: a\n    start_urls: [http://a.gov.cn/]\n    link_pattern: '(['\n",
                 4, "sites[0].link_pattern", "regular expression", id="bad-regex"),
    pytest.param("sites:\n  - id: a\n    start_urls: [http://a.gov.cn/]\n    encoding: gb9999\n",
                 4, "sites[0].encoding", "unknown encoding", id="bad-encoding"),
    pytest.param("sites:\n  - id: a\n    start_urls: [http://a.gov.cn/]\n"
                 "    list_selector: 'div[['\n", 4, "sites[0].list_selector", "CSS selector",
                 id="bad-css"),
    pytest.param("subscriptions:\n  - id: s\n    email: nobody\n", 3, "subscriptions[0].email",
                 "not an e-mail", id="bad-email"),
    pytest.param("subscriptions:\n  - id: s\n    email: a@b.cn\n    cadence: hourly\n", 4,
                 "subscriptions[0].cadence", "", id="bad-cadence"),
    pytest.param("site:\n  - id: a\n", 1, "site", "unknown top-level key", id="top-level"),
])
def test_errors_name_file_line_and_key(tmp_path: Path, text: str, line: int, key: str,
                                       says: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == line
    assert error.key == key
    assert says in str(error)
    assert str(error).startswith(f"{path}:{line}: {key}: ")


def test_duplicate_ids_across_files_name_both(tmp_path: Path) -> None:
    site = "sites:\n  - id: a\n    start_urls: [http://a.gov.cn/]\n"
    write(tmp_path, site, "one.yaml")
    write(tmp_path, site, "two.yaml")
    with pytest.raises(ConfigError, match=r"duplicate id 'a' \(first defined at .*one.yaml:2\)"):
        load_config(tmp_path)


def test_subscription_naming_an_unknown_site(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="names site 'nope', which is not configured"):
        load_config(write(tmp_path, GOOD + "    sites: [nope]\n"))


def test_not_yaml_and_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write(tmp_path, "sites: [\n"))
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes("sites: []\n# 无锡\n".encode("gbk"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(bad)


def test_missing_path_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pass --config or set GOVWATCH_CONFIG"):
        load_config(tmp_path / "nowhere.yaml")


def test_the_shipped_seeds_load() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "seeds")
    assert {s.id for s in config.sites} >= {"wuxi-fgw", "changzhou", "yixing", "kunshan"}
    assert all(s.verified is False for s in config.sites)
