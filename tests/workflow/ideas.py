"""Ideas shared by the workflow and browser tests."""

IN_SCOPE = "学校门口放学时候电动车乱停，小孩子过马路很危险，建议设置接送区，安排交警疏导。"
OUT_OF_SCOPE = "我家楼上邻居天天半夜装修吵得睡不着，我要投诉他，请你们马上处理。"
