"""Page forms of the knowledge base; the actions validate and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.models import Category

from .models import ArticleStatus


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    question = forms.CharField(
        label=_("问题"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    answer = forms.CharField(
        label=_("答复口径"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    keywords = forms.CharField(label=_("关键词"), max_length=200, required=False)
    categories = forms.ModelMultipleChoiceField(
        label=_("诉求分类"),
        queryset=Category.objects.filter(active=True).order_by("code"),
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    effective_from = forms.DateField(
        label=_("生效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("失效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("修改说明"), max_length=500, required=False)
    submit = forms.BooleanField(label=_("同时提交审核"), required=False, initial=True)

    @classmethod
    def for_version(cls, version, data=None):
        initial = {f: getattr(version, f) for f in ("title", "question", "answer", "keywords")}
        initial |= {
            "effective_from": version.effective_from,
            "expires_on": version.expires_on,
            "categories": [c.code for c in version.categories.all()],
        }
        return cls(data, initial=initial)


class BrowseForm(forms.Form):
    q = forms.CharField(label=_("检索"), max_length=100, required=False)
    category = forms.CharField(label=_("分类编码"), max_length=32, required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部"))] + ArticleStatus.choices, required=False
    )
    mine = forms.BooleanField(label=_("本单位"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class ReplyTemplateForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=60)
    text = forms.CharField(
        label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
