"""Weak unit labels from the replies of the masked city: the answering department, mapped by function."""

from __future__ import annotations

from assistant.routing.replies import ReplyLabeller
from tests.support import shipped_catalogue


def _label(reply: str) -> tuple[str, str] | None:
    cat = shipped_catalogue()
    found = ReplyLabeller(cat).label(reply)
    return (cat.units[found.unit].name, found.name) if found else None


def test_the_first_functional_department_answers() -> None:
    assert _label("您好！经A5区教育局调查核实，现将有关情况答复如下……") == ("广州市教育局", "A5区教育局")
    assert _label("来信收悉，已转市人社局办理。") == ("广州市人力资源和社会保障局", "市人社局")
    assert _label("经A市住房和城乡建设局会同街道办事处调查……")[0] == "广州市住房和城乡建设局"


def test_local_governments_count_only_without_a_functional_department() -> None:
    assert _label("我街道高度重视，街道办事处组织人员上门劝导……")[0] == "广州市各区人民政府（含镇街）"
    assert _label("经镇政府调查，并联系区城管执法局处理……")[0] == "广州市城市管理和综合执法局"


def test_hotlines_and_replies_without_a_department_give_no_label() -> None:
    assert _label("您反映的问题已通过12345热线转交相关部门处理。") is None
    assert _label("您的留言已收悉，感谢您的支持！") is None
