"""Page forms: the intake form, and one small form per lifecycle step.

Each step form turns its cleaned data into the keyword arguments of the step's action
(`kwargs()`); the action itself validates and decides.
"""

import uuid

from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hotline import validation as rules
from hotline.models import Category, Unit, UnitType

from .. import routing
from ..attachments.forms import EvidenceField
from ..choices import InvalidCallbackReason
from ..models import (
    EmergencyLine,
    Kind,
    ReplyResult,
    Satisfaction,
    Urgency,
)

YES_NO = [("yes", _("是")), ("no", _("否"))]


def _yes_no(label, required=True):
    return forms.TypedChoiceField(
        label=label,
        choices=([] if required else [("", "—")]) + YES_NO,
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
    )


def _text(label, required=True, rows=2, max_length=rules.NOTE_MAX):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class IntakeForm(forms.Form):
    caller_name = forms.CharField(label=_("诉求人"), max_length=rules.NAME_MAX, required=False)
    caller_phone = forms.CharField(label=_("联系电话"), max_length=rules.PHONE_MAX, required=False)
    confidential = forms.BooleanField(label=_("保密"), required=False)
    notify_caller = forms.BooleanField(label=_("短信告知"), required=False, initial=True)
    address = forms.CharField(label=_("问题地址"), max_length=rules.ADDRESS_MAX, required=False)
    category = forms.ModelChoiceField(
        label=_("诉求分类"),
        queryset=Category.objects.filter(default_urgency__isnull=False, active=True),
        to_field_name="code",
    )
    kind = forms.ChoiceField(label=_("诉求类型"), choices=Kind.choices, initial=Kind.HELP)
    urgency = forms.TypedChoiceField(
        label=_("响应级别"),
        choices=[("", _("按分类默认"))] + Urgency.choices,
        coerce=int,
        empty_value=None,
        required=False,
    )
    urgency_reason = forms.CharField(
        label=_("调整级别理由"), max_length=rules.SHORT_TEXT_MAX, required=False
    )
    content = _text(_("主要内容"), rows=4, max_length=rules.CONTENT_MAX)
    attachments = EvidenceField()
    # One per form shown (kept when the form comes back with an error): the form sent
    # twice (Ctrl+Enter pressed twice, a resubmitted page) is one ticket, as a retried
    # API call with its Idempotency-Key is.
    submission = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput,
        initial=lambda: f"console-{uuid.uuid4().hex}",
    )

    def clean_caller_phone(self):
        return rules.normalize_phone(self.cleaned_data["caller_phone"])

    def ticket_fields(self):
        data = dict(self.cleaned_data)
        data.pop("attachments", None)  # added after the ticket exists (views.console)
        data["idempotency_key"] = data.pop("submission") or None
        if data["urgency"] is None:
            data.pop("urgency")
        data["channel"] = "phone"
        return data


class StepForm(forms.Form):
    def __init__(self, *args, ticket=None, **kwargs):
        self.ticket = ticket
        super().__init__(*args, **kwargs)

    def kwargs(self):
        return dict(self.cleaned_data)


class NoteForm(StepForm):
    note = _text(_("说明"), required=False, rows=1)


class AnswerForm(StepForm):
    answer = _text(_("答复内容"), max_length=rules.CONTENT_MAX)
    # Filled by the console's knowledge suggestions (static/js/knowledge_suggest.js).
    article = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def kwargs(self):
        data = dict(self.cleaned_data)
        if data.get("article") is None:
            data.pop("article", None)
        return data


class TransferForm(StepForm):
    to = forms.ChoiceField(label=_("转至"), choices=EmergencyLine.choices)
    note = _text(_("说明"), required=False, rows=1)


class MergeForm(StepForm):
    into = forms.CharField(label=_("主工单编号"), max_length=20)


class DispatchForm(StepForm):
    unit = forms.CharField(label=_("主办单位"), max_length=32)
    co_units = forms.CharField(label=_("协办单位"), required=False)
    note = _text(_("说明"), required=False, rows=1)

    def kwargs(self):
        data = dict(self.cleaned_data)
        data["co_units"] = [c.strip() for c in data["co_units"].replace("，", ",").split(",")]
        data["co_units"] = [c for c in data["co_units"] if c]
        return data


class ReasonForm(StepForm):
    reason = _text(_("理由"))
    attachments = EvidenceField()


class UnitCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes of units, each carrying its code and pinyin initials (`data-code`,
    `data-pinyin`) for the page's filter box (static/js/unit_picker.js, SPEC §12)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_attrs = {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"].update(self.unit_attrs.get(str(value), {}))
        return option


