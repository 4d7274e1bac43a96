"""The Chinese texts of SPEC §15 as shipped. The data migration copies them into
TextTemplate for the admin to edit; an event whose row is missing falls back to these."""

DEFAULTS = {
    "created": (
        "【12345】您反映的问题已受理，工单编号{number}，"
        "我们将尽快转交承办单位办理，请保持电话畅通。"
    ),
    "extension_approved": (
        "【12345】您的诉求（工单{number}）办理时限已延长至{deadline}，承办单位正在办理，感谢理解。"
    ),
    "replied": (
        "【12345】您的诉求（工单{number}）已由{unit}办理并反馈：{result}。"
        "稍后我们将回访，请留意来电。"
    ),
    "closed": "【12345】您的诉求（工单{number}）已办结，感谢您的支持与监督。",
}
