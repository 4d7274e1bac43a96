"""The fixed lists a ticket's fields choose from: channel, kind, urgency, status, result,
satisfaction, emergency lines, why a callback did not count. Labels are Chinese-first."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    WEB = "web", _("网站")
    APP = "app", _("App")
    MINI_PROGRAM = "mini_program", _("小程序")
    API = "api", _("Open311/API")
    EMAIL = "email", _("电子邮件")


class Kind(models.TextChoices):
    ENQUIRY = "enquiry", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


class Urgency(models.IntegerChoices):
    EMERGENCY = 1, _("紧急")
    URGENT = 2, _("加急")
    ORDINARY = 3, _("一般")
    DIFFICULT = 4, _("疑难")


class Status(models.TextChoices):
    NEW = "new", _("待派单")
    ANSWERED = "answered", _("直接答复")
    TRANSFERRED = "transferred", _("已转警")
    MERGED = "merged", _("已并单")
    DISPATCHED = "dispatched", _("待签收")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    RETURNED = "returned", _("退单待审")
    REPLIED = "replied", _("已反馈")
    CLOSED = "closed", _("已办结")


class ReplyResult(models.TextChoices):
    SOLVED = "solved", _("已解决")
    PARTLY_SOLVED = "partly_solved", _("部分解决")
    EXPLAINED = "explained", _("已解释说明")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class EmergencyLine(models.TextChoices):
    POLICE = "110", _("110 报警")
    FIRE = "119", _("119 火警")
    AMBULANCE = "120", _("120 急救")
    TRAFFIC = "122", _("122 交通事故")


class InvalidCallbackReason(models.TextChoices):
    UNREACHABLE = "unreachable", _("无法接通")
    REFUSED = "refused", _("拒绝回访")
    WRONG_NUMBER = "wrong_number", _("号码错误")
    NO_CONTACT_WANTED = "no_contact", _("诉求人要求不回访")