class WhistleForm(StepForm):
    departments = forms.MultipleChoiceField(label=_("召集部门"), widget=UnitCheckboxes, choices=[])
    reason = _text(_("吹哨事由"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        district_id = self.ticket.lead_unit.district_id if self.ticket else None
        depts = Unit.objects.filter(type=UnitType.DEPARTMENT, active=True).filter(
            Q(district_id=district_id) | Q(district__isnull=True)
        )
        # The district's own departments first, then the municipal ones.
        depts = list(depts.order_by(F("district_id").asc(nulls_last=True), "code"))
        field = self.fields["departments"]
        field.choices = [(u.code, u.name) for u in depts]
        field.widget.unit_attrs = {
            u.code: {"data-code": u.code, "data-pinyin": u.pinyin} for u in depts
        }
        if self.ticket and not self.is_bound and "departments" not in self.initial:
            # SPEC §12: the suggested unit is preselected — the category's duty department
            by_kind = {}
            for u in depts:  # the district's first: it wins over the city's of its kind
                by_kind.setdefault((None, u.dept_kind), u)
            duty = routing.duty_department(self.ticket, by_kind)
            if duty is not None and any(u.pk == duty.pk for u in depts):
                self.initial["departments"] = [duty.code]


class ReviewReturnForm(StepForm):
    accept = _yes_no(_("同意退单"))
    unit = forms.CharField(label=_("改派单位"), max_length=32, required=False)
    note = _text(_("审核意见"), required=False, rows=1)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.ticket and not self.is_bound and not self.initial.get("unit"):
            # SPEC §12: the suggested unit is preselected, never the unit that returned it
            unit = routing.redispatch_suggestion(
                self.ticket, departments or routing.departments_by_kind()
            )
            if unit is not None:
                self.initial["unit"] = unit.code


class DecideForm(StepForm):
    approve = _yes_no(_("同意"))
    note = _text(_("审核意见"), required=False, rows=1)


# Reaching a confidential caller through the centre (SPEC §3).
class AskRelayForm(StepForm):
    reason = _text(_("需要转达的内容"))


class RelayForm(StepForm):
    approve = _yes_no(_("已转达诉求人"))
    note = _text(_("转达结果"), required=False, rows=1)


class ExtendForm(StepForm):
    days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=30)
    reason = _text(_("延期理由"))
    attachments = EvidenceField()


class ReplyForm(StepForm):
    result = forms.ChoiceField(label=_("办理结果"), choices=ReplyResult.choices)
    note = _text(_("办理情况"), rows=3)
    attachments = EvidenceField()


class ReportPartForm(StepForm):
    note = _text(_("办理情况"), rows=2)


class CallbackForm(StepForm):
    valid = _yes_no(_("接通并有效"))
    invalid_reason = forms.ChoiceField(
        label=_("无效原因"),
        choices=[("", "—")] + InvalidCallbackReason.choices,
        required=False,
    )
    contacted = _yes_no(_("1. 承办单位是否联系过您？"), required=False)
    solved = _yes_no(_("2. 问题是否已解决？"), required=False)
    satisfaction = forms.ChoiceField(
        label=_("3. 您对办理结果是否满意？"),
        choices=[("", "—")] + Satisfaction.choices,
        required=False,
        widget=forms.RadioSelect,
    )


STEP_FORMS = {
    "answer": AnswerForm,
    "transfer": TransferForm,
    "merge": MergeForm,
    "dispatch": DispatchForm,
    "sign": NoteForm,
    "contact": NoteForm,
    "whistle": WhistleForm,
    "report-in": NoteForm,
    "report-part": ReportPartForm,
    "return": ReasonForm,
    "review-return": ReviewReturnForm,
    "extend": ExtendForm,
    "review-extension": DecideForm,
    "reply": ReplyForm,
    "callback": CallbackForm,
    "claim-unreasonable": ReasonForm,
    "review-claim": DecideForm,
    "appeal": ReasonForm,
    "review-appeal": DecideForm,
    "reveal-phone": StepForm,
    "ask-relay": AskRelayForm,
    "relay": RelayForm,
}

# Review requests by kind → the step that decides them.
REVIEW_STEPS = {
    "return": "review-return",
    "extension": "review-extension",
    "unreasonable": "review-claim",
    "appeal": "review-appeal",
}


def step_form(name, ticket, data=None, initial=None, files=None):
    # A prefix per step keeps field ids unique when several forms share a page.
    return STEP_FORMS[name](data, files, ticket=ticket, initial=initial, prefix=name)
