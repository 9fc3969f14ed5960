"""Builds ``ideas.jsonl`` for the drafting suite (deterministic: ``uv run python -m evals.drafting.build_dataset``).

* ``citizen``: the 130 ideas of ``citizen_ideas.yaml`` written in citizens' voices (plain, thin, colloquial, rambling,
  Cantonese, Traditional, with personal data, mixed grievance + suggestion), tagged;
* derived variants of them: ``traditional`` (OpenCC s2hk of plain ideas), ``pii`` (an invented name, address, phone,
  ID, e-mail, WeChat id or plate added the way citizens add them), ``thin`` (the first sentence only);
* ``message``: real past messages from ``corpus/data/items.jsonl.gz`` (another city's board; the shipped items
  already exclude every message that overlaps the labelled sets);
* ``message_test``: messages of the labelled ``processed_test*`` texts — for REPORTING the automatic checks only,
  never for tuning the engine.

Every personal datum is invented; rows carry the values in ``pii`` so the suite can check none reaches the body.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import yaml

from assistant.settings import REPO_ROOT
from retrieval.shipped import load_jsonl_gz

HERE = Path(__file__).resolve().parent
OUT = HERE / "ideas.jsonl"
IDEAS = HERE / "citizen_ideas.yaml"
TEST_TEXTS = REPO_ROOT.parent / "shared" / "data" / "teddy2020c" / "messages_texts_labelled.jsonl"
N_MESSAGES = 100
N_TEST = 40

_PEOPLE = [
    ("林志明", "13802231456", "天河区天河北路412号5栋1801房", "linzm1975@126.com"),
    ("何美仪", "13926774102", "越秀区中山六路58号", "hemy@qq.com"),
    ("邓伟强", "020-83345512", "海珠区宝岗大道189号之三", "dengwq88@163.com"),
    ("梁淑贞", "15913345678", "荔湾区龙津西路23号2栋402房", "lsz_gz@163.com"),
    ("叶国华", "18620091234", "白云区机场路1201号3座705", "yegh2008@sina.com"),
    ("罗嘉欣", "13710098765", "番禺区桥南街福德路66号", "luojx@outlook.com"),
    ("冯建新", "13544561230", "黄埔区大沙地东305号", "fjx305@qq.com"),
    ("陈丽芬", "020-34561234", "增城区荔城街府佑路98号", "chenlf@21cn.com"),
]
_IDS = ["440103197802145326", "440111198512093412", "44010619690304181X", "440105199107226644"]
_PLATES = ["粤A3C5X8", "粤AD12345", "粤A·7Q239"]
_WECHAT = ["gz_lin1975", "meiyi_happy", "wq_deng88"]


def _pii_variant(n: int, idea: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    name, phone, address, email = _PEOPLE[n % len(_PEOPLE)]
    style = n % 5
    text = idea["text"]
    if style == 0:
        text = f"我叫{name}，住{address}。{text}联系电话{phone}。"
        values = [name, phone, address]
    elif style == 1:
        text = f"{text}本人{name}，身份证号{_IDS[n % len(_IDS)]}，手机{phone}。"
        values = [name, _IDS[n % len(_IDS)], phone]
    elif style == 2:
        text = f"你好，我是{name}，家住{address}。{text}有问题可以发邮件到{email}。"
        values = [name, address, email]
    elif style == 3:
        wx = _WECHAT[n % len(_WECHAT)]
        text = f"{text}我的微信号是{wx}，电话{phone}，欢迎联系。"
        values = [wx, phone]
    else:
        plate = _PLATES[n % len(_PLATES)]
        text = f"{plate}这辆车经常停在人行道上。{text}我叫{name}。"
        values = [plate, name]
    return {"id": f"p{n + 1:03d}", "source": "citizen", "group": "pii", "tags": ["pii", "variant"], "text": text,
            "pii": values, "base": idea["id"]}


def citizen_rows(rng: random.Random) -> list[dict[str, Any]]:
    """The written ideas and their derived variants."""
    import opencc

    s2hk = opencc.OpenCC("s2hk").convert
    ideas = yaml.safe_load(IDEAS.read_text(encoding="utf-8"))["ideas"]
    rows: list[dict[str, Any]] = []
    for idea in ideas:
        tags = list(idea["tags"])
        group = next((t for t in ("mixed", "pii", "cantonese", "traditional", "rambling", "thin", "colloquial")
                      if t in tags), "plain")
        rows.append({"id": idea["id"], "source": "citizen", "group": group, "tags": tags, "text": idea["text"],
                     "answers": idea.get("answers", {}), "pii": _pii_of(idea["text"])})
    plain = [i for i in ideas if "plain" in i["tags"]]
    for n, idea in enumerate(rng.sample(plain, 25)):
        rows.append({"id": f"t{n + 1:03d}", "source": "citizen", "group": "traditional",
                     "tags": ["traditional", "variant"], "text": s2hk(idea["text"]), "base": idea["id"]})
    for n, idea in enumerate(rng.sample([i for i in ideas if not set(i["tags"]) & {"pii", "cantonese"}], 25)):
        rows.append(_pii_variant(n, idea, rng))
    long_enough = [i for i in plain if "。" in i["text"].rstrip("。")]
    for n, idea in enumerate(rng.sample(long_enough, min(20, len(long_enough)))):
        first = idea["text"].split("。")[0] + "。"
        rows.append({"id": f"h{n + 1:03d}", "source": "citizen", "group": "thin", "tags": ["thin", "variant"],
                     "text": first, "base": idea["id"]})
    return rows


def _pii_of(text: str) -> list[str]:
    from assistant.llm.pii import find_personal_data

    return [s.value for s in find_personal_data(text)]


def message_rows(rng: random.Random) -> list[dict[str, Any]]:
    """Real past messages (not the labelled sets)."""
    records = [r for r in load_jsonl_gz(REPO_ROOT / "corpus" / "data" / "items.jsonl.gz") if len(r["text"]) >= 30]
    chosen = rng.sample(records, N_MESSAGES)
    return [{"id": f"message-{r['msg_id']}", "source": "message", "group": "message", "doc_id": r["id"],
             "text": f"{r['title']}\n{r['text']}"} for r in chosen]


def test_rows(rng: random.Random) -> list[dict[str, Any]]:
    """Labelled test-split texts, for reporting the automatic checks only."""
    if not TEST_TEXTS.exists():
        return []
    rows = [json.loads(x) for x in TEST_TEXTS.read_text(encoding="utf-8").splitlines() if x.strip()]
    test = [r for r in rows if str(r.get("source_file", "")).startswith("processed_test") and len(r["留言详情"]) >= 30]
    chosen = rng.sample(test, min(N_TEST, len(test)))
    return [{"id": f"test-{n + 1:03d}", "source": "message_test", "group": "message_test",
             "text": r["留言详情"][:1500]} for n, r in enumerate(chosen)]


def main() -> None:
    rng = random.Random(20261206)
    rows = citizen_rows(rng) + message_rows(rng) + test_rows(rng)
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} ideas → {OUT}")


if __name__ == "__main__":
    main()
